// ONNX Runtime's level-3 layout pass for x86 CPUs (its NchwcTransformer), restated on the plan's
// groups: float Convs whose channels fit the SIMD block run in the blocked NCHWc layout, and ops
// that read only NCHWc tensors follow them into it; Reorder kernels convert at the borders.
//   Conv (constant 4-D float W, constant bias), channels padded up to the block (as ORT 1.30 does):
//     group 1 (Cin < block on an NCHW input: it reads NCHW directly), depthwise (Cin/group = 1,
//     Cout = group), or grouped with Cin/group, Cout and Cout/group multiples of the block.
//   MaxPool/AveragePool: channels (as ORT knows them at load) a multiple of the block.
//   With every input already NCHWc: Add/Sum (same shape; fused into a single-use NCHWc Conv without
//     activation as its Sum input when it can), Mul, Concat on channels (each a multiple of the
//     block), Relu/Sigmoid/Tanh (fused into a single-use NCHWc Conv without activation), a
//     BatchNormalization with constant per-channel inputs (a depthwise 1×1 NCHWc Conv), a Transpose
//     to NHWC (a ReorderOutput), Resize nearest/asymmetric/floor by constant integer scales
//     (Upsample), GlobalAveragePool/GlobalMaxPool.
//   A ReorderInput converts each NCHW tensor once; a ReorderOutput converts each NCHWc tensor that is
//   still read in NCHW (or is a graph output).
// Without NCHWc (block 1, e.g. ARM) ORT's ConvAddActivationFusion runs instead: Conv + Add of a
// same-shaped tensor (+ activation) -> FusedConv. Both are rules of the plan ('nchwc',
// 'conv-add-activation') that a device profile can switch off.
import { DataType } from '../ir/data-type';
import type { Node, Value } from '../ir/graph';
import { convWeight, is } from './fusion-rules';
import { sameShape } from './graph-facts';
import type { Group, PlanState } from './plan-state';

/**
 * Where each dim of an NCHWc tensor comes from, as ORT tracks it to prove two tensors the same shape
 * when the model's dims are symbolic: the tensor whose dim it is, and for spatial dims how many
 * stride-2 halvings it went through since.
 */
interface Lineage {
  dims: [object, object, object, object];
  shifts: [number, number];
}

interface NchwcArg {
  producer: Group;
  channels: number;
  starting: number;
  remaining: number;
  shape: Lineage;
}

const fresh = (v: Value): Lineage => ({ dims: [v, v, v, v], shifts: [0, 0] });

/** ORT's shape inference for an NCHWc Conv or pool: spatial dims kept through 'same' padding, halved by stride 2. */
function convPoolLineage(n: Node, input: Lineage, out: Value, kernel: number[] | undefined): Lineage {
  const o = fresh(out);
  o.dims[0] = input.dims[0];
  const pads = n.attrInts('pads');
  const strides = n.attrInts('strides');
  const dilations = n.attrInts('dilations');
  if ((pads && pads.length !== 4) || (strides && strides.length !== 2) || (dilations && dilations.length !== 2) || !kernel || kernel.length !== 2) return o;
  const autoPad = n.attrString('auto_pad', 'NOTSET');
  const same = autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER';
  if (autoPad !== 'NOTSET' && !same && autoPad !== 'VALID') return o;
  for (let i = 0; i < 2; i++) {
    if (dilations && dilations[i] !== 1) continue;
    const stride = strides ? strides[i]! : 1;
    if (stride !== 1 && stride !== 2) continue;
    const padding = pads && autoPad === 'NOTSET' ? pads[i]! + pads[i + 2]! : 0;
    if (padding + 1 === kernel[i] || same) {
      o.dims[2 + i] = input.dims[2 + i]!;
      o.shifts[i] = input.shifts[i]! + stride - 1;
    }
  }
  return o;
}

