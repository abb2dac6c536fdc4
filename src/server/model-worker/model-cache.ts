// The model worker's memory. Each model file is read and decoded once per version (path, mtimeMs,
// size) and its text form printed from it on first need, with the printer's map from text ranges to
// nodes and values; each version is analysed once per dims. The 4 most recently used files and
// analyses are kept, plus those of files pinned as open text views. The view model (as JSON text) and
// the rule sites are computed on first need and kept with the analysis; weight statistics per tensor.
// A typed analysis error is kept like a result (it is the same for the same file version and dims).
// A stale entry (the file changed on disk) is never served: every look-up stats the file, and
// invalidate() drops a path's entries at once (for a rewrite that keeps the size and mtime).
import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { analyzeModel, type Analysis } from '../../core/analysis/analyze';
import { ModelFormatError } from '../../core/errors';
import type { Model } from '../../core/ir/model';
import type { Tensor } from '../../core/ir/tensor';
import { printModel } from '../../core/onnx/text/printer';
import type { TextMap } from '../../core/onnx/text/ranges';
import { NODE_RULES, listSites, type SiteCheck } from '../../core/passes';
import { buildViewModel } from '../features/view-model';
import { gzipView } from '../shared/gzip-view';
import { loadModelFile } from '../../node/model-file';
import type { WeightStats } from '../../protocol/requests';
import type { DimBindings, ModelErrorData } from '../../protocol/rpc';
import { applicable } from '../shared/dims';
import { errorData, RelayedError } from '../shared/errors';
import type { ModelPhase } from '../shared/model-protocol';

export const CACHE_SIZE = 4;

/** A model file as read and decoded. */
export interface LoadedFile {
  path: string;
  mtimeMs: number;
  size: number;
  model: Model;
  /** Milliseconds spent reading and decoding. */
  loadMs: number;
  /** The text form, printed on first need. */
  print?: { text: string; map: TextMap; sha: string };
}

export interface CachedModel {
  path: string;
  mtimeMs: number;
  size: number;
  dims: DimBindings;
  model: Model;
  analysis: Analysis;
  /** Milliseconds spent loading (read + decode; 0 when the decoded file was already held) and analysing this entry's model. */
  loadMs: number;
  analyzeMs: number;
}

interface Entry extends Omit<CachedModel, 'analysis'> {
  key: string;
  file: LoadedFile;
  analysis: Analysis | null;
  /** The typed error the analysis threw (then `analysis` is null). */
  analysisError: ModelErrorData | null;
  /** The view model, serialised once: it is sent as it is (main/transport.ts). */
  viewJson?: string;
  /** The same, gzip-compressed, base64 (GraphViewGzip), with its uncompressed length. */
  viewGzip?: { gzip: string; bytes: number };
  sites?: SiteCheck[];
  stats: WeakMap<Tensor, WeightStats>;
}

const files = new Map<string, LoadedFile>();
const entries = new Map<string, Entry>();
const pinned = new Set<string>();
let phase: (p: ModelPhase) => void = () => undefined;

/** Who hears how far the current request got (the worker relays it to the main thread). */
export function onPhase(f: (p: ModelPhase) => void): void {
  phase = f;
}

