// Reads a budget file's text into a BudgetFile: JSON parsing, validation against the schema
// (schema.ts) with the validator ajv compiled from it (gen/, `npm run gen:budget-schema`), and
// normalization (globs as a list, limits as numbers of the metric's unit). Every problem is a
// BudgetFileError that names the key and what was expected there, from the schema's descriptions:
// `models[0].budgets.macs: expected a maximum (a count …) … (got true)`.
import { BudgetFileError } from '../errors';
import validate, { type BudgetSchemaError } from './gen/budget-validator';
import { parseByteSize, parseCount } from './limits';
import type { BudgetFile, BudgetTarget, LatencySettings, ModelLimit, ModelMetric, NodeLimit, NodeMetric } from './types';

export const BUDGET_FILE_NAME = 'layerlens.budget.json';

type ErrorObject = BudgetSchemaError;

/** `/models/0/budgets/macs` -> `models[0].budgets.macs`. */
export function jsonPath(pointer: string): string {
  return pointer
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((acc, p) => (/^\d+$/.test(p) ? `${acc}[${p}]` : acc ? `${acc}.${p}` : p), '');
}

function shown(v: unknown): string {
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

/** The one error worth showing: an unknown or missing key first, else the deepest value that does not fit. */
function describe(errors: ErrorObject[]): { at: string; message: string } {
  const keyError = errors.find((e) => e.keyword === 'additionalProperties' || e.keyword === 'required');
  if (keyError) {
    const at = jsonPath(keyError.instancePath);
    const where = at || 'the top level';
    if (keyError.keyword === 'additionalProperties') {
      const key = (keyError.params as { additionalProperty: string }).additionalProperty;
      const known = Object.keys(keyError.parentSchema?.properties ?? {});
      return { at: at ? `${at}.${key}` : key, message: `unknown key '${key}' in ${where}; expected one of: ${known.join(', ')}` };
    }
    // Several missing keys at one place come from an anyOf of alternatives ("budgets" or "nodeBudgets").
    const keys = [...new Set(errors.filter((e) => e.keyword === 'required' && e.instancePath === keyError.instancePath).map((e) => (e.params as { missingProperty: string }).missingProperty))];
    const which = keys.length > 1 ? `one of the keys ${keys.map((k) => `'${k}'`).join(', ')}` : `the key '${keys[0]}'`;
    return { at, message: `${where} lacks ${which}` };
  }
  const depth = (e: ErrorObject): number => e.instancePath.split('/').length;
  const deepest = Math.max(...errors.map(depth));
  // At the deepest place, the widest schema (anyOf) says best what was expected there.
  const here = errors.filter((e) => depth(e) === deepest);
  const e = here.find((x) => x.keyword === 'anyOf') ?? here.find((x) => x.parentSchema?.description) ?? here[0]!;
  const at = jsonPath(e.instancePath);
  const expected = e.parentSchema?.description ?? `a value that ${e.message ?? 'fits the budget format'}`;
  return { at, message: `${at || 'the file'}: expected ${expected} (got ${shown(e.data)})` };
}

function modelLimit(v: unknown, metric: ModelMetric): ModelLimit {
  const value = (x: number | string): number => (metric === 'latencyMs' ? Number(x) : metric.endsWith('Bytes') ? parseByteSize(x)! : parseCount(x)!);
  if (typeof v === 'object' && v !== null) {
    const o = v as { max?: number | string; maxIncreasePercent?: number };
    return { ...(o.max !== undefined ? { max: value(o.max) } : {}), ...(o.maxIncreasePercent !== undefined ? { maxIncreasePercent: o.maxIncreasePercent } : {}) };
  }
  return { max: value(v as number | string) };
}

function nodeLimit(v: unknown, metric: NodeMetric): NodeLimit {
  const o = v as { max?: number | string; maxSharePercent?: number };
  const value = (x: number | string): number => (metric === 'latencyMs' ? Number(x) : metric.endsWith('Bytes') ? parseByteSize(x)! : parseCount(x)!);
  return { ...(o.max !== undefined ? { max: value(o.max) } : {}), ...(o.maxSharePercent !== undefined ? { maxSharePercent: o.maxSharePercent } : {}) };
}

interface RawTarget {
  name?: string;
  files: string | string[];
  inputs?: Record<string, number[]>;
  dims?: Record<string, number>;
  baseline?: string;
  budgets?: Record<string, unknown>;
  nodeBudgets?: Record<string, unknown>;
  latency?: LatencySettings;
}

/** Parses and validates the text of the budget file at `path` (the path is only named in errors). */
export function parseBudgetFile(text: string, path: string): BudgetFile {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new BudgetFileError(`${path} is not valid JSON: ${(e as Error).message}`, path);
  }
  if (!validate(raw)) {
    const errors = validate.errors ?? [];
    const d = describe(errors);
    const more = errors.length > 1 ? ' (see docs/budgets.md for the format)' : '';
    throw new BudgetFileError(`${path}: ${d.message}${more}`, path, d.at);
  }
  const file = raw as { onUnknown?: 'error' | 'warning'; models: RawTarget[] };
  const targets = file.models.map((t, i): BudgetTarget => {
    const files = (Array.isArray(t.files) ? t.files : [t.files]).map((f) => f.replace(/\\/g, '/'));
    const model: BudgetTarget['model'] = {};
    for (const [k, v] of Object.entries(t.budgets ?? {})) model[k as ModelMetric] = modelLimit(v, k as ModelMetric);
    const nodes: BudgetTarget['nodes'] = {};
    for (const [k, v] of Object.entries(t.nodeBudgets ?? {})) nodes[k as NodeMetric] = nodeLimit(v, k as NodeMetric);
    return {
      where: `models[${i}]`,
      name: t.name ?? files.join(', '),
      files,
      bindings: { inputs: t.inputs ?? {}, dims: t.dims ?? {} },
      ...(t.baseline !== undefined ? { baseline: t.baseline } : {}),
      model,
      nodes,
      latency: t.latency ?? {},
    };
  });
  return { path, onUnknown: file.onUnknown ?? 'error', targets };
}

/** True when some target limits latency (the model must then be run or predicted). */
export function needsLatency(t: BudgetTarget): boolean {
  return t.model.latencyMs !== undefined || t.nodes.latencyMs !== undefined;
}

/** True when some target limits an increase over a baseline. */
export function needsBaseline(t: BudgetTarget): boolean {
  return Object.values(t.model).some((l) => l?.maxIncreasePercent !== undefined);
}
