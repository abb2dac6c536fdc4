// float16 conversion of the whole main graph: float weights are stored as float16, float graph
// inputs are Cast to float16 on the way in and float outputs Cast back to float on the way out, so
// the model keeps its interface; Casts to float inside the graph become Casts to float16.
// Precision-sensitive ops (reductions, Softmax, normalizations, exp/log/pow, TopK, CumSum) run in
// float: their float16 inputs are Cast up and their outputs Cast back down. Inputs that ONNX requires
// to be float32 (Resize/Upsample scales and roi) stay float32.
// Mixed precision: `keepFloat` names more nodes to run in float the same way (a budget search keeps
// the layers most sensitive to float16 there); a float weight read both by a node kept in float and
// by one in float16 stays float and is Cast down for the latter.
// Error: each float16 rounding is ≤ 2^-11 relative; accumulation happens in the kernels ORT picks
// (its CPU provider inserts float casts for ops without float16 kernels).
import { DataType } from '../../ir/data-type';
import { GraphBuilder, toAttribute } from '../../ir/builder';
import type { Graph, Node, Value } from '../../ir/graph';
import { Tensor } from '../../ir/tensor';
import { uniqueName } from '../graph-edit';
import { weightBytes } from '../gain';
import type { CheckResult, RewriteRule } from '../types';

const KEEP_FLOAT = new Set([
  'ReduceMean', 'ReduceSum', 'ReduceProd', 'ReduceSumSquare', 'ReduceLogSum', 'ReduceLogSumExp', 'ReduceL2',
  'Softmax', 'LogSoftmax', 'LayerNormalization', 'InstanceNormalization', 'GroupNormalization',
  'Exp', 'Log', 'Pow', 'TopK', 'CumSum', 'Range', 'RandomNormal', 'RandomUniform', 'RandomNormalLike', 'RandomUniformLike',
]);

/** Ops the float16 conversion always runs in float (reductions, Softmax, normalizations, exp/log…). */
export function precisionSensitive(opType: string): boolean {
  return KEEP_FLOAT.has(opType);
}

/** Inputs that must stay float32 whatever the data type (ONNX type constraints). */
function mustStayFloat32(n: Node, index: number): boolean {
  return (n.opType === 'Resize' && (index === 1 || index === 2)) || (n.opType === 'Upsample' && index === 1);
}

function isFloat(v: Value | null | undefined, types: Map<Value, DataType>): boolean {
  return !!v && types.get(v) === DataType.FLOAT;
}

export interface Fp16Options {
  /** Nodes that stay in float besides the precision-sensitive ops (mixed precision). */
  keepFloat?: (n: Node) => boolean;
}

