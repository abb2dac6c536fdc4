// Matrix products: MatMul (numpy semantics, batched with broadcasting), Gemm, their integer and
// quantized forms, com.microsoft MatMulNBits, Einsum, and Det (batched determinants).
import { DataType } from '../ir/data-type';
import { broadcastShapes } from '../ir/dims';
import type { Dim, Shape } from '../ir/shape';
import type { OpContext, ShapeFn } from './context';


/** numpy.matmul output shape of a @ b; records a diagnostic when the inner dims differ. */
export function matmulShape(ctx: OpContext, a: Shape, b: Shape): Dim[] | null {
  if (a.length === 0 || b.length === 0) {
    ctx.error('MatMul operands must have rank >= 1');
    return null;
  }
  const a2 = a.length === 1 ? [1, a[0]!] : a;
  const b2 = b.length === 1 ? [b[0]!, 1] : b;
  const k1 = a2[a2.length - 1]!;
  const k2 = b2[b2.length - 2]!;
  if (typeof k1 === 'number' && typeof k2 === 'number' && k1 !== k2) {
    ctx.error(`inner dims differ: [${a.join(',')}] x [${b.join(',')}] (${k1} vs ${k2})`);
  }
  const batch = broadcastShapes([a2.slice(0, -2), b2.slice(0, -2)], ctx.syms);
  if (!batch.shape) {
    ctx.error(batch.why!);
    return null;
  }
  const out: Dim[] = [...batch.shape];
  if (a.length > 1) out.push(a2[a2.length - 2]!);
  if (b.length > 1) out.push(b2[b2.length - 1]!);
  return out;
}

function matmul(ai: number, bi: number, outType?: (ctx: OpContext) => DataType): ShapeFn {
  return (ctx) => {
    const a = ctx.shape(ai);
    const b = ctx.shape(bi);
    const elem = outType ? outType(ctx) : ctx.elemType(ai);
    ctx.tensorOut(0, elem, a && b ? matmulShape(ctx, a, b) : null);
  };
}

function gemm(ctx: OpContext): void {
  const a = ctx.shape(0);
  const b = ctx.shape(1);
  const elem = ctx.elemType(0);
  if (!a || !b || a.length !== 2 || b.length !== 2) {
    if (a && b) ctx.error(`Gemm needs 2-D operands, got [${a.join(',')}] and [${b.join(',')}]`);
    return ctx.tensorOut(0, elem, null);
  }
  const ta = ctx.node.attrInt('transA', 0) === 1;
  const tb = ctx.node.attrInt('transB', 0) === 1;
  const [m, ka] = ta ? [a[1]!, a[0]!] : [a[0]!, a[1]!];
  const [kb, n] = tb ? [b[1]!, b[0]!] : [b[0]!, b[1]!];
  if (typeof ka === 'number' && typeof kb === 'number' && ka !== kb) {
    ctx.error(`inner dims differ: A gives K=${ka}, B gives K=${kb}`);
  }
  ctx.tensorOut(0, elem, [m, n]);
}

function matMulNBits(ctx: OpContext): void {
  const a = ctx.shape(0);
  const n = ctx.node.attrInt('N');
  ctx.tensorOut(0, ctx.elemType(0), a && n !== undefined ? [...a.slice(0, -1), n] : null);
}

/** Einsum: output letters take the extents of the same letters in the inputs. */
function einsum(ctx: OpContext): void {
  const eq = ctx.node.attrString('equation', '').replace(/\s/g, '');
  const [lhs, rhsGiven] = eq.split('->');
  const terms = (lhs ?? '').split(',');
  const extents = new Map<string, Dim>();
  let ellipsis: Dim[] = [];
  terms.forEach((term, i) => {
    const s = ctx.shape(i);
    if (!s) return;
    const parts = term.split('...');
    const head = [...(parts[0] ?? '')];
    const tail = parts.length > 1 ? [...parts[1]!] : [];
    const ellRank = s.length - head.length - tail.length;
    head.forEach((c, k) => extents.set(c, extents.get(c) === 1 || !extents.has(c) ? s[k]! : extents.get(c)!));
    tail.forEach((c, k) => extents.set(c, s[s.length - tail.length + k]!));
    if (parts.length > 1 && ellRank > ellipsis.length) ellipsis = s.slice(head.length, head.length + ellRank);
  });
  let rhs = rhsGiven;
  if (rhs === undefined) {
    // Implicit output: letters appearing once, alphabetically, after the ellipsis dims.
    const counts = new Map<string, number>();
    for (const c of terms.join('').replace(/\./g, '')) counts.set(c, (counts.get(c) ?? 0) + 1);
    rhs = (eq.includes('...') ? '...' : '') + [...counts].filter(([, k]) => k === 1).map(([c]) => c).sort().join('');
  }
  const out: Dim[] = [];
  const parts = rhs.split('...');
  for (const c of parts[0] ?? '') out.push(extents.get(c) ?? ctx.fresh());
  if (parts.length > 1) {
    out.push(...ellipsis);
    for (const c of parts[1]!) out.push(extents.get(c) ?? ctx.fresh());
  }
  ctx.tensorOut(0, ctx.elemType(0), out);
}

function det(ctx: OpContext): void {
  const s = ctx.shape(0);
  ctx.tensorOut(0, ctx.elemType(0), s ? s.slice(0, -2) : null);
}

export function register(reg: Map<string, ShapeFn>): void {
  reg.set('Det', det);
  reg.set('MatMul', matmul(0, 1));
  reg.set('com.microsoft:FusedMatMul', (ctx) => {
    const a = ctx.shape(0);
    const b = ctx.shape(1);
    const swap = (s: Shape, t: boolean): Shape => (t && s.length >= 2 ? [...s.slice(0, -2), s[s.length - 1]!, s[s.length - 2]!] : s);
    ctx.tensorOut(0, ctx.elemType(0), a && b ? matmulShape(ctx, swap(a, ctx.node.attrInt('transA', 0) === 1), swap(b, ctx.node.attrInt('transB', 0) === 1)) : null);
  });
  reg.set('MatMulInteger', matmul(0, 1, () => DataType.INT32));
  reg.set('QLinearMatMul', matmul(0, 3, (ctx) => ctx.elemType(7) || ctx.elemType(0)));
  reg.set('com.microsoft:DynamicQuantizeMatMul', matmul(0, 1, () => DataType.FLOAT));
  reg.set('com.microsoft:MatMulIntegerToFloat', matmul(0, 1, () => DataType.FLOAT));
  reg.set('Gemm', gemm);
  reg.set('com.microsoft:FusedGemm', gemm);
  reg.set('com.microsoft:MatMulNBits', matMulNBits);
  reg.set('Einsum', einsum);
}
