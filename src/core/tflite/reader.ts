// TFLite (LiteRT) flatbuffer -> IR. Decoding is done by the flatbuffers library through the code
// generated from TFLite's schema (gen/schema.ts), over a bounds-checked buffer (checked-buffer.ts);
// this module checks what flatbuffers cannot (identifier and version, indices in range, one producer
// per tensor, no cycles of operators or of subgraphs) and builds the IR:
//   - subgraph 0 is the model's graph; a subgraph an operator calls (IF/WHILE/CALL_ONCE/CALL and
//     StableHLO bodies) becomes a graph attribute of that node, built once per call site; subgraphs
//     no operator reaches (other signatures' entry points) become model functions of domain
//     `tflite.subgraph`, whose nodes are listed but not counted in the totals;
//   - operators become nodes of domain `tflite` (op type = TFLite's name, CONV_2D...) or
//     `tflite.custom` (op type = the custom code); options become attributes (options.ts);
//   - tensors become values with their stored type and shape, quantization, and constant data as a
//     view into the file (tensors.ts); signatures name graph inputs and outputs in value metadata.
// Every failure is a LayerLensError (ModelFormatError, ModelGraphError, ShapeError), never another throw.
import { LayerLensError, ModelFormatError, ModelGraphError } from '../errors';
import type { Attribute } from '../ir/attribute';
import { Graph, Node, type Value } from '../ir/graph';
import { topologicalOrder } from '../ir/graph-order';
import { Model, type FunctionDef } from '../ir/model';
import { SparseTensor } from '../ir/sparse-tensor';
import { checkedNumel, formatShape, isConcrete } from '../ir/shape';
import type { ExternalDataReader } from '../ir/tensor';
import { CheckedByteBuffer } from './checked-buffer';
import { isTfliteBytes, TFLITE_CUSTOM_DOMAIN, TFLITE_DOMAIN, TFLITE_SUBGRAPH_DOMAIN } from './format';
import { BuiltinOperator, Model as FbModel, type SubGraph } from './gen/schema';
import { builtinAttributes, customAttributes } from './options';
import { attachConstant, Buffers, readDims, readQuantization, valueType, type TensorSource } from './tensors';

export interface TfliteReadOptions {
  /** Reads buffers stored past `bytes` (files over 2 GB keep them after the flatbuffer). */
  externalData?: ExternalDataReader;
  /** The model file's name in the folder `externalData` reads from. */
  fileName?: string;
  /** Size of the whole file when `bytes` holds only its start (default: bytes.length). */
  fileSize?: number;
}

/** Schema version of every TFLite file since 2017 (the identifier says "TFL3"). */
const SCHEMA_VERSION = 3;
/** Deepest chain of subgraphs calling subgraphs that is accepted (real models nest a few levels). */
const MAX_NESTING = 64;

interface OpCode {
  opType: string;
  domain: string;
}

export function readTflite(bytes: Uint8Array, options: TfliteReadOptions = {}): Model {
  if (bytes.length < 8) {
    throw new ModelFormatError(`the file is ${bytes.length} bytes long, too short for a TFLite model`, 0);
  }
  if (!isTfliteBytes(bytes)) {
    const id = Array.from(bytes.subarray(4, 8), (b) => (b >= 32 && b < 127 ? String.fromCharCode(b) : '.')).join('');
    throw new ModelFormatError(`bytes 4..8 are '${id}', not TFLite's identifier 'TFL3': this is not a TFLite model`, 4);
  }
  try {
    return new TfliteBuilder(bytes, options).build();
  } catch (e) {
    if (e instanceof LayerLensError) throw e;
    // The generated code may still trip on a value no check foresaw (a typed-array view, a union code):
    // whatever it is, the file is corrupt.
    throw new ModelFormatError(`corrupt TFLite file: ${(e as Error).message ?? String(e)}`);
  }
}

class TfliteBuilder {
  private readonly fb: FbModel;
  private readonly src: TensorSource;
  private readonly buffers: Buffers;
  private codes: OpCode[] = [];
  /** Graph built for each subgraph index first (the one signatures name). */
  private readonly built = new Map<number, Graph>();
  /** Tensors of each built graph, by tensor index. */
  private readonly valuesOf = new Map<Graph, Value[]>();
  /** Subgraphs built as the body of some operator. */
  private readonly nested = new Set<number>();
  private readonly usedNames = new Set<string>();

