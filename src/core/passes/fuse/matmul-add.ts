// MatMul(A, B) + C  →  Gemm(A, B, C) when A and B are 2-D (Gemm's operands are matrices) and C is a
// tensor that broadcasts one-way to the [M, N] output: Gemm computes alpha·A·B + beta·C, here with
// alpha = beta = 1, so the result is A·B + C exactly as before (same products, same sums).
import type { Node } from '../../ir/graph';
import { Node as IRNode } from '../../ir/graph';
import { otherReaders, removeNode } from '../graph-edit';
import { DataType, dataTypeName } from '../../ir/data-type';
import { fused, ORT_AT_LOAD } from '../gain';
import type { CheckResult, RewriteRule, RuleContext, Site } from '../types';

interface MatMulAddSite extends Site {
  matmul: Node;
  add: Node;
  bias: number;
}

function check(site: MatMulAddSite, ctx: RuleContext): CheckResult {
  const { matmul, add, bias } = site;
  const out = matmul.outputs[0]!;
  if (out.uses.length !== 1 || out.isGraphOutput()) {
    const readers = otherReaders(out, []);
    return { ok: false, reason: `MatMul output '${out.name}' feeds ${readers.length} consumers (${readers.join(', ')}); the Add cannot be merged into a Gemm` };
  }
  const a = ctx.shapes.shapeOf(matmul.inputs[0]!);
  const b = ctx.shapes.shapeOf(matmul.inputs[1]!);
  if (!a || a.length !== 2) return { ok: false, reason: `MatMul input '${matmul.inputs[0]!.name}' has rank ${a?.length ?? 'unknown'}; Gemm needs 2-D operands` };
  if (!b || b.length !== 2) return { ok: false, reason: `MatMul input '${matmul.inputs[1]!.name}' has rank ${b?.length ?? 'unknown'}; Gemm needs 2-D operands` };
  const t = ctx.shapes.typeOf(matmul.inputs[0]!);
  const elem = t?.kind === 'tensor' ? t.elemType : undefined;
  if (elem !== DataType.FLOAT && elem !== DataType.DOUBLE) return { ok: false, reason: `MatMul '${matmul.displayName}' works on ${elem === undefined ? 'an unknown type' : dataTypeName(elem)}; ONNX Runtime's Gemm takes float or double` };
  const c = add.inputs[bias]!;
  const cs = c.constant?.dims ?? ctx.shapes.shapeOf(c);
  if (!cs) return { ok: false, reason: `the shape of the Add's other operand '${c.name}' is unknown` };
  const n = b[1];
  const eq = (x: unknown, y: unknown): boolean => x !== null && x !== undefined && x === y; // unknown dims never match
  const okShape = cs.length === 0 || (cs.length === 1 && (eq(cs[0], n) || cs[0] === 1)) || (cs.length === 2 && (cs[0] === 1 || eq(cs[0], a[0])) && (cs[1] === 1 || eq(cs[1], n)));
  if (!okShape) return { ok: false, reason: `Add operand '${c.name}' of shape [${cs.join(',')}] does not broadcast to the [M, N] = [${a[0]},${n}] output as Gemm's C must` };
  return { ok: true };
}

function rewrite(site: MatMulAddSite): void {
  const { matmul, add, bias } = site;
  const g = matmul.graph;
  const gemm = new IRNode(matmul.name ? `${matmul.name}_gemm` : '', 'Gemm', '', g);
  gemm.displayName = matmul.displayName;
  gemm.setInput(0, matmul.inputs[0]!);
  gemm.setInput(1, matmul.inputs[1]!);
  gemm.setInput(2, add.inputs[bias]!);
  const out = add.outputs[0]!;
  g.nodes.splice(g.nodes.indexOf(matmul), 0, gemm);
  removeNode(add);
  removeNode(matmul);
  out.producer = gemm;
  gemm.outputs.push(out);
  g.values.set(out.name, out);
}

export const matmulAddToGemm: RewriteRule<MatMulAddSite> = {
  id: 'fuse-matmul-add',
  title: 'Merge MatMul + Add into Gemm',
  family: 'fuse',
  tolerance: { maxRelError: 1e-4, minCosine: 0.99999 },
  match(ctx) {
    const sites: MatMulAddSite[] = [];
    for (const add of ctx.model.graph.nodes) {
      if (add.opType !== 'Add' || add.domain !== '') continue;
      for (const k of [0, 1]) {
        const mm = add.inputs[k]?.producer;
        if (mm && mm.opType === 'MatMul' && mm.domain === '') {
          sites.push({ anchor: mm, nodes: [mm, add], graph: add.graph, matmul: mm, add, bias: 1 - k });
          break;
        }
      }
    }
    return sites;
  },
  check,
  rewrite,
  estimate: (site, e) => fused([site.matmul, site.add], e, ORT_AT_LOAD.matmulAdd),
};
