// Fixes ranked by expected benefit, with the estimate as text: what every surface shows (hover, the
// graph view's menu and panel, the text view's code actions), so that a list of passing rules does
// not read as a recommendation of all of them.
// A rule's gain at a node (RewriteRule.estimate, summed over its passing sites there) becomes shares
// of the model:
//   time  = (FLOPs removed + FLOPs moved to int8 kernels × (1 − 1/speed-up)) / model FLOPs, or
//           traffic removed / model traffic (2 × the bytes of every output), whichever is larger;
//           0 when ONNX Runtime already does the rewrite when it loads the model;
//   size  = file bytes saved / model weight bytes;
//   score = max(time, size), halved when the fix changes outputs (pruning without fine-tuning).
// The fixes scoring at least `minShare` (0.5 % of the model) come first, best first, at most `top`
// (3); the rest — smaller gains, then refusals with their reasons — go behind "more".
import type { FigureTotals } from '../cost/figures';
import type { Node } from '../ir/graph';
import { bytes, si } from '../units';
import type { SiteCheck } from './engine';
import type { EstimateContext, FixFigures, Gain, RuleContext } from './types';

export interface RankOptions {
  /** Only sites involving the node of this display name (hover, menu); every site otherwise (whole model). */
  node?: string;
  /** Model totals the shares are taken of (the cost model's totals); default: sums of `figures`. */
  totals?: Pick<FigureTotals, 'flops' | 'weightBytes' | 'activationBytes'>;
  /** How many fixes may come first (default 3). */
  top?: number;
  /** Smallest score of a fix that comes first (default 0.005: half a percent of the model). */
  minShare?: number;
  /** The context the sites were listed with (rules that read shapes for their estimate use it). */
  ctx?: RuleContext;
}

export interface RankedFix {
  ruleId: string;
  title: string;
  ok: boolean;
  /** Why the rule does not apply (refusals only). */
  reason?: string;
  /** The summed gain of the rule's passing sites; null for a refusal or a rule without an estimate. */
  gain: Gain | null;
  /** max(time share, size share) of the model, halved when outputs change; 0 for refusals. */
  score: number;
  /** The main figure, short: "−4.1 % of the FLOPs", "file −23 %", "no latency gain with ORT". */
  headline: string;
  /** The whole estimate in one line, e.g. "−1.2 MFLOPs (4.1 %) · file −16 B · exact · no latency gain with ONNX Runtime: …". */
  text: string;
}

export interface RankedFixes {
  /** The few that pay off most, best first. */
  top: RankedFix[];
  /** Everything else: smaller gains (best first), then refusals. */
  more: RankedFix[];
}

/** A node's figures with the node (the cost model's NodeCost records fit). */
type Figured = FixFigures & { node: Node; runs?: number };

function add(a: number | null, b: number | null): number | null {
  return a === null || b === null ? null : a + b;
}

function sum(gains: Gain[]): Gain {
  const g = gains.reduce<Gain>((acc, x) => ({
    flops: add(acc.flops, x.flops),
    traffic: add(acc.traffic, x.traffic),
    fileBytes: acc.fileBytes + x.fileBytes,
    ...(acc.faster || x.faster ? { faster: { flops: add(acc.faster?.flops ?? 0, x.faster?.flops ?? 0), factor: x.faster?.factor ?? acc.faster!.factor } } : {}),
    accuracy: acc.accuracy === 'changes outputs' || x.accuracy === 'changes outputs' ? 'changes outputs' : acc.accuracy === 'approximate' || x.accuracy === 'approximate' ? 'approximate' : 'exact',
    ...(acc.caveat ?? x.caveat ? { caveat: acc.caveat ?? x.caveat } : {}),
  }), { flops: 0, traffic: 0, fileBytes: 0, accuracy: 'exact' });
  // ORT doing it at load time holds for the sum only if it holds for every site.
  if (gains.length && gains.every((x) => x.ortAtLoad)) g.ortAtLoad = gains[0]!.ortAtLoad!;
  return g;
}

const pct = (x: number): string => `${(100 * x).toFixed(x >= 0.1 ? 0 : x >= 0.01 ? 1 : 2)} %`;

export interface Shares {
  flops: number;
  traffic: number;
  size: number;
  time: number;
}

/** A gain as shares of the model: FLOPs, traffic, file size, and the time share (0 when ORT already does it). */
export function shares(g: Gain, t: NonNullable<RankOptions['totals']>): Shares {
  const faster = g.faster && g.faster.flops !== null ? g.faster.flops * (1 - 1 / g.faster.factor) : 0;
  const flops = t.flops > 0 ? ((g.flops ?? 0) + faster) / t.flops : 0;
  const traffic = t.activationBytes > 0 ? (g.traffic ?? 0) / (2 * t.activationBytes) : 0;
  const size = t.weightBytes > 0 ? Math.max(0, g.fileBytes) / t.weightBytes : 0;
  return { flops, traffic, size, time: g.ortAtLoad ? 0 : Math.max(flops, traffic) };
}

