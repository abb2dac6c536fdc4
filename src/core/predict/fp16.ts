// ONNX Runtime's float16 handling on a CPU without float16 kernels for an op (its
// InsertCastTransformer, which runs after the level-1 fusions): the op runs in float, its float16
// inputs are Cast up and its float16 outputs Cast back down; Casts between two float-run ops cancel,
// and constant float16 inputs are converted once at load. So a Cast kernel runs:
//   float16 -> float  for each float16 tensor made by a float16-native op (or a graph input) and read
//                     by a float-run op (charged to the reader, as attribution charges ORT's inserted Casts);
//   float -> float16  for each float16 tensor made by a float-run op and read by a float16-native op or
//                     returned as a graph output (charged to the producer).
// Which ops are float16-native is the target's (PlanOptions.fp16Ops, learned by calibration); the
// default is the data-movement ops, which copy elements whatever their type.
import { DataType } from '../ir/data-type';
import type { Node, Value } from '../ir/graph';
import type { Group, PlanState } from './plan-state';

export const DEFAULT_FP16_OPS: ReadonlySet<string> = new Set([
  'Cast', 'Concat', 'Split', 'Slice', 'Transpose', 'Reshape', 'Squeeze', 'Unsqueeze', 'Flatten', 'Gather', 'Expand', 'Tile', 'Pad', 'Identity', 'Shape', 'Size', 'DepthToSpace', 'SpaceToDepth', 'Where',
]);

export function insertFp16Casts(s: PlanState, fp16Ops: ReadonlySet<string>): void {
  const f = s.facts;
  const isHalf = (v: Value | null): v is Value => !!v && f.elemType(v) === DataType.FLOAT16;
  const runsInFloat = (g: Group): boolean => g.nodes.some((n) => !fp16Ops.has(n.opType) && [...n.inputs, ...n.outputs].some((v) => isHalf(v) && !f.isConst(v)));
  const floatRun = s.floatRun;
  for (const g of s.live()) if (runsInFloat(g)) floatRun.add(g);
  const castUp = new Set<Value>();
  for (const g of floatRun) {
    for (const n of g.nodes) {
      for (const v of n.inputs) {
        if (!isHalf(v) || f.isConst(v)) continue;
        const r = f.resolve(v);
        const p = s.producer(r);
        if ((p && (p === g || floatRun.has(p))) || castUp.has(r)) continue;
        castUp.add(r);
        s.layout.push({ op: 'Cast', tensor: r, chargedTo: g, block: 1, fromBytes: 2, toBytes: 4 });
      }
    }
  }
  for (const g of floatRun) {
    for (const n of g.nodes) {
      for (const o of n.outputs) {
        if (!isHalf(o)) continue;
        const readers: Node[] = f.consumers(o).filter((c) => !g.nodes.includes(c));
        const needsHalf = f.isGraphOutput(o) || readers.some((c) => {
          const cg = s.group(c);
          return !cg || !floatRun.has(cg);
        });
        if (needsHalf) s.layout.push({ op: 'Cast', tensor: o, chargedTo: g, block: 1, fromBytes: 4, toBytes: 2 });
      }
    }
  }
}
