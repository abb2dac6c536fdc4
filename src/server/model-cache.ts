// The model worker's memory: each model file loaded and analysed once per (path, mtimeMs, size, dims),
// the 4 most recently used kept. The view model (as JSON text) and the rule sites are computed on
// first need and kept with the entry; weight statistics are kept per tensor. A stale entry (the file
// changed on disk) is never served: every look-up stats the file, and invalidate() drops a path's
// entries at once (for a rewrite that keeps the size and mtime).
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { analyzeModel, type Analysis } from '../core/analysis/analyze';
import { ModelFormatError } from '../core/errors';
import type { Model } from '../core/ir/model';
import type { Tensor } from '../core/ir/tensor';
import { RULES, listSites, type SiteCheck } from '../core/passes';
import { buildViewModel } from './view/build-view-model';
import { loadModelFile } from '../node/model-file';
import type { DimBindings, WeightStats } from '../protocol/requests';

export const CACHE_SIZE = 4;

export interface CachedModel {
  path: string;
  mtimeMs: number;
  size: number;
  dims: DimBindings;
  model: Model;
  analysis: Analysis;
  /** Milliseconds spent loading (read + decode) and analysing this entry's model. */
  loadMs: number;
  analyzeMs: number;
}

interface Entry extends CachedModel {
  key: string;
  /** The view model, serialised once: it is sent as it is (transport.ts). */
  viewJson?: string;
  sites?: SiteCheck[];
  stats: WeakMap<Tensor, WeightStats>;
}

const entries = new Map<string, Entry>();

function stamp(path: string): { mtimeMs: number; size: number } {
  try {
    const st = statSync(path);
    return { mtimeMs: st.mtimeMs, size: st.size };
  } catch (e) {
    throw new ModelFormatError(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

/**
 * The bindings that name a symbolic dim of the model's inputs. Others are left out: the extension's
 * `layerlens.dims` setting holds sizes for every model of a workspace, and a model without `seq` is
 * still shown when the setting binds it (profiling and verification do the same).
 */
function applicable(model: Model, dims: DimBindings): DimBindings {
  const names = new Set<string>();
  for (const v of model.graph.inputs) if (!v.initializer && v.type?.kind === 'tensor') for (const d of v.type.shape ?? []) if (typeof d === 'string') names.add(d);
  return Object.fromEntries(Object.entries(dims).filter(([k]) => names.has(k)));
}

const dimsKey = (dims: DimBindings): string => JSON.stringify(Object.keys(dims).sort().map((k) => [k, dims[k]]));

/** The cached entry for `path` with `dims`, loading and analysing the file when needed (throws typed errors). */
export function cachedModel(file: string, dims: DimBindings): Entry {
  const path = resolve(file);
  const st = stamp(path);
  const key = JSON.stringify([path, st.mtimeMs, st.size, dimsKey(dims)]);
  const hit = entries.get(key);
  if (hit) {
    entries.delete(key); // most recently used last
    entries.set(key, hit);
    return hit;
  }
  for (const [k, e] of entries) if (e.path === path && (e.mtimeMs !== st.mtimeMs || e.size !== st.size)) entries.delete(k);
  // The same file version under other dims: share its decoded model (analysis does not change it).
  const sibling = [...entries.values()].find((e) => e.path === path);
  const t0 = performance.now();
  const model = sibling?.model ?? loadModelFile(path).model;
  const t1 = performance.now();
  const analysis = analyzeModel(model, { bindings: { dims: applicable(model, dims) }, path });
  const t2 = performance.now();
  const entry: Entry = { key, path, ...st, dims, model, analysis, loadMs: sibling ? 0 : t1 - t0, analyzeMs: t2 - t1, stats: new WeakMap() };
  entries.set(key, entry);
  while (entries.size > CACHE_SIZE) entries.delete(entries.keys().next().value!);
  return entry;
}

/** The entry's ViewModel as JSON text, built and serialised on first need. */
export function viewJsonOf(e: Entry): string {
  e.viewJson ??= JSON.stringify(buildViewModel(e.model, e.analysis));
  return e.viewJson;
}

/** Every rule's sites with their check results, listed once per entry. */
export function sitesOf(e: Entry): SiteCheck[] {
  e.sites ??= listSites(RULES, { model: e.model, shapes: e.analysis.shapes });
  return e.sites;
}

export function statsOf(e: Entry, t: Tensor, input: number, compute: (t: Tensor, input: number) => WeightStats): WeightStats {
  const hit = e.stats.get(t);
  if (hit) return { ...hit, input };
  const s = compute(t, input);
  e.stats.set(t, s);
  return s;
}

/** Drops every entry of `file` (all dims); returns how many. */
export function invalidate(file: string): number {
  const path = resolve(file);
  let n = 0;
  for (const [k, e] of entries) {
    if (e.path === path) {
      entries.delete(k);
      n++;
    }
  }
  return n;
}

/** Paths and dims held, oldest first (for tests and the bench). */
export function cachedKeys(): { path: string; dims: DimBindings }[] {
  return [...entries.values()].map((e) => ({ path: e.path, dims: e.dims }));
}
