// The outcome of `layerlens check`: per model, its checks, or the typed error that kept it from being
// judged. Two different failures, kept apart everywhere (text, JSON, SARIF, JUnit, annotations):
//  - 'fail': the model was read and a budget is exceeded (or, with onUnknown "error", cannot be
//    verified) — a verdict on the model's figures;
//  - 'error': the model (or its baseline) could not be read or analysed — "model bad", with its
//    typed error (ModelFormatError …), not a verdict on any budget.
// Both make the exit status 1; usage errors (flags, budget file) are exit 2 and have no report.
import type { Check, Figure, ModelMetric } from './types';

/** A node's place in a text-form model: 1-based lines and columns, end exclusive (SARIF's region). */
export interface TextRegion {
  startLine: number;
  startColumn: number;
  endLine: number;
  endColumn: number;
}

export interface ModelReport {
  /** The model's path relative to the working folder, '/' separators (also the SARIF artifact URI). */
  path: string;
  status: 'pass' | 'fail' | 'error';
  /** Why the model could not be judged ('error'). */
  error?: { name: string; message: string };
  /** The budget entries applied (`models[0]` …). */
  targets: string[];
  checks: Check[];
  /** Model-level figures (of the first entry's bindings). */
  figures?: Partial<Record<ModelMetric, Figure>>;
  baseline?: string;
  /** Limits not evaluated, and why (e.g. latency with --skip-latency). */
  skipped: string[];
  /** For a text-form model: where each node is written, by `graph/name`. */
  regions?: Record<string, TextRegion>;
}

export interface CheckReport {
  budgetFile: string;
  onUnknown: 'error' | 'warning';
  /** Where latency figures came from, when a latency budget was checked. */
  latencySource: string | null;
  models: ModelReport[];
}

export interface Summary {
  models: number;
  passed: number;
  /** Models with a budget exceeded (or unverifiable under onUnknown "error"). */
  failed: number;
  /** Models that could not be read or analysed. */
  errors: number;
  checks: { pass: number; fail: number; unknown: number };
}

/** Whether a check counts against the model: a failure, or an unknown under onUnknown "error". */
export function isViolation(c: Check, onUnknown: 'error' | 'warning'): boolean {
  return c.status === 'fail' || (c.status === 'unknown' && onUnknown === 'error');
}

export function modelStatus(checks: Check[], onUnknown: 'error' | 'warning'): 'pass' | 'fail' {
  return checks.some((c) => isViolation(c, onUnknown)) ? 'fail' : 'pass';
}

export function summarize(r: CheckReport): Summary {
  const checks = { pass: 0, fail: 0, unknown: 0 };
  for (const m of r.models) for (const c of m.checks) checks[c.status]++;
  return {
    models: r.models.length,
    passed: r.models.filter((m) => m.status === 'pass').length,
    failed: r.models.filter((m) => m.status === 'fail').length,
    errors: r.models.filter((m) => m.status === 'error').length,
    checks,
  };
}

/** 0 when every model passed; 1 when a budget is exceeded or a model is bad. */
export function exitCodeOf(r: CheckReport): 0 | 1 {
  return r.models.every((m) => m.status === 'pass') ? 0 : 1;
}

/** The one-line verdict every format ends with. */
export function summaryLine(r: CheckReport): string {
  const s = summarize(r);
  const parts = [`${s.passed} passed`];
  if (s.failed) parts.push(`${s.failed} failed (budget exceeded${r.onUnknown === 'error' && s.checks.unknown ? ' or not verifiable' : ''})`);
  if (s.errors) parts.push(`${s.errors} could not be checked (model bad)`);
  return `${s.models} model(s): ${parts.join(', ')}`;
}
