// Hand-made ModelProtos for hostile-input tests: written straight as protobuf messages (not through
// the IR and writer), so that a model can break any rule the reader checks — a node reading its own
// output, duplicate names, external data anywhere, subgraphs nested as deep as asked.
import { create, fromBinary, toBinary, type MessageInitShape } from '@bufbuild/protobuf';
import {
  GraphProtoSchema,
  ModelProtoSchema,
  NodeProtoSchema,
  StringStringEntryProtoSchema,
  TensorProto_DataLocation,
  TensorProtoSchema,
  ValueInfoProtoSchema,
} from '../../src/core/onnx/gen/layerlens/onnx/onnx_pb';

export type GraphInit = MessageInitShape<typeof GraphProtoSchema>;
type ValueInfoInit = MessageInitShape<typeof ValueInfoProtoSchema>;
type TensorInit = MessageInitShape<typeof TensorProtoSchema>;
type NodeInit = MessageInitShape<typeof NodeProtoSchema>;

const FLOAT = 1;
const BOOL = 9;
const GRAPH_ATTR = 5;
const INT_ATTR = 2;

/** A tensor value_info of element type `elemType` (float by default) and fixed shape. */
export function tensorInfo(name: string, shape: number[], elemType = FLOAT): ValueInfoInit {
  const dim = shape.map((d) => ({ value: { case: 'dimValue' as const, value: BigInt(d) } }));
  return { name, type: { value: { case: 'tensorType', value: { elemType, shape: { dim } } } } };
}

/** A scalar bool input (the condition of an If). */
export const boolInfo = (name: string): ValueInfoInit => tensorInfo(name, [], BOOL);

/** A float initializer holding `value` in every element. */
export function floatInit(name: string, dims: number[], value = 1): TensorInit {
  const n = dims.reduce((a, b) => a * b, 1);
  return { name, dims: dims.map(BigInt), dataType: FLOAT, floatData: new Array<number>(n).fill(value) };
}

/** A float initializer whose data is in `location` (relative to the model's folder). */
export function externalInit(name: string, dims: number[], location: string, offset = 0): TensorInit {
  const length = dims.reduce((a, b) => a * b, 1) * 4;
  return {
    name,
    dims: dims.map(BigInt),
    dataType: FLOAT,
    dataLocation: TensorProto_DataLocation.EXTERNAL,
    externalData: [
      { key: 'location', value: location },
      { key: 'offset', value: String(offset) },
      { key: 'length', value: String(length) },
    ],
  };
}

export function node(opType: string, input: string[], output: string[], extra: Partial<NodeInit> = {}): NodeInit {
  return { opType, input, output, ...extra } as NodeInit;
}

/** An If node on `cond` whose branches are `then` and `else`. */
export function ifNode(cond: string, output: string[], thenBranch: GraphInit, elseBranch: GraphInit, name = ''): NodeInit {
  return node('If', [cond], output, {
    name,
    attribute: [
      { name: 'then_branch', type: GRAPH_ATTR, g: thenBranch },
      { name: 'else_branch', type: GRAPH_ATTR, g: elseBranch },
    ],
  });
}

/** A one-node branch: Identity(input) -> output, both float[2]. */
export function identityBranch(input: string, output: string, extra: Partial<GraphInit> = {}): GraphInit {
  return { name: 'branch', output: [tensorInfo(output, [2])], node: [node('Identity', [input], [output])], ...extra } as GraphInit;
}

/** The ModelProto bytes of `graph` (opset `opset` of the default domain, IR version 8). */
export function modelBytes(graph: GraphInit, opset = 17): Uint8Array {
  return toBinary(
    ModelProtoSchema,
    create(ModelProtoSchema, { irVersion: 8n, producerName: 'layerlens-test', opsetImport: [{ domain: '', version: BigInt(opset) }], graph: { name: 'g', ...graph } }),
  );
}

/** A valid model of If nodes nested `depth` deep (each then_branch holds the next If); y = x whatever `c` is. */
export function nestedIfModel(depth: number): Uint8Array {
  let g: GraphInit = identityBranch('x', `o${depth}`);
  for (let d = depth - 1; d >= 0; d--) {
    g = { name: `level${d}`, output: [tensorInfo(`o${d}`, [2])], node: [ifNode('c', [`o${d}`], g, identityBranch('x', `e${d}`), `if${d}`)] };
  }
  return modelBytes({ input: [tensorInfo('x', [2]), boolInfo('c')], output: g.output, node: g.node });
}

/** Sum of three float initializers of ones shaped [n,1,1], [1,n,1], [1,1,n]: a tiny file whose folded result has n^3 elements. */
export function broadcastBombModel(n = 1000): Uint8Array {
  return modelBytes({
    output: [tensorInfo('y', [n, n, n])],
    initializer: [floatInit('a', [n, 1, 1]), floatInit('b', [1, n, 1]), floatInit('c', [1, 1, n])],
    node: [node('Sum', ['a', 'b', 'c'], ['y'], { name: 'sum' })],
  });
}

/** Concat of one [len] initializer with itself `copies` times: a small file whose folded result has copies*len elements. */
export function concatBombModel(copies = 20_000, len = 4096): Uint8Array {
  return modelBytes({
    output: [tensorInfo('y', [copies * len])],
    initializer: [floatInit('w', [len])],
    node: [node('Concat', new Array<string>(copies).fill('w'), ['y'], { name: 'concat', attribute: [{ name: 'axis', type: INT_ATTR, i: 0n }] })],
  });
}

/**
 * `bytes` (a model whose initializers hold raw data) with the data of its first `count` initializers
 * moved, one after another, into the file `location`; `lie` replaces the first one's offset or length
 * as written. Returns the model and the bytes the data file should hold.
 */
export function withExternalData(bytes: Uint8Array, location: string, count = Infinity, lie: { offset?: string; length?: string } = {}): { model: Uint8Array; data: Uint8Array } {
  const m = fromBinary(ModelProtoSchema, bytes);
  const chunks: Uint8Array[] = [];
  let offset = 0;
  m.graph!.initializer.slice(0, count).forEach((t, i) => {
    const data = t.rawData;
    chunks.push(data);
    t.rawData = new Uint8Array(0);
    t.dataLocation = TensorProto_DataLocation.EXTERNAL;
    const entries = { location, offset: String(offset), length: String(data.length), ...(i === 0 ? lie : {}) };
    t.externalData = Object.entries(entries).map(([key, value]) => create(StringStringEntryProtoSchema, { key, value }));
    offset += data.length;
  });
  const data = new Uint8Array(offset);
  let at = 0;
  for (const c of chunks) {
    data.set(c, at);
    at += c.length;
  }
  return { model: toBinary(ModelProtoSchema, m), data };
}
