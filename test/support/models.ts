// Where tests find the real models (fetched by scripts/fetch-models.mjs into .cache/models) and
// the ONNX operator test data (Debian's libonnx-testdata).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const ROOT = join(__dirname, '..', '..');
export const TESTDATA = '/usr/share/libonnx-testdata/data';

export interface ManifestModel {
  file: string;
  package: string;
  path: string;
  bytes: number;
  sha256: string;
  /** 'test' (fetched for `npm test`, the default) or 'bench' (large; `fetch-models --tier bench`). */
  tier?: 'test' | 'bench';
  /** Input shapes / symbolic dims that make every shape concrete (a user's --input / --dim). */
  bindings?: { inputs?: Record<string, number[]>; dims?: Record<string, number> };
  /** For a model split into chunks: its key in the index file named by `path`. */
  chunks?: string;
}

export function realModelPath(file: string): string {
  const p = join(ROOT, '.cache', 'models', file);
  if (!existsSync(p)) {
    const bench = allModels().some((m) => m.file === file && m.tier === 'bench');
    throw new Error(`${p} is missing: run ${bench ? "'node scripts/fetch-models.mjs --tier bench'" : "'npm run setup' (or 'node scripts/fetch-models.mjs')"} first`);
  }
  return p;
}

/** Every entry of test/models.json, whatever its tier or format. */
export function allModels(): ManifestModel[] {
  return (JSON.parse(readFileSync(join(ROOT, 'test', 'models.json'), 'utf8')) as { models: ManifestModel[] }).models;
}

/** The ONNX models `npm test` can count on: the test tier (bench-tier files may be absent). */
export function manifest(): ManifestModel[] {
  return allModels().filter((m) => (m.tier ?? 'test') === 'test' && m.file.endsWith('.onnx'));
}

export function manifestEntry(file: string): ManifestModel {
  const m = allModels().find((x) => x.file === file);
  if (!m) throw new Error(`${file} is not in test/models.json`);
  return m;
}

export const SAMPLE = join(ROOT, 'samples', 'tiny-cnn.onnx');
