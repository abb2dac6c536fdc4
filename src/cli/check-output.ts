// The terminal, JSON and GitHub Actions outputs of `layerlens check`. Text lists each model with a
// mark per check (✓ pass, ✗ budget exceeded, ? not verifiable, ! model bad) and ends with the
// summary line; JSON is the whole report with its summary and exit code; `github` writes workflow
// commands (`::error file=…,title=…::…`) that GitHub Actions turns into annotations on the files of
// the pull request, at the node's line for a text-form model.
import { METRICS, nodeKey } from '../core/budget/figures';
import { exitCodeOf, isViolation, summarize, summaryLine, type CheckReport } from '../core/budget/report';
import { safe } from './format';

export function toText(r: CheckReport): string {
  const lines = [`layerlens check: budgets from ${safe(r.budgetFile)}${r.latencySource ? `; latency ${safe(r.latencySource)}` : ''}`];
  for (const m of r.models) {
    lines.push('');
    if (m.status === 'error') {
      lines.push(`${safe(m.path)}: MODEL BAD (not a budget verdict; no budget checked)`, `  ! ${m.error!.name}: ${safe(m.error!.message)}`);
      continue;
    }
    const f = m.figures;
    const figs = f
      ? (['macs', 'weightBytes', 'peakActivationBytes', 'latencyMs'] as const)
          .filter((k) => f[k] && f[k]!.value !== null)
          .map((k) => `${METRICS[k].title} ${f[k]!.lowerBound ? '≥' : ''}${METRICS[k].format(f[k]!.value!)}`)
          .join(', ')
      : '';
    lines.push(`${safe(m.path)}: ${m.status === 'pass' ? 'pass' : 'FAIL (budget exceeded)'}${figs ? ` — ${figs}` : ''}`);
    for (const c of m.checks) {
      const mark = c.status === 'pass' ? '✓' : c.status === 'fail' ? '✗' : isViolation(c, r.onUnknown) ? '?' : '? (warning)';
      lines.push(`  ${mark} ${c.ruleId}: ${safe(c.message)}`);
    }
    for (const s of m.skipped) lines.push(`  - skipped: ${safe(s)}`);
  }
  lines.push('', summaryLine(r));
  return lines.join('\n');
}

export function toJson(r: CheckReport): string {
  return JSON.stringify({ ...r, summary: summarize(r), exitCode: exitCodeOf(r) }, (_k, v: unknown) => (v === Infinity ? 'Infinity' : v), 2);
}

/** Workflow-command escaping: data escapes % CR LF; properties also : and ,. */
function escData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function escProp(s: string): string {
  return escData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

export function toGithub(r: CheckReport): string {
  const out: string[] = [];
  for (const m of r.models) {
    if (m.status === 'error') {
      out.push(`::error file=${escProp(m.path)},title=${escProp(`LayerLens: model bad (${m.error!.name})`)}::${escData(`no budget checked: ${m.error!.name}: ${m.error!.message}`)}`);
      continue;
    }
    for (const c of m.checks) {
      if (c.status === 'pass') continue;
      const level = isViolation(c, r.onUnknown) ? 'error' : 'warning';
      const region = c.node ? m.regions?.[nodeKey(c.node)] : undefined;
      const at = region ? `,line=${region.startLine},col=${region.startColumn},endLine=${region.endLine},endColumn=${region.endColumn}` : '';
      const title = `LayerLens budget ${c.ruleId}${c.status === 'fail' ? ' exceeded' : ' not verifiable'}`;
      out.push(`::${level} file=${escProp(m.path)}${at},title=${escProp(title)}::${escData(c.message)}`);
    }
  }
  out.push(summaryLine(r));
  return out.join('\n');
}
