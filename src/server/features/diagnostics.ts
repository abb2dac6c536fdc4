// Diagnostics of a document: parse errors with exact ranges, shape problems on their node, unknown
// ops, and optimization opportunities (a rewrite whose check passes) as hints.
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver';
import { listSites, rulesOf } from '../../core/passes';
import type { DocumentState } from './document-state';

const FILE_START = { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } };

export function diagnostics(state: DocumentState): Diagnostic[] {
  const out: Diagnostic[] = state.parse.diagnostics.map((d) => ({
    range: d.range,
    message: d.message,
    severity: d.severity === 'error' ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning,
    source: 'layerlens',
  }));
  if (state.analysisError) out.push({ range: FILE_START, message: `${state.analysisError.name}: ${state.analysisError.message}`, severity: DiagnosticSeverity.Error, source: 'layerlens' });
  const a = state.analysis;
  if (!a || !state.parse.model) return out;
  const rangeOf = (n: unknown) => state.parse.map.nodes.find((x) => x.node === n)?.range ?? FILE_START;
  for (const d of a.shapes.diagnostics) {
    out.push({ range: rangeOf(d.node), message: d.message, severity: d.severity === 'error' ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning, source: 'layerlens' });
  }
  for (const c of a.cost.nodes) {
    if (!c.known) out.push({ range: rangeOf(c.node), message: `${c.node.opType}: unknown op, not costed (not counted as 0)`, severity: DiagnosticSeverity.Information, source: 'layerlens' });
  }
  // Big float weights read by MatMul/Gemm: what int8 would save.
  for (const c of a.cost.nodes) {
    if ((c.node.opType === 'MatMul' || c.node.opType === 'Gemm') && c.params >= 1_000_000 && c.weightBytes >= 4 * c.params) {
      const saved = c.weightBytes - c.params;
      out.push({
        range: rangeOf(c.node),
        message: `${c.node.opType} holds ${(c.params / 1e6).toFixed(1)} M fp32 weights: int8 would save ${(saved / 1e6).toFixed(1)} MB (quantize-int8-dynamic)`,
        severity: DiagnosticSeverity.Hint,
        source: 'layerlens',
        code: 'quantize-int8-dynamic',
      });
    }
  }
  // The fuse and cleanup rules' sites, in the registry's order (from the state's listed sites).
  const sites = state.sites();
  const listed = new Set(sites.map((s) => s.rule.id));
  const fuse = rulesOf('fuse-all');
  const ctx = { model: state.parse.model, shapes: a.shapes };
  for (const s of fuse.flatMap((r) => (listed.has(r.id) ? sites.filter((x) => x.rule.id === r.id) : listSites([r], ctx)))) {
    if (s.check.ok) out.push({ range: rangeOf(s.site.anchor), message: `${s.rule.title} (${s.rule.id})`, severity: DiagnosticSeverity.Hint, source: 'layerlens', code: s.rule.id });
  }
  return out;
}
