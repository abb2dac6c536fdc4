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
}

export function realModelPath(file: string): string {
  const p = join(ROOT, '.cache', 'models', file);
  if (!existsSync(p)) {
    throw new Error(`${p} is missing: run 'npm run setup' (or 'node scripts/fetch-models.mjs') first`);
  }
  return p;
}

export function manifest(): ManifestModel[] {
  return (JSON.parse(readFileSync(join(ROOT, 'test', 'models.json'), 'utf8')) as { models: ManifestModel[] }).models;
}

export const SAMPLE = join(ROOT, 'samples', 'tiny-cnn.onnx');