  constructor(bytes: Uint8Array, options: TfliteReadOptions) {
    this.fb = FbModel.getRootAsModel(new CheckedByteBuffer(bytes));
    this.src = {
      model: this.fb,
      bytes,
      fileSize: Math.max(options.fileSize ?? bytes.length, bytes.length),
      externalData: options.externalData ?? null,
      fileName: options.fileName ?? 'model.tflite',
    };
    this.buffers = new Buffers(this.src);
  }

  build(): Model {
    const fb = this.fb;
    const version = fb.version();
    if (version !== SCHEMA_VERSION) {
      throw new ModelFormatError(`the file says TFLite schema version ${version}; LayerLens reads version ${SCHEMA_VERSION}: the file is corrupt or from an unsupported writer`);
    }
    const n = fb.subgraphsLength();
    if (n === 0) throw new ModelFormatError('the TFLite file has no subgraphs: it holds no model');
    this.codes = this.readCodes();
    const main = this.subgraph(0, null, null, []);
    const model = new Model(main);
    model.irVersion = 0;
    model.opsetImports = [{ domain: TFLITE_DOMAIN, version: SCHEMA_VERSION }];
    if (this.codes.some((c) => c.domain === TFLITE_CUSTOM_DOMAIN)) model.opsetImports.push({ domain: TFLITE_CUSTOM_DOMAIN, version: 1 });
    model.producerName = fb.description() ?? '';
    model.functions = this.unreached(n);
    model.metadata = [...this.metadata(), ...this.signatures(n)];
    model.externalData = this.src.externalData;
    return model;
  }

  private readCodes(): OpCode[] {
    const out: OpCode[] = [];
    for (let i = 0; i < this.fb.operatorCodesLength(); i++) {
      const c = this.fb.operatorCodes(i)!;
      // Schema 3a widened the code: old files have only the byte, new ones write min(code, 127) there.
      const code = Math.max(c.builtinCode(), c.deprecatedBuiltinCode());
      if (code === BuiltinOperator.CUSTOM) {
        const custom = c.customCode();
        if (!custom) throw new ModelFormatError(`corrupt TFLite file: operator code ${i} is CUSTOM without a custom code`);
        out.push({ opType: custom, domain: TFLITE_CUSTOM_DOMAIN });
      } else {
        out.push({ opType: BuiltinOperator[code] ?? `BUILTIN_${code}`, domain: TFLITE_DOMAIN });
      }
    }
    return out;
  }

  /** A name not used yet in the graph (TFLite tensor names may repeat or be empty). */
  private uniqueValueName(g: Graph, name: string, index: number): string {
    if (name && !g.values.has(name)) return name;
    let k = index;
    let candidate = `${name || 'tensor'}_${k}`;
    while (g.values.has(candidate)) candidate = `${name || 'tensor'}_${++k}`;
    return candidate;
  }

  private tensors(sg: SubGraph, g: Graph, where: string): Value[] {
    const values: Value[] = [];
    const quantCache = new Map<number, ReturnType<typeof readQuantization>>();
    for (let i = 0; i < sg.tensorsLength(); i++) {
      const t = sg.tensors(i)!;
      const v = g.define(this.uniqueValueName(g, t.name() ?? '', i));
      const what = `tensor ${i} '${v.name}' of ${where}`;
      const dims = readDims(t.shapeLength(), (k) => t.shape(k), what);
      if (isConcrete(dims)) checkedNumel(dims, what);
      v.type = valueType(t, dims, !!t.sparsity());
      const sig = readDims(t.shapeSignatureLength(), (k) => t.shapeSignature(k), `the shape signature of ${what}`);
      if (t.shapeSignatureLength() > 0 && formatShape(sig) !== formatShape(dims)) {
        v.metadata.push(['tflite.shape_signature', `[${sig.map((d) => d ?? -1).join(',')}]`]);
      }
      if (t.isVariable()) v.metadata.push(['tflite.variable', 'true']);
      const q = t.quantization();
      if (q) {
        if (!quantCache.has(q.bb_pos)) quantCache.set(q.bb_pos, readQuantization(q, dims, what));
        v.quantization = quantCache.get(q.bb_pos) ?? null;
      }
      const made = attachConstant(v, t, this.buffers.get(t.buffer(), v.name), this.src);
      if (made instanceof SparseTensor) g.sparseInitializers.push(made);
      else if (made && !g.initializers.includes(made)) g.initializers.push(made);
      values.push(v);
    }
    return values;
  }

