// Choosing which layers to compress within an error budget (mixed precision; low-rank likewise).
// Inputs: each candidate layer's budget use when it alone is compressed (budget.ts: ≤ 1 fits; from
// sensitivity analysis) and its expected gain (size share + time share of the model). The algorithm:
//   1. A layer whose use alone exceeds 1 stays in float: no combination can include it.
//   2. The others are ordered by gain / use (most gain per unit of error first; ties by gain) — the
//      greedy order of a knapsack whose capacity is the budget.
//   3. Errors do not add exactly (they can cancel or compound), so the prefix predicted to fit
//      (Σ use ≤ 1, uses of independent noise add like variances: 1 − cos and squared errors add) is
//      only the first guess: the model with that prefix compressed is run in ONNX Runtime
//      (`evaluate`), then a binary search over the prefix length finds the longest prefix whose
//      combined model meets the budget. This assumes that compressing more layers never lowers the
//      error, which holds in the large; the final model is verified again before it is written.
//   4. Fill: the layers after that prefix (in order) are tried one by one on top of it and kept
//      where the combined model still meets the budget, until the evaluation allowance runs out.
// Every layer left in float gets its reason: alone over the budget, over it in combination (with
// the figures of the failing run), or not tried (allowance spent).

export interface SearchLayer {
  name: string;
  /** Budget use with only this layer compressed. */
  use: number;
  /** Expected gain (size share + time share of the model). */
  gain: number;
}

export interface Evaluation {
  /** Budget use of the combined model. */
  use: number;
  /** The figures of that run in words (for reasons). */
  figures: string;
}

export interface SearchStep {
  compressed: string[];
  use: number;
  passed: boolean;
}

export interface SearchResult {
  /** Layers to compress, in the greedy order. */
  compressed: string[];
  /** Layers left in float (or uncompressed), each with why. */
  kept: { name: string; reason: string }[];
  /** Every run of a combined model, in order. */
  steps: SearchStep[];
  /** The greedy order the search used. */
  order: string[];
}

export interface SearchOptions {
  /** Most combined models to run (default 24). */
  maxEvaluations?: number;
  onStep?: (s: SearchStep) => void;
}

export async function searchWithinBudget(layers: readonly SearchLayer[], evaluate: (names: string[]) => Promise<Evaluation>, opts: SearchOptions = {}): Promise<SearchResult> {
  const max = opts.maxEvaluations ?? 24;
  const kept: SearchResult['kept'] = [];
  for (const l of layers) if (!(l.use <= 1)) kept.push({ name: l.name, reason: `alone it exceeds the budget (uses ${Number.isFinite(l.use) ? `${(100 * l.use).toFixed(0)} %` : 'all'} of it)` });
  const order = layers
    .filter((l) => l.use <= 1)
    .sort((a, b) => b.gain / Math.max(b.use, 1e-9) - a.gain / Math.max(a.use, 1e-9) || b.gain - a.gain)
    .map((l) => l.name);
  const useOf = new Map(layers.map((l) => [l.name, l.use]));
  const steps: SearchStep[] = [];
  const failures = new Map<number, Evaluation>(); // failing prefix lengths
  const run = async (names: string[]): Promise<Evaluation & { passed: boolean }> => {
    const e = await evaluate(names);
    const step = { compressed: names, use: e.use, passed: e.use <= 1 };
    steps.push(step);
    opts.onStep?.(step);
    return { ...e, passed: step.passed };
  };
  // 3. The predicted prefix first, then binary search on the prefix length.
  let predicted = 0;
  for (let acc = 0; predicted < order.length && acc + useOf.get(order[predicted]!)! <= 1; predicted++) acc += useOf.get(order[predicted]!)!;
  let lo = 0;
  let hi = order.length;
  let probe = predicted;
  while (lo < hi && steps.length < max) {
    if (probe <= lo || probe > hi) probe = Math.ceil((lo + hi) / 2);
    const e = await run(order.slice(0, probe));
    if (e.passed) lo = probe;
    else {
      failures.set(probe, e);
      hi = probe - 1;
    }
    probe = Math.ceil((lo + hi) / 2);
  }
  const compressed = order.slice(0, lo);
  // 4. Fill with later layers that still fit.
  for (const name of order.slice(lo)) {
    if (steps.length >= max) {
      kept.push({ name, reason: `not tried: the search stopped after ${max} runs of combined models` });
      continue;
    }
    // The layer right after the prefix failed with it already (the binary search's last failure).
    const known = compressed.length === lo && name === order[lo] ? failures.get(lo + 1) : undefined;
    const e = known ?? (await run([...compressed, name]));
    if (!known && e.use <= 1) compressed.push(name);
    else kept.push({ name, reason: `with the ${compressed.length} layer(s) compressed before it the model exceeds the budget (${e.figures})` });
  }
  return { compressed, kept, steps, order };
}
