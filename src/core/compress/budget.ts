// Error budgets: how far a compressed model's outputs may stray from the original's, and how much of
// a budget an error uses. A budget is a verification tolerance (passes/types.ts Tolerance: min
// cosine, max abs error, max rel error, min top-1 agreement); the share of it an error uses is, per
// figure the budget bounds,
//   cosine: (1 − cos) / (1 − minCosine)      abs: maxAbs / maxAbsError     rel: maxRel / maxRelError
//   top-1:  (1 − top1) / (1 − minTop1)        (outputs that do not look like class scores: not counted)
// and the largest of them over figures and outputs. use ≤ 1 ⟺ the figures pass verification with the
// budget as tolerance (node/verify.ts failuresOf); a comparison that failed outright uses ∞.
import type { Tolerance } from '../passes/types';

/** One output compared with the original's (node/verify.ts OutputComparison fits). */
export interface ErrorFigures {
  cosine: number;
  maxAbsError: number;
  maxRelError: number;
  top1: number | null;
  problem?: string;
}

export type Budget = Tolerance;

/** The worst of several outputs' figures: smallest cosine and top-1, largest errors. */
export function worstOf(outputs: readonly ErrorFigures[]): ErrorFigures {
  const tops = outputs.map((o) => o.top1).filter((t): t is number => t !== null);
  const problem = outputs.find((o) => o.problem)?.problem;
  return {
    cosine: outputs.length ? Math.min(...outputs.map((o) => o.cosine)) : 1,
    maxAbsError: outputs.length ? Math.max(...outputs.map((o) => o.maxAbsError)) : 0,
    maxRelError: outputs.length ? Math.max(...outputs.map((o) => o.maxRelError)) : 0,
    top1: tops.length ? Math.min(...tops) : null,
    ...(problem ? { problem } : {}),
  };
}

const ratio = (err: number, allowed: number): number => (err <= 0 ? 0 : allowed <= 0 ? Infinity : err / allowed);

/** The share of `budget` that `outputs` use (see the header); NaN figures use ∞. */
export function budgetUse(outputs: readonly ErrorFigures[], budget: Budget): number {
  let use = 0;
  for (const o of outputs) {
    if (o.problem) return Infinity;
    const parts: number[] = [];
    if (budget.minCosine !== undefined) parts.push(ratio(1 - o.cosine, 1 - budget.minCosine));
    if (budget.maxAbsError !== undefined) parts.push(ratio(o.maxAbsError, budget.maxAbsError));
    if (budget.maxRelError !== undefined) parts.push(ratio(o.maxRelError, budget.maxRelError));
    if (budget.minTop1 !== undefined && o.top1 !== null) parts.push(ratio(1 - o.top1, 1 - budget.minTop1));
    for (const p of parts) use = Math.max(use, Number.isNaN(p) ? Infinity : p);
  }
  return use;
}

/** The budget in words: "cosine ≥ 0.999, max abs error ≤ 0.01". */
export function describeBudget(b: Budget): string {
  const parts: string[] = [];
  if (b.minCosine !== undefined) parts.push(`cosine ≥ ${b.minCosine}`);
  if (b.maxAbsError !== undefined) parts.push(`max abs error ≤ ${b.maxAbsError}`);
  if (b.maxRelError !== undefined) parts.push(`max rel error ≤ ${b.maxRelError}`);
  if (b.minTop1 !== undefined) parts.push(`top-1 agreement ≥ ${b.minTop1}`);
  return parts.join(', ') || 'no bound';
}

/** The worst figures in words, the ones the budget bounds first: "cosine 0.99712, max abs error 3.1e-2". */
export function describeError(e: ErrorFigures, b: Budget = {}): string {
  if (e.problem) return e.problem;
  const parts = [`cosine ${e.cosine.toFixed(6)}`, `max abs error ${e.maxAbsError.toExponential(2)}`];
  if (b.maxRelError !== undefined) parts.push(`max rel error ${e.maxRelError.toExponential(2)}`);
  if (e.top1 !== null) parts.push(`top-1 agreement ${(100 * e.top1).toFixed(1)} %`);
  return parts.join(', ');
}

/** Checks a budget's figures; returns what is wrong, or null. */
export function budgetProblem(b: Budget): string | null {
  if (b.minCosine !== undefined && !(b.minCosine > -1 && b.minCosine <= 1)) return `min cosine ${b.minCosine}: give a number in (−1, 1], e.g. 0.999`;
  if (b.maxAbsError !== undefined && !(b.maxAbsError >= 0)) return `max abs error ${b.maxAbsError}: give a number ≥ 0`;
  if (b.maxRelError !== undefined && !(b.maxRelError >= 0)) return `max rel error ${b.maxRelError}: give a number ≥ 0`;
  if (b.minTop1 !== undefined && !(b.minTop1 >= 0 && b.minTop1 <= 1)) return `min top-1 agreement ${b.minTop1}: give a share in [0, 1], e.g. 0.99`;
  if (Object.values(b).every((v) => v === undefined)) return 'the budget bounds nothing: give a min cosine, a max abs error or a min top-1 agreement';
  return null;
}
