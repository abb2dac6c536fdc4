// Quick fixes: a rewrite rule whose check passes at a node becomes a code action on that node (and
// "fix all" per rule as a source action), and whole-model quantization and pruning source actions.
// Each names the server's applyFix command, which the jobs worker runs (jobs/apply-fix.ts).
import { CodeActionKind, type CodeAction, type Range } from 'vscode-languageserver';
import { RULES, listSites } from '../../core/passes';
import { ApplyFixCommand, modelUriOf, type ApplyFixArgs } from '../../protocol/requests';
import type { DocumentState } from './document-state';

function overlaps(a: Range, b: Range): boolean {
  return !(a.end.line < b.start.line || b.end.line < a.start.line);
}

export function codeActions(state: DocumentState, uri: string, range: Range): CodeAction[] {
  const modelUri = modelUriOf(uri);
  const a = state.analysis;
  if (!modelUri || !a || !state.parse.model) return []; // fixes apply to model files (text views)
  const inRange = new Set(state.parse.map.nodes.filter((n) => overlaps(n.range, range)).map((n) => n.node));
  const out: CodeAction[] = [];
  const sites = listSites(RULES.filter((r) => r.family === 'fuse' || r.family === 'cleanup'), { model: state.parse.model, shapes: a.shapes });
  for (const s of sites) {
    if (!s.check.ok || !s.site.nodes.some((n) => inRange.has(n))) continue;
    const args: ApplyFixArgs = { modelUri, ruleId: s.rule.id, anchor: s.site.anchor.displayName };
    out.push({ title: `${s.rule.title} (verified in ONNX Runtime, new file)`, kind: CodeActionKind.QuickFix, command: { title: s.rule.title, command: ApplyFixCommand.command, arguments: [args] } });
  }
  for (const rule of new Set(sites.filter((s) => s.check.ok).map((s) => s.rule))) {
    const args: ApplyFixArgs = { modelUri, ruleId: rule.id };
    out.push({ title: `${rule.title}: everywhere`, kind: CodeActionKind.SourceFixAll, command: { title: rule.title, command: ApplyFixCommand.command, arguments: [args] } });
  }
  // Whole-model quantization and pruning (each verified before it is written, like the fixes).
  const whole: [string, string, ApplyFixArgs['options']?][] = [
    ['Quantize model: int8 dynamic (MatMul/Gemm weights)', 'quantize-int8-dynamic'],
    ['Quantize model: int4 weight-only (MatMulNBits, block 32)', 'quantize-int4-weight', { blockSize: 32, symmetric: true }],
    ['Quantize model: float16', 'quantize-fp16-compute'],
    ['Prune model: 50 % of Conv channels', 'prune-channel', { ratio: 0.5 }],
  ];
  for (const [title, ruleId, options] of whole) {
    const args: ApplyFixArgs = { modelUri, ruleId, ...(options ? { options } : {}) };
    out.push({ title, kind: `${CodeActionKind.Source}.layerlens`, command: { title, command: ApplyFixCommand.command, arguments: [args] } });
  }
  return out;
}
