// The limits of constant folding during shape inference, in one place. Shape arithmetic in real
// exports is tiny (a few dozen int64s), but a hostile or unusual model can ask for a folded value of
// 10^9 elements, or for millions of small folds. Every fold is sized before it is computed: a value
// larger than `maxValueElements` is simply not folded (its shape is still inferred), and once the
// analysis has computed `budgetElements` elements in total (outputs written plus the inputs read for
// them) folding stops with one warning naming the node where it ran out. Reading a constant's own
// values is not charged: each is decoded once, so it costs what reading the file did. Documented in
// docs/shape-inference.md.
import { UsageError } from '../errors';

export interface FoldLimits {
  /** Largest tensor (elements) whose values are kept or computed during inference. */
  maxValueElements: number;
  /** Elements computed by folding per analysis (outputs written plus inputs read for them) before it stops. */
  budgetElements: number;
}

/** Largest rank read from a shape tensor whose values are unknown (beyond it, even the rank is unknown). */
export const MAX_RANK = 64;

/** The defaults: 4,096 elements per value, 4,194,304 elements of folding work per analysis. */
export const FOLD_LIMITS: Readonly<FoldLimits> = Object.freeze({ maxValueElements: 4096, budgetElements: 4 * 1024 * 1024 });

/** How far a caller may raise them: about 128 MB of folded values per value, 1 GB of work. */
export const FOLD_LIMIT_CAPS: Readonly<FoldLimits> = Object.freeze({ maxValueElements: 16 * 1024 * 1024, budgetElements: 128 * 1024 * 1024 });

/** The limits for one analysis: the defaults, with what the caller raised or lowered, checked. */
export function resolveFoldLimits(requested: Partial<FoldLimits> = {}): FoldLimits {
  const out = { ...FOLD_LIMITS };
  for (const key of ['maxValueElements', 'budgetElements'] as const) {
    const v = requested[key];
    if (v === undefined) continue;
    if (!Number.isSafeInteger(v) || v < 0 || v > FOLD_LIMIT_CAPS[key]) {
      throw new UsageError(
        `fold limit ${key}=${v}: it must be a whole number from 0 to ${FOLD_LIMIT_CAPS[key]} (default ${FOLD_LIMITS[key]})`,
      );
    }
    out[key] = v;
  }
  return out;
}