function describe(g: Gain, s: Shares): { headline: string; text: string } {
  const parts: string[] = [];
  if (g.flops === null) parts.push('FLOPs saved unknown (bind the symbolic dims)');
  else if (g.flops > 0) parts.push(`−${si(g.flops, 'FLOPs')} per run (${pct(s.flops)} of the model)`);
  if (g.faster) parts.push(`${g.faster.flops === null ? 'its' : si(g.faster.flops, 'FLOPs')} on int8 kernels (assumed ${g.faster.factor}× faster: measure with Profile)`);
  if (g.traffic !== null && g.traffic > 0) parts.push(`−${bytes(g.traffic)} memory traffic per run (${pct(s.traffic)})`);
  if (g.fileBytes > 0) parts.push(`file −${bytes(g.fileBytes)} (${pct(s.size)} of the weights)`);
  else if (g.fileBytes < 0) parts.push(`file +${bytes(-g.fileBytes)}`);
  parts.push(g.accuracy === 'changes outputs' ? 'changes outputs: check accuracy' : g.accuracy === 'approximate' ? "approximate, within the rule's tolerance" : 'exact');
  if (g.ortAtLoad) parts.push(`no latency gain with ONNX Runtime: ${g.ortAtLoad}`);
  if (g.caveat) parts.push(g.caveat);
  let headline: string;
  if (s.time > 0 && s.time >= s.size) headline = s.flops >= s.traffic ? `−${pct(s.flops)} of the FLOPs` : `−${pct(s.traffic)} of the memory traffic`;
  else if (s.size > 0) headline = `file −${pct(s.size)}`;
  else if (g.ortAtLoad) headline = 'no latency gain with ORT';
  else headline = g.flops === null ? 'gain unknown' : 'no measurable gain';
  return { headline, text: parts.join(' · ') };
}

/**
 * The fixes at a node (or in the whole model), one per rule, ranked by expected benefit. `sites` come
 * from listSites; `figures` are the analysis' per-node figures (NodeCost[] fits).
 */
export function rankFixes(sites: readonly SiteCheck[], figures: readonly Figured[], opts: RankOptions = {}): RankedFixes {
  const byNode = new Map<Node, Figured>(figures.map((f) => [f.node, f]));
  const totals = opts.totals ?? {
    flops: figures.reduce((a, f) => a + (f.runs ?? 1) * (f.flops ?? 0), 0),
    weightBytes: figures.reduce((a, f) => a + f.weightBytes, 0),
    activationBytes: figures.reduce((a, f) => a + (f.runs ?? 1) * (f.activationBytes ?? 0), 0),
  };
  const at = opts.node === undefined ? undefined : [...byNode.keys()].find((n) => n.displayName === opts.node);
  const e: EstimateContext = { figures: (n) => byNode.get(n), ...(opts.ctx ? { rule: opts.ctx } : {}), ...(at ? { at } : {}) };
  const byRule = new Map<string, { s: SiteCheck; passing: SiteCheck[]; refusal?: string }>();
  for (const s of sites) {
    if (opts.node !== undefined && !s.site.nodes.some((n) => n.displayName === opts.node)) continue;
    const entry = byRule.get(s.rule.id) ?? { s, passing: [] };
    if (s.check.ok) entry.passing.push(s);
    else entry.refusal ??= s.check.reason;
    byRule.set(s.rule.id, entry);
  }
  const ranked: RankedFix[] = [];
  for (const { s, passing, refusal } of byRule.values()) {
    if (passing.length === 0) {
      ranked.push({ ruleId: s.rule.id, title: s.rule.title, ok: false, reason: refusal!, gain: null, score: 0, headline: 'does not apply', text: refusal! });
      continue;
    }
    const rule = passing[0]!.rule;
    if (!rule.estimate) {
      ranked.push({ ruleId: rule.id, title: rule.title, ok: true, gain: null, score: 0, headline: 'gain not estimated', text: 'gain not estimated' });
      continue;
    }
    const gain = sum(passing.map((p) => rule.estimate!(p.site, e)));
    const sh = shares(gain, totals);
    const score = Math.max(sh.time, sh.size) * (gain.accuracy === 'changes outputs' ? 0.5 : 1);
    ranked.push({ ruleId: rule.id, title: rule.title, ok: true, gain, score, ...describe(gain, sh) });
  }
  const passing = ranked.filter((r) => r.ok).sort((a, b) => b.score - a.score);
  const minShare = opts.minShare ?? 0.005;
  const top = passing.filter((r) => r.score >= minShare).slice(0, opts.top ?? 3);
  return { top, more: [...passing.filter((r) => !top.includes(r)), ...ranked.filter((r) => !r.ok)] };
}