  private subgraph(index: number, parent: Graph | null, owner: Node | null, stack: number[]): Graph {
    if (stack.includes(index)) {
      throw new ModelGraphError(`subgraphs of the TFLite file call each other in a cycle: ${[...stack, index].join(' -> ')}`);
    }
    if (stack.length >= MAX_NESTING) throw new ModelFormatError(`corrupt TFLite file: subgraphs nest more than ${MAX_NESTING} deep`);
    if (index < 0 || index >= this.fb.subgraphsLength()) {
      throw new ModelFormatError(`corrupt TFLite file: a reference to subgraph ${index}, but the file has ${this.fb.subgraphsLength()}`);
    }
    const sg = this.fb.subgraphs(index)!;
    const g = new Graph(sg.name() || `subgraph_${index}`, parent, owner);
    if (!this.built.has(index)) this.built.set(index, g);
    if (owner) this.nested.add(index);
    const where = `subgraph ${index} ('${g.name}')`;
    const values = this.tensors(sg, g, where);
    this.valuesOf.set(g, values);
    const tensorAt = (k: number, what: string): Value => {
      const v = values[k];
      if (!v) throw new ModelFormatError(`corrupt TFLite file: ${what} of ${where} is tensor ${k}, but the subgraph has ${values.length} tensors`);
      return v;
    };
    for (let k = 0; k < sg.inputsLength(); k++) g.inputs.push(tensorAt(sg.inputs(k)!, `input ${k}`));
    for (let i = 0; i < sg.operatorsLength(); i++) {
      const op = sg.operators(i)!;
      const code = this.codes[op.opcodeIndex()];
      if (!code) throw new ModelFormatError(`corrupt TFLite file: operator ${i} of ${where} uses operator code ${op.opcodeIndex()}, but the file has ${this.codes.length}`);
      const node = new Node('', code.opType, code.domain, g);
      for (let k = 0; k < op.inputsLength(); k++) {
        const t = op.inputs(k)!;
        node.setInput(k, t === -1 ? null : tensorAt(t, `input ${k} of operator ${i} (${code.opType})`));
      }
      for (let k = 0; k < op.outputsLength(); k++) {
        const t = op.outputs(k)!;
        if (t === -1) {
          node.outputs.push(null);
          continue;
        }
        const v = tensorAt(t, `output ${k} of operator ${i} (${code.opType})`);
        if (v.producer || v.initializer || v.sparseInitializer || g.inputs.includes(v)) {
          const first = v.producer ? `operator ${g.nodes.indexOf(v.producer)} (${v.producer.opType})` : v.producer === null && g.inputs.includes(v) ? 'a subgraph input' : 'constant data';
          throw new ModelGraphError(`tensor '${v.name}' is written by operator ${i} (${code.opType}) of ${where} and is also ${first}: every tensor has one producer`, v.name);
        }
        v.producer = node;
        node.outputs.push(v);
      }
      node.attributes = code.domain === TFLITE_DOMAIN
        ? this.withSubgraphs(builtinAttributes(op), node, g, [...stack, index])
        : customAttributes(code.opType, op.customOptionsArray(), op.customOptionsFormat());
      g.nodes.push(node);
    }
    for (let k = 0; k < sg.outputsLength(); k++) g.outputs.push(tensorAt(sg.outputs(k)!, `output ${k}`));
    this.nameNodes(g);
    if (topologicalOrder(g) === null) {
      const order = new Set(topologicalOrder(g) ?? []);
      const stuck = g.nodes.find((x) => !order.has(x));
      throw new ModelGraphError(`the operators of ${where} read each other's outputs in a cycle (through ${stuck}): a TFLite subgraph runs in order`, stuck?.displayName);
    }
    return g;
  }

  /** Option fields naming subgraphs (then_subgraph_index, body_subgraph_index, CALL's subgraph...) become graph attributes. */
  private withSubgraphs(attrs: Attribute[], node: Node, g: Graph, stack: number[]): Attribute[] {
    return attrs.map((a): Attribute => {
      const isRef = a.name === 'subgraph' || a.name.endsWith('subgraph_index');
      const name = a.name.replace(/_index$/, '');
      if (isRef && a.kind === 'int') return { name, kind: 'graph', value: this.subgraph(Number(a.value), g, node, stack) };
      if (a.name === 'called_computations' && a.kind === 'ints') {
        return { name, kind: 'graphs', value: a.value.map((i) => this.subgraph(Number(i), g, node, stack)) };
      }
      return a;
    });
  }

