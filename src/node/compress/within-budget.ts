// Compression within an error budget, end to end: per-layer sensitivity in one ONNX Runtime worker,
// then the search of core/compress/search.ts (each proposal built, run and compared in the same
// worker), then the chosen model built for writing. For low-rank factorization without a rank or an
// energy, each layer first takes the rung of an energy ladder (90 %, 95 %, 99 % by default) with the
// most gain per unit of budget among those that fit the budget alone.
import { budgetUse, describeBudget, describeError, worstOf, type Budget, type ErrorFigures } from '../../core/compress/budget';
import { compressMethod, type CompressMethod } from '../../core/compress/methods';
import { searchWithinBudget, type SearchResult } from '../../core/compress/search';
import { layerUse, type LayerSensitivity, type SensitivityReport } from '../../core/compress/sensitivity';
import type { Model } from '../../core/ir/model';
import type { PassResult } from '../../core/passes/types';
import { CompressBench } from './compress-bench';
import { measureSensitivity, type SensitivityOptions } from './measure-sensitivity';

export interface BudgetOptions extends Omit<SensitivityOptions, 'bench' | 'activations'> {
  budget: Budget;
  /** Most combined models the search runs (default 24). */
  maxEvaluations?: number;
  /** low-rank: energies to choose from per layer (when the method has no rank or energy of its own). */
  energyLadder?: readonly number[];
}

export interface BudgetOutcome {
  budget: Budget;
  /** The method the chosen model was made with (for low-rank, with the per-layer energies). */
  method: CompressMethod;
  sensitivity: SensitivityReport;
  search: SearchResult;
  /** The chosen model (a copy of the original with the chosen layers compressed) and its pass. */
  model: Model;
  pass: PassResult;
  compressed: string[];
  /** Every candidate left as it was, with why (refused by the rule, over the budget alone or together). */
  kept: { name: string; opType: string; reason: string }[];
  /** The chosen model's worst output over every sample (null when nothing was compressed). */
  error: ErrorFigures | null;
}

const key = (names: readonly string[]): string => [...names].sort().join('\u0000');

export async function compressWithinBudget(o: BudgetOptions): Promise<BudgetOutcome> {
  const bench = await CompressBench.open(o);
  try {
    let method = o.method;
    let sensitivity: SensitivityReport;
    const ladderReasons = new Map<string, string>();
    if (o.energyLadder?.length && o.method.kind === 'low-rank') {
      const reports: { energy: number; report: SensitivityReport }[] = [];
      for (const energy of o.energyLadder) {
        const m = compressMethod('low-rank', { lowRank: { energy } });
        o.onProgress?.(`energy ${(100 * energy).toFixed(0)} %`);
        reports.push({ energy, report: await measureSensitivity({ ...o, method: m, bench, activations: false }) });
      }
      const energies: Record<string, number> = {};
      const chosen = new Map<string, LayerSensitivity>();
      for (const { energy, report } of reports) {
        for (const l of report.layers) {
          const use = layerUse(l, o.budget);
          if (!l.ok || !(use <= 1)) continue;
          const best = chosen.get(l.name);
          const value = (x: LayerSensitivity): number => (x.gain.size + x.gain.time) / Math.max(layerUse(x, o.budget), 1e-9);
          if (!best || value(l) > value(best)) {
            chosen.set(l.name, l);
            energies[l.name] = energy;
          }
        }
      }
      // A layer no rung fits: over the budget alone wherever factoring shrinks it, or refused at every
      // rung (then the most compressive rung's refusal says why).
      const first = reports[0]!.report;
      for (const l of first.layers) {
        if (chosen.has(l.name)) continue;
        const rungs = reports.filter((r) => r.report.layers.some((x) => x.name === l.name && x.ok)).map((r) => `${(100 * r.energy).toFixed(0)} %`);
        if (rungs.length) ladderReasons.set(l.name, `at every energy where factoring shrinks it (${rungs.join(', ')}) alone it exceeds the budget`);
      }
      method = compressMethod('low-rank', { lowRank: { energies } });
      // The sensitivity the search reads: each layer at its chosen rung (others at the first rung).
      sensitivity = { ...first, layers: first.layers.map((l) => chosen.get(l.name) ?? l) };
    } else {
      sensitivity = await measureSensitivity({ ...o, bench, activations: false });
    }
    const seen = new Map<string, ErrorFigures>();
    const passing = sensitivity.layers.filter((l) => l.ok && !ladderReasons.has(l.name));
    let n = 0;
    const search = await searchWithinBudget(
      passing.map((l) => ({ name: l.name, use: layerUse(l, o.budget), gain: l.gain.size + l.gain.time })),
      async (names) => {
        o.onProgress?.(`combined model ${++n}: ${names.length} of ${passing.length} layers`);
        const r = await bench.run(method, names, 'combined');
        const worst = worstOf(r.outputs);
        seen.set(key(names), worst);
        return { use: budgetUse(r.outputs, o.budget), figures: describeError(worst, o.budget) };
      },
      { ...(o.maxEvaluations ? { maxEvaluations: o.maxEvaluations } : {}) },
    );
    const built = bench.build(method, search.compressed);
    const opOf = new Map(sensitivity.layers.map((l) => [l.name, l.opType]));
    const kept = [
      ...sensitivity.layers.filter((l) => !l.ok && !ladderReasons.has(l.name)).map((l) => ({ name: l.name, opType: l.opType, reason: l.reason ?? 'refused' })),
      ...[...ladderReasons].map(([name, reason]) => ({ name, opType: opOf.get(name) ?? '', reason })),
      ...search.kept.map((k) => {
        const l = sensitivity.layers.find((x) => x.name === k.name);
        const alone = l?.error && k.reason.startsWith('alone') ? `: ${describeError(l.error, o.budget)} with only it compressed, budget ${describeBudget(o.budget)}` : '';
        return { name: k.name, opType: opOf.get(k.name) ?? '', reason: k.reason + alone };
      }),
    ];
    return {
      budget: o.budget,
      method,
      sensitivity,
      search,
      model: built.model,
      pass: built.pass,
      compressed: search.compressed,
      kept,
      error: search.compressed.length ? (seen.get(key(search.compressed)) ?? null) : null,
    };
  } finally {
    bench.close();
  }
}
