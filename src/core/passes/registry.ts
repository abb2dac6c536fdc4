// The rule registry: every rewrite rule by id, so the CLI (--only, --quantize, --prune), the language
// server's code actions and the docs find rules without importing each file. Rules without options
// register themselves as they are; rules that take options (a pruning ratio, calibrated ranges)
// register a factory. Ids follow `<family>-<what>` ('fuse-conv-batchnorm', 'quantize-int8-dynamic',
// 'prune-channel').
import { UsageError } from '../errors';
import type { RewriteRule, RuleFamily } from './types';

export interface RegisteredRule {
  id: string;
  family: RuleFamily;
  title: string;
  /** True when the rule needs options (createRule must be given them). */
  takesOptions: boolean;
}

interface Entry extends RegisteredRule {
  create(options: unknown): RewriteRule;
}

const entries = new Map<string, Entry>();

/** Registers a rule without options (registering the same id again replaces it). */
export function registerRule(rule: RewriteRule): void {
  entries.set(rule.id, { id: rule.id, family: rule.family, title: rule.title, takesOptions: false, create: () => rule as RewriteRule });
}

/** Registers a rule that is built from options, e.g. registerRuleFactory('prune-channel', 'prune', '…', (o: {ratio: number}) => …). */
export function registerRuleFactory<O>(id: string, family: RuleFamily, title: string, create: (options: O) => RewriteRule): void {
  entries.set(id, { id, family, title, takesOptions: true, create: create as (o: unknown) => RewriteRule });
}

/** Removes a rule (tests; a host that disables a rule); true if it was registered. */
export function unregisterRule(id: string): boolean {
  return entries.delete(id);
}

export function isRegistered(id: string): boolean {
  return entries.has(id);
}

/** A rule not in the registry: a usage error (exit 2) naming the rules that are. */
export class UnknownRuleError extends UsageError {
  constructor(
    readonly ruleId: string,
    what = '',
  ) {
    const known = [...entries.keys()].filter((k) => k.split('-')[0] === ruleId.split('-')[0]);
    super(
      `rule '${ruleId}'${what ? ` (${what})` : ''} is not registered in this build` +
        (known.length ? `; registered ${ruleId.split('-')[0]} rules: ${known.join(', ')}` : ''),
    );
  }
}

/** The rule `id`, built with `options` if it takes them; throws UnknownRuleError if it is not registered. */
export function createRule<O>(id: string, options?: O, what?: string): RewriteRule {
  const e = entries.get(id);
  if (!e) throw new UnknownRuleError(id, what);
  return e.create(options);
}

/** What is registered, in registration order (optionally one family). */
export function registeredRules(family?: RuleFamily): RegisteredRule[] {
  return [...entries.values()].filter((e) => !family || e.family === family).map(({ id, family: f, title, takesOptions }) => ({ id, family: f, title, takesOptions }));
}

/** The rules of a family that need no options ('fuse-all' = fuse and cleanup: every exact rewrite). */
export function rulesOf(family: RuleFamily | 'fuse-all'): RewriteRule[] {
  const fams: RuleFamily[] = family === 'fuse-all' ? ['fuse', 'cleanup'] : [family];
  return [...entries.values()].filter((e) => !e.takesOptions && fams.includes(e.family)).map((e) => e.create(undefined));
}
