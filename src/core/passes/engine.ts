// Runs rewrite rules: lists every site with its check result (for diagnostics), applies one rule at
// one site (a quick fix), or applies rules until nothing changes (fix all). Shapes are inferred
// lazily: after a rewrite the context's shapes are dropped and inferred again only if a rule reads
// them, so rules that never look at shapes (Conv+BN folding) cost no inference.
import type { Model } from '../ir/model';
import { inferShapes } from '../shape';
import type { Bindings, ShapeInference } from '../shape/types';
import { removeDeadCodeCounted } from './graph-edit';
import type { CheckResult, PassResult, RewriteRule, RuleContext, Site } from './types';

export interface SiteCheck {
  rule: RewriteRule;
  site: Site;
  check: CheckResult;
}

/** A RuleContext whose shapes are inferred on first use and again after `invalidate()`. */
export class LazyContext implements RuleContext {
  private bound: ShapeInference | null = null;
  private unbound: ShapeInference | null = null;
  /** How many times shapes were inferred (for tests and benchmarks). */
  inferences = 0;

  constructor(
    readonly model: Model,
    readonly bindings: Bindings = {},
  ) {}

  get shapes(): ShapeInference {
    if (!this.bound) {
      this.bound = inferShapes(this.model, this.bindings);
      this.inferences++;
    }
    return this.bound;
  }

  get shapesWithoutBindings(): ShapeInference {
    if (!this.unbound) {
      this.unbound = inferShapes(this.model);
      this.inferences++;
    }
    return this.unbound;
  }

  /** The model changed: shapes must be inferred again before they are read. */
  invalidate(): void {
    this.bound = null;
    this.unbound = null;
  }
}

export function contextFor(model: Model, bindings: Bindings = {}): LazyContext {
  return new LazyContext(model, bindings);
}

/**
 * Every site of every rule with its check result: what diagnostics and hovers show. A check that
 * throws (e.g. it reads a weight a hand-written design declares without data) is a refusal with the
 * error's message, never a failure of the whole listing.
 */
export function listSites(rules: readonly RewriteRule[], ctx: RuleContext): SiteCheck[] {
  const out: SiteCheck[] = [];
  for (const rule of rules) {
    for (const site of rule.match(ctx)) {
      let check: CheckResult;
      try {
        check = rule.check(site, ctx);
      } catch (e) {
        check = { ok: false, reason: (e as Error).message };
      }
      out.push({ rule, site, check });
    }
  }
  return out;
}

/**
 * Applies `rule` at `site` if its check passes (a quick fix); returns the check result. The site must
 * come from rule.match on this context. A LazyContext is invalidated after the rewrite.
 */
export function applyAt(rule: RewriteRule, site: Site, ctx: RuleContext): CheckResult {
  const check = rule.check(site, ctx);
  if (check.ok) {
    rule.rewrite(site, ctx);
    if (ctx instanceof LazyContext) ctx.invalidate();
  }
  return check;
}

export interface PassOptions {
  bindings?: Bindings;
  /** Only sites involving a node of these names (display names, as analyze shows them). */
  only?: string[];
  /** Stop after this many rewrites (a guard against rules that undo each other). */
  maxRewrites?: number;
  /** Skip the final removal of dead nodes and unused initializers. */
  keepDeadCode?: boolean;
}

/**
 * Fix-all: applies the rules wherever they pass until none applies (a fixed point, or `maxRewrites`),
 * then removes dead nodes and unused initializers. Sites are re-matched after every rewrite, since a
 * rewrite can create sites (two Transposes meet) or remove them. Refusals are those of the final
 * model (the last round, which applies nothing): a site refused early and rewritten later is not
 * reported. Notes (what each rule leaves alone by design) are those of the model as given.
 */
export function runPass(model: Model, rules: readonly RewriteRule[], opts: PassOptions = {}): PassResult {
  const applied: PassResult['applied'] = [];
  const refused = new Map<string, PassResult['refused'][number]>();
  const max = opts.maxRewrites ?? 100_000;
  const only = opts.only ? new Set(opts.only) : null;
  const ctx = contextFor(model, opts.bindings);
  const notes = rules.flatMap((r) => {
    const note = r.leftAlone?.(ctx);
    return note ? [{ rule: r.id, note }] : [];
  });
  const next = (): boolean => {
    refused.clear();
    for (const rule of rules) {
      for (const site of rule.match(ctx)) {
        if (only && !site.nodes.concat(site.anchor).some((n) => only.has(n.displayName))) continue;
        const key = `${rule.id}@${site.anchor.displayName}`;
        const check = rule.check(site, ctx);
        if (!check.ok) {
          refused.set(key, { rule: rule.id, anchor: site.anchor.displayName, reason: check.reason });
          continue;
        }
        const anchor = site.anchor.displayName;
        rule.rewrite(site, ctx);
        ctx.invalidate();
        applied.push({ rule: rule.id, anchor, ...(check.note ? { note: check.note } : {}) });
        return true;
      }
    }
    return false;
  };
  // The last round finds nothing to apply, so its refusals are exactly those of the final model.
  while (applied.length < max && next());
  const removed = opts.keepDeadCode ? { nodes: 0, initializers: 0 } : removeDeadCodeCounted(model.graph);
  return { model, modified: applied.length > 0 || removed.nodes > 0 || removed.initializers > 0, applied, refused: [...refused.values()], notes, removed };
}