function stamp(path: string): { mtimeMs: number; size: number } {
  try {
    const st = statSync(path);
    return { mtimeMs: st.mtimeMs, size: st.size };
  } catch (e) {
    throw new ModelFormatError(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

/** Most recently used last; beyond CACHE_SIZE the oldest unpinned ones go. */
function touch<T extends { path: string }>(map: Map<string, T>, key: string, v: T): void {
  map.delete(key);
  map.set(key, v);
  for (const [k, x] of map) {
    if (map.size <= CACHE_SIZE) break;
    if (!pinned.has(x.path)) map.delete(k);
  }
}

/** The file at `path` read and decoded (this version of it), loading it when needed (throws typed errors). */
export function loadedFile(file: string): LoadedFile {
  const path = resolve(file);
  const st = stamp(path);
  const hit = files.get(path);
  if (hit && hit.mtimeMs === st.mtimeMs && hit.size === st.size) {
    touch(files, path, hit);
    phase('loaded');
    return hit;
  }
  for (const [k, e] of entries) if (e.path === path) entries.delete(k);
  const t0 = performance.now();
  const model = loadModelFile(path).model;
  const loaded: LoadedFile = { path, ...st, model, loadMs: performance.now() - t0 };
  requestTimes.loadMs += loaded.loadMs;
  touch(files, path, loaded);
  phase('loaded');
  return loaded;
}

/** The file's text form with the printer's range map and the text's sha1, printed once per version. */
export function printed(f: LoadedFile): NonNullable<LoadedFile['print']> {
  if (!f.print) {
    const p = printModel(f.model);
    f.print = { ...p, sha: createHash('sha1').update(p.text).digest('hex') };
  }
  return f.print;
}

const dimsKey = (dims: DimBindings): string => JSON.stringify(Object.keys(dims).sort().map((k) => [k, dims[k]]));

/** The analysis entry of `path` with `dims` (an analysis error is kept in it, not thrown). */
function entryOf(file: string, dims: DimBindings): Entry {
  const f = loadedFile(file);
  const key = JSON.stringify([f.path, f.mtimeMs, f.size, dimsKey(dims)]);
  const hit = entries.get(key);
  if (hit && hit.file === f) {
    touch(entries, key, hit);
    phase('analysed');
    return hit;
  }
  const t0 = performance.now();
  let analysis: Analysis | null = null;
  let analysisError: ModelErrorData | null = null;
  try {
    analysis = analyzeModel(f.model, { bindings: { dims: applicable(f.model, dims) }, path: f.path });
  } catch (e) {
    analysisError = errorData(e);
  }
  const fresh = ![...entries.values()].some((e) => e.file === f);
  const entry: Entry = { key, file: f, path: f.path, mtimeMs: f.mtimeMs, size: f.size, dims, model: f.model, analysis, analysisError, loadMs: fresh ? f.loadMs : 0, analyzeMs: performance.now() - t0, stats: new WeakMap() };
  touch(entries, key, entry);
  requestTimes.analyzeMs += entry.analyzeMs;
  phase('analysed');
  return entry;
}

/** The analysed entry for `path` with `dims` (throws typed errors, the analysis's too). */
export function cachedModel(file: string, dims: DimBindings): Entry & CachedModel {
  const e = entryOf(file, dims);
  if (!e.analysis) throw new RelayedError(e.analysisError!);
  return e as Entry & CachedModel;
}

/** The entry for `path` with `dims` whether or not its analysis succeeded (a text view shows either). */
export function documentEntry(file: string, dims: DimBindings): Entry {
  return entryOf(file, dims);
}

/** The entry's ViewModel as JSON text, built and serialised on first need. */
export function viewJsonOf(e: Entry & CachedModel): string {
  if (e.viewJson === undefined) {
    const t0 = performance.now();
    e.viewJson = JSON.stringify(buildViewModel(e.model, e.analysis));
    requestTimes.viewMs += performance.now() - t0;
  }
  return e.viewJson;
}

/** The entry's view model JSON gzip-compressed, in base64 (shared/gzip-view.ts), made once. */
export function viewGzipOf(e: Entry & CachedModel): { gzip: string; bytes: number } {
  if (e.viewGzip === undefined) {
    const json = viewJsonOf(e);
    const t0 = performance.now();
    e.viewGzip = gzipView(json);
    requestTimes.viewMs += performance.now() - t0;
  }
  return e.viewGzip;
}

/** Time the current request spent loading, analysing and building view models, ms (reset per request). */
export const requestTimes = { loadMs: 0, analyzeMs: 0, viewMs: 0 };
export function resetRequestTimes(): void {
  requestTimes.loadMs = requestTimes.analyzeMs = requestTimes.viewMs = 0;
}

/** Every rule's sites with their check results, listed once per entry. */
export function sitesOf(e: Entry & CachedModel): SiteCheck[] {
  e.sites ??= listSites(NODE_RULES, { model: e.model, shapes: e.analysis.shapes });
  return e.sites;
}

export function statsOf(e: Entry, t: Tensor, input: number, compute: (t: Tensor, input: number) => WeightStats): WeightStats {
  const hit = e.stats.get(t);
  if (hit) return { ...hit, input };
  const s = compute(t, input);
  e.stats.set(t, s);
  return s;
}

/** Drops every entry of `file` (all dims, and the decoded file); returns how many analyses. */
export function invalidate(file: string): number {
  const path = resolve(file);
  files.delete(path);
  let n = 0;
  for (const [k, e] of entries) {
    if (e.path === path) {
      entries.delete(k);
      n++;
    }
  }
  return n;
}

/** Keeps `file` (an open text view) beyond the most recent ones, or lets it go. */
export function pin(file: string, on: boolean): void {
  if (on) pinned.add(resolve(file));
  else pinned.delete(resolve(file));
}

/** Paths and dims held, oldest first (for tests and the bench). */
export function cachedKeys(): { path: string; dims: DimBindings }[] {
  return [...entries.values()].map((e) => ({ path: e.path, dims: e.dims }));
}
