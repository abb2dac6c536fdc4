// Quick fixes: a rewrite rule whose check passes at a node becomes a code action on that node, ranked
// by its expected benefit there and titled with it (passes/rank.ts), and "fix all" per rule as a
// source action, ranked over the model; and the whole-model quantization and pruning source actions.
// Each names the server's applyFix command, which the jobs worker runs (jobs/apply-fix.ts).
import { CodeActionKind, type CodeAction, type Range } from 'vscode-languageserver';
import { RULES, listSites, rankFixes } from '../../core/passes';
import { OPTIMIZATIONS } from '../../protocol/optimizations';
import { ApplyFixCommand, type ApplyFixArgs } from '../../protocol/fixes';
import { modelUriOf } from '../../protocol/requests';
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
  const ctx = { model: state.parse.model, shapes: a.shapes };
  const sites = listSites(RULES.filter((r) => r.family === 'fuse' || r.family === 'cleanup'), ctx);
  // Quick fixes on the selected nodes, ranked by expected benefit there, each titled with its gain.
  const near = sites.filter((s) => s.site.nodes.some((n) => inRange.has(n)));
  const here = rankFixes(near, a.cost.nodes, { totals: a.cost.totals, ctx });
  const ranked = [...here.top, ...here.more];
  const rank = (id: string): number => ranked.findIndex((f) => f.ruleId === id);
  for (const s of near.filter((x) => x.check.ok).sort((x, y) => rank(x.rule.id) - rank(y.rule.id))) {
    const f = ranked[rank(s.rule.id)]!;
    const args: ApplyFixArgs = { modelUri, ruleId: s.rule.id, anchor: s.site.anchor.displayName };
    out.push({
      title: `${s.rule.title} — ${f.headline} (verified in ONNX Runtime, new file)`,
      kind: CodeActionKind.QuickFix,
      ...(out.length === 0 && here.top.includes(f) ? { isPreferred: true } : {}),
      command: { title: s.rule.title, command: ApplyFixCommand.command, arguments: [args] },
    });
  }
  // Each rule everywhere it applies, ranked by its expected benefit over the model.
  const whole = rankFixes(sites, a.cost.nodes, { totals: a.cost.totals, ctx });
  for (const f of [...whole.top, ...whole.more].filter((x) => x.ok)) {
    const args: ApplyFixArgs = { modelUri, ruleId: f.ruleId };
    out.push({ title: `${f.title}: everywhere — ${f.headline}`, kind: CodeActionKind.SourceFixAll, command: { title: f.title, command: ApplyFixCommand.command, arguments: [args] } });
  }
  // Whole-model quantization and pruning, from the one list the editor offers (each verified before it is written, like the fixes).
  for (const o of OPTIMIZATIONS.filter((x) => x.family !== 'fuse')) {
    const args: ApplyFixArgs = { modelUri, ruleId: o.ruleId, ...(o.options ? { options: o.options } : {}) };
    out.push({ title: o.label, kind: `${CodeActionKind.Source}.layerlens`, command: { title: o.label, command: ApplyFixCommand.command, arguments: [args] } });
  }
  return out;
}
