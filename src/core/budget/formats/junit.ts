// JUnit XML for test dashboards (Jenkins, GitLab, Azure DevOps, GitHub test-report actions): one
// <testsuite> per model, one <testcase> per budget rule of each entry (all offending nodes of a node
// rule in one failure), <failure> for a budget exceeded (or not verifiable under onUnknown "error"),
// <error> for a model that could not be read — JUnit's own distinction between a failed assertion and
// a test that could not run. The shape satisfies both common schemas, Jenkins' junit-4.xsd and the
// Ant/Windy Road JUnit.xsd (test/budgets/formats.test.ts validates against both with xmllint).
import { METRICS } from '../figures';
import { isViolation, type CheckReport, type ModelReport } from '../report';
import type { Check } from '../types';
import { limitText } from './rules';

export interface JunitOptions {
  /** When the check ran (ISO 8601, seconds, no zone: the Ant schema's pattern). */
  timestamp: string;
  hostname: string;
  /** Seconds the whole check took (shared out evenly; budgets have no time of their own). */
  seconds?: number;
}

/** Escapes text for XML content and attribute values; drops characters XML 1.0 cannot hold. */
export function xmlEscape(s: string): string {
  return s
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '?')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

const attr = (o: Record<string, string | number>): string =>
  Object.entries(o)
    .map(([k, v]) => ` ${k}="${xmlEscape(String(v))}"`)
    .join('');

interface Case {
  name: string;
  failure?: { type: string; message: string; body: string };
  error?: { type: string; message: string; body: string };
}

function cases(m: ModelReport, onUnknown: 'error' | 'warning', warnings: string[]): Case[] {
  if (m.status === 'error') {
    return [{ name: 'read and analyse the model', error: { type: m.error!.name, message: `model bad, no budget checked: ${m.error!.message}`, body: `${m.error!.name}: ${m.error!.message}` } }];
  }
  const groups = new Map<string, Check[]>();
  for (const c of m.checks) {
    const k = `${c.target} ${c.ruleId}`;
    groups.set(k, [...(groups.get(k) ?? []), c]);
  }
  return [...groups.entries()].map(([k, cs]) => {
    const first = cs[0]!;
    const name = `${k}: ${METRICS[first.metric].title} ${limitText(first)}`;
    const bad = cs.filter((c) => isViolation(c, onUnknown));
    for (const c of cs) if (c.status === 'unknown' && !isViolation(c, onUnknown)) warnings.push(`warning: ${c.message}`);
    if (bad.length === 0) return { name };
    const exceeded = bad.some((c) => c.status === 'fail');
    return {
      name,
      failure: {
        type: exceeded ? 'budget-exceeded' : 'budget-not-verifiable',
        message: bad.length === 1 ? bad[0]!.message : `${bad.length} violations, e.g. ${bad[0]!.message}`,
        body: bad.map((c) => c.message).join('\n'),
      },
    };
  });
}

export function toJunit(r: CheckReport, o: JunitOptions): string {
  const per = r.models.length ? (o.seconds ?? 0) / r.models.length : 0;
  const suites = r.models.map((m, id) => {
    const warnings: string[] = [];
    const cs = cases(m, r.onUnknown, warnings);
    const time = (per / Math.max(1, cs.length)).toFixed(3);
    const body = cs.map((c) => {
      const inner = c.error
        ? `<error${attr({ type: c.error.type, message: c.error.message })}>${xmlEscape(c.error.body)}</error>`
        : c.failure
          ? `<failure${attr({ type: c.failure.type, message: c.failure.message })}>${xmlEscape(c.failure.body)}</failure>`
          : '';
      return `    <testcase${attr({ name: c.name, classname: m.path, time })}>${inner}</testcase>`;
    });
    const out = [...m.skipped.map((s) => `skipped: ${s}`), ...warnings].join('\n');
    return [
      `  <testsuite${attr({
        name: m.path,
        package: 'layerlens.check',
        id,
        timestamp: o.timestamp,
        hostname: o.hostname,
        tests: cs.length,
        failures: cs.filter((c) => c.failure).length,
        errors: cs.filter((c) => c.error).length,
        time: per.toFixed(3),
      })}>`,
      `    <properties><property${attr({ name: 'budgetFile', value: r.budgetFile })}/><property${attr({ name: 'onUnknown', value: r.onUnknown })}/>${r.latencySource ? `<property${attr({ name: 'latencySource', value: r.latencySource })}/>` : ''}</properties>`,
      ...body,
      `    <system-out>${xmlEscape(out)}</system-out>`,
      '    <system-err></system-err>',
      '  </testsuite>',
    ].join('\n');
  });
  return ['<?xml version="1.0" encoding="UTF-8"?>', '<testsuites>', ...suites, '</testsuites>', ''].join('\n');
}