export function fp16Compute(o: Fp16Options = {}): RewriteRule {
  let done = false;
  const kept = (n: Node): boolean => KEEP_FLOAT.has(n.opType) || !!o.keepFloat?.(n);
  return {
    id: 'quantize-fp16-compute',
    title: 'Convert the model to float16 (interface stays float)',
    family: 'quantize',
    tolerance: { minCosine: 0.999, maxRelError: 5e-2 },
    match(ctx) {
      const first = ctx.model.graph.nodes[0];
      return done || !first ? [] : [{ anchor: first, nodes: [...ctx.model.graph.nodes], graph: ctx.model.graph }];
    },
    // One site spans the model: at a node, that node's share (its float weights halve).
    estimate: (site, e) => ({
      flops: 0,
      traffic: 0,
      fileBytes: (e.at ? weightBytes(e.at, e) : site.nodes.reduce((a, n) => a + weightBytes(n, e), 0)) / 2,
      accuracy: 'approximate',
      caveat: "no speed-up on ONNX Runtime's CPU provider (few float16 kernels): for GPUs and NPUs",
    }),
    check(site, ctx): CheckResult {
      const g = site.graph;
      if (g.nodes.some((n) => n.subgraphs().length > 0)) return { ok: false, reason: 'the model has If/Loop/Scan bodies, which this conversion does not rewrite' };
      if (ctx.model.functions.length > 0) return { ok: false, reason: 'the model has local functions, which this conversion does not rewrite' };
      const unknown = g.nodes.filter((n) => n.outputs.some((v) => v && !ctx.shapes.typeOf(v)));
      if (unknown.length) return { ok: false, reason: `the types of ${unknown[0]}'s outputs are unknown` };
      return { ok: true };
    },
    rewrite(site, ctx) {
      done = true;
      const g: Graph = site.graph;
      const types = new Map<Value, DataType>();
      for (const v of g.values.values()) {
        const t = ctx.shapes.typeOf(v);
        if (t?.kind === 'tensor') types.set(v, t.elemType);
      }
      const b = new GraphBuilder(g);
      // Node names must be unique in a graph (values have their own names: uniqueName checks those).
      const nodeNames = new Set(g.nodes.map((n) => n.name));
      const nodeName = (base: string): string => {
        let name = uniqueName(g, base);
        for (let k = 1; nodeNames.has(name); k++) name = uniqueName(g, `${base}_${k}`);
        nodeNames.add(name);
        return name;
      };
      // One Cast per value and target type, shared by its readers.
      const casts = new Map<Value, Map<DataType, Value>>();
      const cast = (v: Value, to: DataType, at: number): Value => {
        const known = casts.get(v)?.get(to);
        if (known) return known;
        const [c] = b.node('Cast', [v], { to }, { name: nodeName(`${v.name}/cast_${to === DataType.FLOAT16 ? 'fp16' : 'fp32'}`), outputs: [uniqueName(g, `${v.name}_${to === DataType.FLOAT16 ? 'fp16' : 'fp32'}`)] });
        g.nodes.splice(at, 0, g.nodes.pop()!);
        casts.set(v, (casts.get(v) ?? new Map<DataType, Value>()).set(to, c!));
        return c!;
      };
      // 1. Weights: float initializers and Constant tensors become float16 (unless an op needs float32).
      const needs32 = (v: Value): boolean => v.uses.some((u) => mustStayFloat32(u.node, u.index) || kept(u.node));
      g.initializers = g.initializers.map((t) => {
        const v = g.values.get(t.name)!;
        if (t.dataType !== DataType.FLOAT || v.isGraphInput() || needs32(v)) return t;
        const h = Tensor.fromNumbers(t.name, DataType.FLOAT16, t.dims, t.toNumbers());
        v.initializer = h;
        types.set(v, DataType.FLOAT16);
        return h;
      });
      for (const n of g.nodes) {
        if (n.opType === 'Constant' && n.constantTensor?.dataType === DataType.FLOAT && !needs32(n.outputs[0]!)) {
          const h = Tensor.fromNumbers(n.outputs[0]!.name, DataType.FLOAT16, n.constantTensor.dims, n.constantTensor.toNumbers());
          n.attributes = [{ name: 'value', kind: 'tensor', value: h }];
          n.constantTensor = h;
          types.set(n.outputs[0]!, DataType.FLOAT16);
        } else if (n.opType === 'ConstantOfShape' && (n.attrTensor('value')?.dataType ?? DataType.FLOAT) === DataType.FLOAT) {
          // Without a value, ConstantOfShape makes float zeros: the float16 zero is given explicitly.
          const t = n.attrTensor('value');
          const half = t ? Tensor.fromNumbers(t.name, DataType.FLOAT16, t.dims, t.toNumbers()) : Tensor.fromNumbers('value', DataType.FLOAT16, [1], [0]);
          n.attributes = n.attributes.filter((a) => a.name !== 'value').concat({ name: 'value', kind: 'tensor', value: half });
          types.set(n.outputs[0]!, DataType.FLOAT16);
        }
      }
      // 1b. A float weight kept float for some readers is Cast down for the readers that run in float16.
      const weights = [...g.initializers.map((t) => g.values.get(t.name)!), ...g.nodes.filter((n) => n.opType === 'Constant').map((n) => n.outputs[0]!)];
      for (const v of weights) {
        if (!v || types.get(v) !== DataType.FLOAT || v.isGraphInput()) continue;
        const readers = v.uses.filter((u) => !kept(u.node) && !mustStayFloat32(u.node, u.index) && u.node.opType !== 'Constant');
        if (readers.length === 0) continue;
        const c = cast(v, DataType.FLOAT16, v.producer ? g.nodes.indexOf(v.producer) + 1 : 0);
        types.set(c, DataType.FLOAT16);
        for (const u of readers) u.node.setInput(u.index, c);
      }
      // 2. Every float value computed by a node (not kept in float) is now float16.
      for (const n of g.nodes) {
        if (n.opType === 'Constant' || n.opType === 'ConstantOfShape' || kept(n)) continue;
        if (n.opType === 'Cast' && n.attrInt('to') === DataType.FLOAT) {
          n.attributes = n.attributes.filter((a) => a.name !== 'to').concat(toAttribute('to', DataType.FLOAT16));
        }
        for (const v of n.outputs) if (v && isFloat(v, types)) types.set(v, DataType.FLOAT16);
      }
      // 3. Graph inputs: Cast down on the way in.
      for (const x of g.inputs) {
        if (!isFloat(x, types) || x.initializer) continue;
        const readers = [...x.uses];
        if (readers.length === 0) continue;
        const c = cast(x, DataType.FLOAT16, 0);
        types.set(c, DataType.FLOAT16);
        for (const u of readers) if (!(kept(u.node) || mustStayFloat32(u.node, u.index))) u.node.setInput(u.index, c);
      }
      // 4. Kept-float ops: Cast float16 inputs up, and their float outputs (still float) down for readers.
      for (const n of [...g.nodes]) {
        if (!kept(n)) continue;
        n.inputs.forEach((v, i) => {
          if (v && types.get(v) === DataType.FLOAT16) n.setInput(i, cast(v, DataType.FLOAT, g.nodes.indexOf(n)));
        });
        for (const y of n.outputs) {
          if (!y || types.get(y) !== DataType.FLOAT) continue;
          const readers = y.uses.filter((u) => !kept(u.node) && !mustStayFloat32(u.node, u.index));
          if (readers.length === 0) continue;
          const c = cast(y, DataType.FLOAT16, g.nodes.indexOf(n) + 1);
          types.set(c, DataType.FLOAT16);
          for (const u of readers) u.node.setInput(u.index, c);
        }
      }
      // 5. Graph outputs: the interface stays float.
      g.outputs = g.outputs.map((y) => {
        if (types.get(y) !== DataType.FLOAT16) return y;
        const producer = y.producer!;
        const name = y.name;
        // The producer's value takes a new name; a Cast back to float takes the output's name.
        g.values.delete(name);
        y.name = uniqueName(g, `${name}_fp16`);
        g.values.set(y.name, y);
        const [c] = b.node('Cast', [y], { to: DataType.FLOAT }, { name: nodeName(`${name}/cast_fp32`), outputs: [name] });
        g.nodes.splice(g.nodes.indexOf(producer) + 1, 0, g.nodes.pop()!);
        c!.type = { kind: 'tensor', elemType: DataType.FLOAT, shape: ctx.shapes.shapeOf(y) };
        return c!;
      });
      // Declared types of inner values no longer hold: let readers infer them.
      g.valueInfo = [];
      for (const v of g.values.values()) if (!v.isGraphInput() && !v.isGraphOutput()) v.type = null;
    },
  };
}
