// ONNX Runtime as the oracle for every intermediate shape: a copy of the model lists every node
// output as a graph output, ORT runs it, and the dims it returns are the true shapes. ORT cannot
// return values from inside If branches, so If nodes are first replaced by the branch ORT takes for
// these inputs (found by running ORT on the conditions), repeatedly, until the main graph holds
// every node that runs. Each ORT tensor is mapped back to the Value of our IR it came from.

/** Whether our folded constant holds exactly the values ORT computed (int64 compared as bigints). */
export function sameValues(folded: Tensor, data: ort.Tensor['data']): boolean {
  const ours: (number | bigint)[] =
    folded.dataType === DataType.INT64 || folded.dataType === DataType.UINT64 ? folded.toBigInts() : Array.from(folded.toNumbers());
  const theirs = Array.from(data as ArrayLike<number | bigint>, (x) => (typeof x === 'boolean' ? Number(x) : x));
  return ours.length === theirs.length && ours.every((x, i) => x === theirs[i] || (Number.isNaN(x) && Number.isNaN(theirs[i])));
}
import { create, toBinary } from '@bufbuild/protobuf';
import { DataType } from '../../src/core/ir/data-type';
import type { Graph, Node, Value } from '../../src/core/ir/graph';
import type { Model } from '../../src/core/ir/model';
import type { Tensor } from '../../src/core/ir/tensor';
import {
  ModelProtoSchema,
  NodeProtoSchema,
  ValueInfoProtoSchema,
  type GraphProto,
  type NodeProto,
} from '../../src/core/onnx/gen/layerlens/onnx/onnx_pb';
import { decodeModelProto } from '../../src/core/onnx/reader';
import { ort } from '../support/ort';

export interface ObservedValue {
  value: Value;
  node: Node;
  dims: number[];
  /** What ORT computed (numbers; int64 as bigints). */
  data: ort.Tensor['data'];
}

interface Placed {
  proto: NodeProto;
  /** The IR node this proto node is, or null for the Identity nodes that stand for an If's outputs. */
  ir: Node | null;
}

async function run(bytes: Uint8Array, feeds: Record<string, ort.Tensor>, fetch: string[]): Promise<Record<string, ort.Tensor>> {
  const s = await ort.InferenceSession.create(bytes, { graphOptimizationLevel: 'disabled' });
  try {
    return await s.run(feeds, fetch);
  } finally {
    await s.release();
  }
}

function setOutputs(g: GraphProto, names: string[]): void {
  const have = new Set(g.output.map((o) => o.name));
  for (const n of names) if (!have.has(n)) g.output.push(create(ValueInfoProtoSchema, { name: n }));
}

/**
 * Runs `model` (decoded from `bytes`) in ORT with `feeds` and returns the dims of every value
 * produced by a node that runs, in the main graph or in the If branches taken.
 */
export async function observeShapes(bytes: Uint8Array, model: Model, feeds: Record<string, ort.Tensor>): Promise<ObservedValue[]> {
  const proto = decodeModelProto(bytes);
  const g = proto.graph!;
  let placed: Placed[] = g.node.map((p, i) => ({ proto: p, ir: model.graph.nodes[i]! }));
  let serial = 0;
  for (;;) {
    const ifs = placed.filter((p) => p.proto.opType === 'If' && p.proto.domain === '');
    if (ifs.length === 0) break;
    // Which branch does each If take for these feeds? Ask ORT for the conditions.
    g.node = placed.map((p) => p.proto);
    const probe = structuredClone(proto);
    probe.graph!.output = [];
    setOutputs(probe.graph!, ifs.map((p) => p.proto.input[0]!));
    const conds = await run(toBinary(ModelProtoSchema, probe), feeds, ifs.map((p) => p.proto.input[0]!));
    const next: Placed[] = [];
    for (const p of placed) {
      if (!ifs.includes(p)) {
        next.push(p);
        continue;
      }
      const taken = Number((conds[p.proto.input[0]!]!.data as ArrayLike<number | bigint>)[0]) !== 0;
      const attr = taken ? 'then_branch' : 'else_branch';
      const branch = p.proto.attribute.find((a) => a.name === attr)!.g!;
      const irBranch: Graph = p.ir!.attrGraph(attr)!;
      g.initializer.push(...branch.initializer);
      branch.node.forEach((bn, i) => {
        if (bn.name) bn.name = `${bn.name}__inl${serial++}`;
        next.push({ proto: bn, ir: irBranch.nodes[i]! });
      });
      branch.output.forEach((o, i) => {
        const to = p.proto.output[i];
        if (!to) return;
        next.push({ proto: create(NodeProtoSchema, { opType: 'Identity', input: [o.name], output: [to], name: `oracle_if_out_${serial++}` }), ir: null });
      });
    }
    placed = next;
  }
  g.node = placed.map((p) => p.proto);
  const names: string[] = [];
  for (const p of placed) for (const o of p.proto.output) if (o) names.push(o);
  g.output = [];
  setOutputs(g, names);
  const out = await run(toBinary(ModelProtoSchema, proto), feeds, names);
  const observed: ObservedValue[] = [];
  for (const p of placed) {
    if (!p.ir) continue;
    for (const v of p.ir.outputs) {
      const t = v ? out[v.name] : undefined;
      if (v && t) observed.push({ value: v, node: p.ir, dims: [...t.dims], data: t.data });
    }
  }
  return observed;
}