const ACTIVATIONS = new Set(['Relu', 'Sigmoid', 'Tanh']);
const CONV_ACTIVATIONS = new Set(['Relu', 'Sigmoid', 'Tanh', 'LeakyRelu', 'HardSigmoid', 'Clip']);

export function nchwcPass(s: PlanState, block: number): void {
  const f = s.facts;
  const args = new Map<Value, NchwcArg>();
  const reordered = new Set<Value>();
  const argOf = (v: Value | null): NchwcArg | undefined => (v ? args.get(f.resolve(v)) : undefined);
  const create = (g: Group, channels: number, shape: Lineage, v: Value = s.out(g)): void => {
    const uses = f.uses(v);
    args.set(v, { producer: g, channels, starting: uses, remaining: uses, shape });
  };
  const inputSymbols = new Set<string>();
  for (const v of f.graph.inputs) for (const d of f.loadShape(v) ?? []) if (typeof d === 'string') inputSymbols.add(d);
  /** ORT's test that two NCHWc inputs have the same shape: same lineage, or the same static size or symbol. */
  const sameDims = (a: Value, b: Value, la: Lineage, lb: Lineage): boolean => {
    const sa = f.loadShape(a);
    const sb = f.loadShape(b);
    for (let d = 0; d < 4; d++) {
      if (la.dims[d] === lb.dims[d] && (d < 2 || la.shifts[d - 2] === lb.shifts[d - 2])) continue;
      const x = sa?.[d];
      const y = sb?.[d];
      if (typeof x === 'number' && x > 0 && x === y) continue;
      if (typeof x === 'string' && x === y && inputSymbols.has(x)) continue;
      return false;
    }
    return true;
  };
  const reorderInput = (x: Value, consumer: Group): void => {
    const r = f.resolve(x);
    if (reordered.has(r)) return;
    reordered.add(r);
    s.layout.push({ op: 'ReorderInput', tensor: r, chargedTo: s.producer(r) ?? consumer, block, fromBytes: 4, toBytes: 4 });
  };
  const mark = (g: Group, op: string, rule: string): void => {
    g.op = op;
    g.domain = 'com.microsoft.nchwc';
    g.nchwc = true;
    if (!g.rules.includes(rule)) g.rules.push(rule);
  };
  const channelsAtLoad = (v: Value | null): number | null => {
    const sh = f.loadShape(v);
    return sh && sh.length === 4 && typeof sh[1] === 'number' ? sh[1] : null;
  };

  for (const g of s.live()) {
    const conv = g.nodes.find((n) => is(n, 'Conv'));
    if (conv && (g.op === 'Conv' || g.op === 'FusedConv') && g.domain !== 'com.microsoft.nchwc') {
      const w = convWeight(s, conv);
      const wt = f.constTensor(conv.inputs[1] ?? null);
      const bias = conv.inputs[2] ?? null;
      if (!w || !wt || w.rank !== 4 || !s.computesFloat(g, null, wt.dataType)) continue;
      if (bias && (!f.isConst(bias) || f.constTensor(bias)?.dims.length !== 1)) continue;
      const groups = conv.attrInt('group', 1);
      let x0 = conv.inputs[0]!;
      const padNode = g.nodes.find((n) => is(n, 'Pad'));
      if (padNode) x0 = padNode.inputs[0]!;
      const fromNchwc = !!argOf(x0);
      let reorder = true;
      if (groups > 1) {
        // Depthwise: channels padded up to the block (ORT 1.30 does so; older releases required a multiple).
        const depthwise = w.cinPerGroup === 1 && w.cout === groups;
        if (!depthwise && (w.cout % block || w.cinPerGroup % block || w.cout % groups || (w.cout / groups) % block)) continue;
        if (depthwise && !fromNchwc && w.cout % 4) continue;
      } else if (w.cinPerGroup < block) reorder = false;
      // Padded NCHWc inputs need channels a multiple of 4 (ReorderInput's and the kernels' limit).
      else if (w.cinPerGroup % 4) continue;
      mark(g, 'Conv', 'nchwc');
      let shape = fresh(s.out(g));
      if (reorder) {
        const x = x0;
        const a = argOf(x);
        if (a) {
          a.remaining--;
          shape = convPoolLineage(conv, a.shape, s.out(g), wt.dims.slice(2) as number[]);
        } else reorderInput(x, g);
      }
      create(g, w.cout, shape);
      continue;
    }
    if (g.nodes.length === 1 && (is(g.head, 'MaxPool') || is(g.head, 'AveragePool')) && g.head.outputs.filter((o) => o).length === 1) {
      const x = g.head.inputs[0] ?? null;
      const c = channelsAtLoad(x);
      if (!s.computesFloat(g, x) || c === null || c % block) continue;
      mark(g, g.head.opType, 'nchwc');
      const a = argOf(x);
      let shape = fresh(s.out(g));
      if (a) {
        a.remaining--;
        shape = convPoolLineage(g.head, a.shape, s.out(g), g.head.attrInts('kernel_shape'));
      } else reorderInput(x!, g);
      create(g, c, shape);
      continue;
    }
    if (g.nodes.length !== 1 || g.head.domain !== '') continue;
    const n = g.head;
    const ins = n.inputs.filter((v): v is Value => !!v);
    const inArgs = ins.map(argOf);
    const op = n.opType;
    if ((op === 'Add' || op === 'Sum' || op === 'Mul') && ins.length >= 2 && inArgs.every((a) => a)) {
      const as = inArgs as NchwcArg[];
      if (as.some((a) => a.channels !== as[0]!.channels)) continue;
      const match = ins.every((v, i) => sameDims(ins[0]!, v, as[0]!.shape, as[i]!.shape));
      if (!match && op === 'Mul') continue;
      for (const a of as) a.remaining--;
      if (!match) {
        // Shapes ORT cannot prove equal: the Add runs on NCHWc tensors reshaped to [N, C/b, H, W, b].
        for (const v of ins) s.layout.push({ op: 'Reshape', tensor: f.resolve(v), chargedTo: s.producer(v) ?? g, block, fromBytes: 0, toBytes: 0 });
        s.layout.push({ op: 'Reshape', tensor: s.out(g), chargedTo: g, block, fromBytes: 0, toBytes: 0 });
        mark(g, op, 'nchwc');
        g.domain = '';
        create(g, as[0]!.channels, fresh(s.out(g)));
        continue;
      }
      if (op !== 'Mul' && ins.length === 2) {
        const target = as.find((a) => a.producer.op === 'Conv' && a.producer.nchwc && a.starting === 1 && !a.producer.activation && !a.producer.sum);
        if (target) {
          s.merge(target.producer, [n], 'nchwc', n);
          target.producer.sum = true;
          create(target.producer, target.channels, target.shape, n.outputs[0]!);
          continue;
        }
      }
      mark(g, op, 'nchwc');
      g.domain = '';
      create(g, as[0]!.channels, as[0]!.shape);
    } else if (op === 'Concat' && n.attrInt('axis', 0) === 1 && inArgs.length && inArgs.every((a) => a && a.channels % block === 0)) {
      for (const a of inArgs) a!.remaining--;
      mark(g, 'Concat', 'nchwc');
      g.domain = '';
      const shape: Lineage = { dims: [...inArgs[0]!.shape.dims], shifts: [...inArgs[0]!.shape.shifts] };
      shape.dims[1] = s.out(g);
      create(g, inArgs.reduce((t, a) => t + a!.channels, 0), shape);
    } else if (ACTIVATIONS.has(op) && inArgs[0]) {
      const a = inArgs[0];
      a.remaining--;
      if (a.producer.op === 'Conv' && a.producer.nchwc && a.starting === 1 && !a.producer.activation) {
        s.merge(a.producer, [n], 'nchwc', n);
        a.producer.activation = op;
        create(a.producer, a.channels, a.shape, n.outputs[0]!);
      } else {
        mark(g, op, 'nchwc');
        g.domain = '';
        create(g, a.channels, a.shape);
      }
    } else if (op === 'BatchNormalization' && inArgs[0] && n.outputs.filter((o) => o?.uses.length).length <= 1 && [1, 2, 3, 4].every((i) => f.constTensor(n.inputs[i] ?? null)?.dims[0] === inArgs[0]!.channels)) {
      inArgs[0].remaining--;
      mark(g, 'Conv', 'nchwc');
      create(g, inArgs[0].channels, inArgs[0].shape);
    } else if (op === 'Transpose' && inArgs[0] && (n.attrInts('perm') ?? []).join() === '0,2,3,1') {
      inArgs[0].remaining--;
      g.op = 'ReorderOutput';
      g.domain = 'com.microsoft.nchwc';
      g.rules.push('nchwc');
    } else if ((op === 'Resize' || op === 'Upsample') && inArgs[0] && nearestIntegerScales(s, n)) {
      inArgs[0].remaining--;
      mark(g, 'Upsample', 'nchwc');
      create(g, inArgs[0].channels, fresh(s.out(g)));
    } else if ((op === 'GlobalAveragePool' || op === 'GlobalMaxPool') && inArgs[0] && inArgs[0].channels % block === 0) {
      inArgs[0].remaining--;
      mark(g, op, 'nchwc');
      const shape = fresh(s.out(g));
      shape.dims[0] = inArgs[0].shape.dims[0];
      create(g, inArgs[0].channels, shape);
    }
  }
  for (const [v, a] of args) {
    if (a.remaining > 0) s.layout.push({ op: 'ReorderOutput', tensor: v, chargedTo: a.producer, block, fromBytes: 4, toBytes: 4 });
  }
}