  /** Display names: the first output's name (its first ';'-joined part, TF2's fused names), unique in the model. */
  private nameNodes(g: Graph): void {
    g.nodes.forEach((n, i) => {
      const out = n.outputs.find((v) => v)?.name;
      const base = out ? out.split(';')[0]! : `${n.opType}_${i}`;
      let name = base;
      for (let k = 1; this.usedNames.has(name); k++) name = `${base}#${k}`;
      this.usedNames.add(name);
      n.displayName = name;
    });
  }

  /** Subgraphs no operator of subgraph 0 reaches: model functions (listed and costed, not counted). */
  private unreached(n: number): FunctionDef[] {
    const fns: { index: number; fn: FunctionDef }[] = [];
    for (let i = 1; i < n; i++) {
      if (this.built.has(i)) continue;
      const body = this.subgraph(i, null, null, []);
      fns.push({ index: i, fn: {
        name: body.name, domain: TFLITE_SUBGRAPH_DOMAIN, overload: '',
        inputs: body.inputs.map((v) => v.name), outputs: body.outputs.map((v) => v.name),
        attributeNames: [], attributeDefaults: [], body, opsetImports: [], docString: `subgraph ${i}`, metadata: [],
      } });
    }
    // A subgraph built as a root before the one calling it was reached is that caller's body, not a root.
    return fns.filter((f) => !this.nested.has(f.index)).map((f) => f.fn);
  }

  /** Model metadata entries: short UTF-8 contents as text (min_runtime_version), others by size. */
  private metadata(): [string, string][] {
    const out: [string, string][] = [];
    for (let i = 0; i < this.fb.metadataLength(); i++) {
      const m = this.fb.metadata(i)!;
      const name = m.name() ?? `metadata_${i}`;
      const data = this.buffers.get(m.buffer(), `metadata '${name}'`);
      const bytes = data.kind === 'bytes' ? data.bytes : null;
      const text = bytes && bytes.length <= 256 ? new TextDecoder('utf-8', { fatal: false }).decode(bytes).replace(/\0+$/, '') : null;
      const printable = text !== null && /^[\x20-\x7e]*$/.test(text);
      out.push([`tflite.metadata.${name}`, printable ? text : `<${data.kind === 'external' ? data.size : (bytes?.length ?? 0)} bytes>`]);
    }
    return out;
  }

  /** Signatures: model metadata (key -> subgraph and tensors) and the signature names on the values. */
  private signatures(n: number): [string, string][] {
    const out: [string, string][] = [];
    for (let i = 0; i < this.fb.signatureDefsLength(); i++) {
      const s = this.fb.signatureDefs(i)!;
      const key = s.signatureKey() ?? `signature_${i}`;
      const sgIndex = s.subgraphIndex();
      if (sgIndex >= n) throw new ModelFormatError(`corrupt TFLite file: signature '${key}' names subgraph ${sgIndex}, but the file has ${n}`);
      const g = this.built.get(sgIndex);
      const names: string[] = [];
      const side = (len: number, get: (k: number) => { name(): string | null; tensorIndex(): number } | null, dir: 'input' | 'output'): void => {
        for (let k = 0; k < len; k++) {
          const m = get(k)!;
          const alias = m.name() ?? '';
          const v = g ? this.valuesOf.get(g)?.[m.tensorIndex()] : undefined;
          if (g && !v) throw new ModelFormatError(`corrupt TFLite file: signature '${key}' ${dir} '${alias}' is tensor ${m.tensorIndex()}, outside subgraph ${sgIndex}`);
          v?.metadata.push([`tflite.signature.${dir}`, `${key}:${alias}`]);
          names.push(`${dir} ${alias}=${v?.name ?? m.tensorIndex()}`);
        }
      };
      side(s.inputsLength(), (k) => s.inputs(k), 'input');
      side(s.outputsLength(), (k) => s.outputs(k), 'output');
      out.push([`tflite.signature.${key}`, `subgraph ${sgIndex}; ${names.join('; ')}`]);
    }
    return out;
  }
}

/** True for a model this reader made (so hosts can refuse ONNX-only work such as ORT profiling). */
export function isTfliteModel(model: Model): boolean {
  return model.opset(TFLITE_DOMAIN) !== undefined;
}
