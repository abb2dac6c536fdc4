// Runs rewrite rules: lists every site with its check result (for diagnostics), applies one rule at
// one site (a quick fix), or applies rules until nothing changes (fix all). Shapes are re-inferred
// after every rewrite, since rules read them.
import type { Model } from '../ir/model';
import { inferShapes } from '../shape';
import type { Bindings } from '../shape/types';
import { removeDeadCode } from './graph-edit';
import type { CheckResult, PassResult, RewriteRule, RuleContext, Site } from './types';

export interface SiteCheck {
  rule: RewriteRule;
  site: Site;
  check: CheckResult;
}

export function contextFor(model: Model, bindings: Bindings = {}): RuleContext {
  return { model, shapes: inferShapes(model, bindings) };
}

export function listSites(rules: readonly RewriteRule[], ctx: RuleContext): SiteCheck[] {
  const out: SiteCheck[] = [];
  for (const rule of rules) for (const site of rule.match(ctx)) out.push({ rule, site, check: rule.check(site, ctx) });
  return out;
}

/** Applies `rule` at `site` if its check passes; returns the check result. */
export function applyAt(rule: RewriteRule, site: Site, ctx: RuleContext): CheckResult {
  const check = rule.check(site, ctx);
  if (check.ok) rule.rewrite(site, ctx);
  return check;
}

/**
 * Applies the rules wherever they pass until none applies (at most `maxRewrites`), then removes
 * dead nodes and unused initializers. `only` limits anchors to the given node names.
 */
export function runPass(model: Model, rules: readonly RewriteRule[], opts: { bindings?: Bindings; only?: string[]; maxRewrites?: number } = {}): PassResult {
  const applied: PassResult['applied'] = [];
  const refusedMap = new Map<string, PassResult['refused'][number]>();
  const max = opts.maxRewrites ?? 100_000;
  const only = opts.only ? new Set(opts.only) : null;
  let ctx = contextFor(model, opts.bindings);
  for (let changed = true; changed && applied.length < max; ) {
    changed = false;
    for (const rule of rules) {
      for (const site of rule.match(ctx)) {
        if (only && !only.has(site.anchor.displayName)) continue;
        const key = `${rule.id}@${site.anchor.displayName}`;
        const check = rule.check(site, ctx);
        if (!check.ok) {
          refusedMap.set(key, { rule: rule.id, anchor: site.anchor.displayName, reason: check.reason });
          continue;
        }
        rule.rewrite(site, ctx);
        refusedMap.delete(key);
        applied.push({ rule: rule.id, anchor: site.anchor.displayName });
        changed = true;
        ctx = contextFor(model, opts.bindings);
        break;
      }
      if (changed) break;
    }
  }
  const removed = removeDeadCode(model.graph);
  return { model, modified: applied.length > 0 || removed > 0, applied, refused: [...refusedMap.values()] };
}