function nearestIntegerScales(s: PlanState, n: Node): boolean {
  if (n.attrString('mode', 'nearest') !== 'nearest') return false;
  let scales: Value | null;
  if (n.opType === 'Resize') {
    if (n.inputs.length !== 3 || !n.inputs[2]) return false;
    if (n.attrString('coordinate_transformation_mode', 'half_pixel') !== 'asymmetric' || n.attrString('nearest_mode', 'round_prefer_floor') !== 'floor') return false;
    scales = n.inputs[2];
  } else scales = n.inputs[1] ?? null;
  const t = s.facts.constTensor(scales);
  if (!t || t.dataType !== DataType.FLOAT || t.elementCount !== 4) return false;
  const v = Array.from(t.toNumbers());
  return v.every((x) => x > 0 && Number.isInteger(x)) && v[0] === 1 && v[1] === 1;
}

/** ConvAddActivationFusion (CPU, when a Conv did not go to NCHWc): Conv + Add(same shape) [+ activation] -> FusedConv. */
export function convAddActivation(s: PlanState): void {
  const f = s.facts;
  for (const g of s.live().filter((x) => x.op === 'Conv' && x.domain === '')) {
    if (!s.computesFloat(g, s.out(g))) continue;
    const add = s.soleConsumer(g);
    if (!is(add, 'Add') || !s.alone(add)) continue;
    const o = add.inputs[0] === s.out(g) ? add.inputs[1] : add.inputs[0];
    if (!o || f.isConst(o) || !sameShape(f.loadShape(o), f.loadShape(s.out(g)))) continue;
    s.merge(g, [add], 'conv-add-activation', add);
    const act = s.soleConsumer(g);
    if (act && act.domain === '' && CONV_ACTIVATIONS.has(act.opType) && s.alone(act)) {
      s.merge(g, [act], 'conv-add-activation', act);
      g.activation = act.opType;
    }
    g.op = 'FusedConv';
    g.domain = 'com.microsoft';
    g.sum = true;
  }
}
