// The fuzz suite's cases, written into a fresh folder: seeded mutations of the real models
// (test/models.json: ONNX, and TFLite at the byte level) and of the sample, external-data and model-path tricks, and crafted hostile
// models. The same seed gives the same files; the CLI and the server suites each build their own copy.
import { create } from '@bufbuild/protobuf';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TypeProtoSchema, type TypeProto } from '../../src/core/onnx/gen/layerlens/onnx/onnx_pb';
import {
  boolInfo,
  broadcastBombModel,
  concatBombModel,
  floatInit,
  modelBytes,
  nestedIfModel,
  node,
  tensorInfo,
  withExternalData,
} from '../support/craft';
import { allModels, manifest, ROOT, SAMPLE } from '../support/models';
import { MUTATIONS, mutate, Rng } from './mutate';

/** The fixed seed; LAYERLENS_FUZZ_SEED changes it (a failure names the seed and case to reproduce it). */
export const FUZZ_SEED = Number(process.env.LAYERLENS_FUZZ_SEED ?? 0x5eed);
/** Mutants per run: a constant sized for CI; LAYERLENS_FUZZ_MUTANTS runs more. */
export const FUZZ_MUTANTS = Number(process.env.LAYERLENS_FUZZ_MUTANTS ?? 48);
/** Mutants of the TFLite models of test/models.json (truncated or with flipped bytes). */
const TFLITE_MUTANTS = 8;
/** Real models larger than this are not mutated (each mutant is analysed whole, in CI). */
const MAX_SOURCE_BYTES = 3_000_000;

export interface FuzzCase {
  name: string;
  /** The file to analyse. */
  path: string;
  /** What stderr must say when the case is refused (a typed error), when known. */
  refusal?: RegExp;
  /** Must load and analyse (exit 0). */
  valid?: boolean;
  /** A file-system trick (external data, the model path): also asked for through the server's text view. */
  fileTrick?: boolean;
  /** Known to fail through the server, for the reason given (someone else's part): run as todo there. */
  serverTodo?: string;
}

export interface Corpus {
  root: string;
  /** Files outside every case folder that symlinks and '..' point at: never to be read or written. */
  outside: string;
  cases: FuzzCase[];
}

function sources(): { name: string; bytes: Uint8Array }[] {
  const out = [{ name: 'tiny-cnn.onnx', bytes: new Uint8Array(readFileSync(SAMPLE)) }];
  for (const m of manifest()) {
    const p = join(ROOT, '.cache', 'models', m.file);
    if (existsSync(p) && m.bytes <= MAX_SOURCE_BYTES) out.push({ name: m.file, bytes: new Uint8Array(readFileSync(p)) });
  }
  return out;
}

/** A type nested `depth` deep: sequence(sequence(...(tensor))). */
function nestedType(depth: number): TypeProto {
  let t = create(TypeProtoSchema, { value: { case: 'tensorType', value: { elemType: 1 } } });
  for (let i = 0; i < depth; i++) t = create(TypeProtoSchema, { value: { case: 'sequenceType', value: { elemType: t } } });
  return t;
}

export function buildCorpus(root: string, seed = FUZZ_SEED, mutants = FUZZ_MUTANTS): Corpus {
  const outside = join(root, 'outside');
  mkdirSync(outside, { recursive: true });
  writeFileSync(join(outside, 'secret.bin'), new Uint8Array(4096).fill(7));
  writeFileSync(join(outside, 'elsewhere.onnx'), readFileSync(SAMPLE));
  const cases: FuzzCase[] = [];
  let k = 0;
  const folder = (slug: string): string => {
    const dir = join(root, 'cases', `${String(k++).padStart(3, '0')}-${slug}`);
    mkdirSync(dir, { recursive: true });
    return dir;
  };
  const add = (slug: string, bytes: Uint8Array | null, extra: Omit<FuzzCase, 'name' | 'path'> = {}, setup?: (dir: string, model: string) => void, file = 'model.onnx'): void => {
    const dir = folder(slug);
    const path = join(dir, file);
    if (bytes) writeFileSync(path, bytes);
    setup?.(dir, path);
    cases.push({ name: `${String(k - 1).padStart(3, '0')} ${slug}`, path, ...extra });
  };

  // 1. Seeded mutations of the real models: every mutation kind in turn, parameters from the seed.
  const rng = new Rng(seed);
  const src = sources();
  for (let i = 0; i < mutants; i++) {
    const s = rng.pick(src);
    const kind = MUTATIONS[i % MUTATIONS.length]!;
    let { bytes, what } = mutate(s.bytes, kind, rng);
    // One case in three stacks a second mutation on the first (when the first left a decodable file).
    if (rng.int(3) === 0) {
      const more = rng.pick(MUTATIONS.slice(2));
      try {
        const again = mutate(bytes, more, rng);
        bytes = again.bytes;
        what += `, then ${again.what}`;
      } catch {
        // the first mutation broke the wire format: one mutation it is
      }
    }
    add(`${s.name.replace(/\.onnx$/, '')}-${kind}`, bytes);
    cases[cases.length - 1]!.name += `: ${what} (seed ${seed})`;
  }

  // TFLite files (read by src/core/tflite, H3): byte-level damage only, the structure is FlatBuffers.
  const tflite = allModels().filter((m) => m.file.endsWith('.tflite') && (m.tier ?? 'test') === 'test' && existsSync(join(ROOT, '.cache', 'models', m.file)));
  for (let i = 0; i < TFLITE_MUTANTS && tflite.length > 0; i++) {
    const m = rng.pick(tflite);
    const kind = i % 2 === 0 ? 'truncate' : 'flip-bytes';
    const { bytes, what } = mutate(new Uint8Array(readFileSync(join(ROOT, '.cache', 'models', m.file))), kind, rng);
    add(`${m.file.replace(/\.tflite$/, '')}-${kind}`, bytes, {}, undefined, 'model.tflite');
    cases[cases.length - 1]!.name += `: ${what} (seed ${seed})`;
  }
  if (tflite.length > 0) add('tflite-valid', readFileSync(join(ROOT, '.cache', 'models', tflite[0]!.file)), { valid: true }, undefined, 'model.tflite');

  // 2. External data: path tricks, non-regular files, sizes that lie.
  const ext = (slug: string, location: string, setup: (dir: string, data: Uint8Array) => void, refusal?: RegExp, patch?: { offset?: string; length?: string }): void => {
    const { model, data } = withExternalData(readFileSync(SAMPLE), location, 1, patch);
    add(`external-${slug}`, model, { fileTrick: true, ...(refusal ? { refusal } : { valid: true }) }, (dir) => setup(dir, data));
  };
  ext('valid', 'w.bin', (dir, data) => writeFileSync(join(dir, 'w.bin'), data));
  ext('dotdot', '../../outside/secret.bin', () => {}, /^ExternalDataError: .*leaves the model's folder through '\.\.'/);
  ext('absolute', join(outside, 'secret.bin'), () => {}, /^ExternalDataError: .*is absolute/);
  ext('symlink-out', 'w.bin', (dir) => symlinkSync(join(outside, 'secret.bin'), join(dir, 'w.bin')), /^ExternalDataError: .*outside the model's folder/);
  ext('symlinked-folder-out', 'sub/secret.bin', (dir) => symlinkSync(outside, join(dir, 'sub')), /^ExternalDataError: .*outside the model's folder/);
  ext('fifo', 'w.bin', (dir) => execFileSync('mkfifo', [join(dir, 'w.bin')]), /^ExternalDataError: .*named pipe \(FIFO\)/);
  ext('dev-zero', 'w.bin', (dir) => symlinkSync('/dev/zero', join(dir, 'w.bin')), /^ExternalDataError: .*resolves to \/dev\/zero, outside/);
  ext('folder', 'w.bin', (dir) => mkdirSync(join(dir, 'w.bin')), /^ExternalDataError: .*is a folder/);
  ext('missing', 'w.bin', () => {}, /^ExternalDataError: .*does not exist next to the model/);
  ext('short', 'w.bin', (dir, data) => writeFileSync(join(dir, 'w.bin'), data.subarray(0, 100)), /^ExternalDataError: .*which has 100 bytes/);
  ext('huge-offset', 'w.bin', (dir, data) => writeFileSync(join(dir, 'w.bin'), data), /^ExternalDataError: .*wants bytes 1125899906842624\./, { offset: String(2 ** 50) });
  ext('length-lie', 'w.bin', (dir, data) => writeFileSync(join(dir, 'w.bin'), data), /^ExternalDataError: .*needs 1728 bytes but its external data says length 999999/, { length: '999999' });
  ext('symlink-loop', 'w.bin', (dir) => symlinkSync('w.bin', join(dir, 'w.bin')), /^ExternalDataError: .*cannot be resolved \(ELOOP/);
  ext('nul-in-name', 'w\0.bin', () => {}, /^ExternalDataError: .*contains a NUL byte/);
  ext('long-name', 'a'.repeat(5000), () => {}, /^ExternalDataError: .*cannot be resolved \(ENAMETOOLONG/);
  ext('the-model-itself', 'model.onnx', () => {}); // inside the folder and regular: read (garbage weights, valid shapes)

  // 3. The model path itself.
  add('model-fifo', null, { fileTrick: true, refusal: /^ModelFormatError: .*is a named pipe \(FIFO\), not a regular file/ }, (_, p) => execFileSync('mkfifo', [p]));
  add('model-dev-zero', null, { fileTrick: true, refusal: /^ModelFormatError: .*\(a link to \/dev\/zero\) is a character device/ }, (_, p) => symlinkSync('/dev/zero', p));
  add('model-dev-null', null, { fileTrick: true, refusal: /^ModelFormatError: .*is a character device/ }, (_, p) => symlinkSync('/dev/null', p));
  add('model-folder', null, { fileTrick: true, refusal: /^ModelFormatError: .*is a folder/ }, (_, p) => mkdirSync(p));
  add('model-empty', new Uint8Array(0), { fileTrick: true, refusal: /^ModelFormatError: the file is empty/ });
  add('model-symlink-loop', null, { fileTrick: true, refusal: /^ModelFormatError: cannot read .*ELOOP/ }, (_, p) => symlinkSync(p, p));
  add('model-symlink-elsewhere', null, { fileTrick: true, valid: true }, (_, p) => symlinkSync(join(outside, 'elsewhere.onnx'), p));

  // 4. Crafted hostile models: nesting at and past the limit, ORT's structural rules, and values that
  // would be enormous if folded (issue 11, item 1: Sum and Concat crashed analyze and the server).
  add('if-nested-31', nestedIfModel(31), { valid: true });
  add('if-nested-32', nestedIfModel(32), { refusal: /^ModelLimitError: .*deeper than the limit of 100 levels/ });
  add('if-nested-200', nestedIfModel(200), { refusal: /^ModelLimitError: .*deeper than the limit of 100 levels/ });
  add(
    'type-nested-150',
    modelBytes({ input: [{ name: 's', type: nestedType(150) }], output: [tensorInfo('y', [2])], initializer: [floatInit('w', [2])], node: [node('Identity', ['w'], ['y'])] }),
    { refusal: /^ModelLimitError: .*deeper than the limit of 100 levels/ },
  );
  add('self-loop', modelBytes({ input: [tensorInfo('x', [2])], output: [tensorInfo('a', [2])], node: [node('Add', ['x', 'a'], ['a'], { name: 'loop' })] }), {
    refusal: /^ModelGraphError: the graph has a cycle through node Add 'loop'/,
  });
  add('duplicate-inputs', modelBytes({ input: [tensorInfo('x', [2]), tensorInfo('x', [2])], output: [tensorInfo('y', [2])], node: [node('Relu', ['x'], ['y'])] }), {
    refusal: /^ModelGraphError: graph input 'x' is declared twice/,
  });
  add('if-without-branches', modelBytes({ input: [tensorInfo('x', [2]), boolInfo('c')], output: [tensorInfo('y', [2])], node: [node('If', ['c'], ['y'])] }));
  add('sum-broadcast-bomb', broadcastBombModel());
  add('concat-bomb', concatBombModel());
  const int64 = (name: string, values: bigint[]): ReturnType<typeof floatInit> => ({ name, dims: [BigInt(values.length)], dataType: 7, int64Data: values });
  add('constant-of-shape-bomb', modelBytes({ output: [tensorInfo('y', [100_000, 100_000])], initializer: [int64('s', [100_000n, 100_000n])], node: [node('ConstantOfShape', ['s'], ['y'])] }));
  add('range-bomb', modelBytes({ output: [tensorInfo('y', [1e10])], initializer: [{ name: 'a', dims: [], dataType: 1, floatData: [0] }, { name: 'b', dims: [], dataType: 1, floatData: [1e10] }, { name: 'd', dims: [], dataType: 1, floatData: [1] }], node: [node('Range', ['a', 'b', 'd'], ['y'])] }));
  add('expand-bomb', modelBytes({ output: [tensorInfo('y', [100_000, 100_000])], initializer: [floatInit('w', [1]), int64('s', [100_000n, 100_000n])], node: [node('Expand', ['w', 's'], ['y'])] }));
  add('tile-bomb', modelBytes({ output: [tensorInfo('y', [1e10])], initializer: [floatInit('w', [1]), int64('r', [10_000_000_000n])], node: [node('Tile', ['w', 'r'], ['y'])] }));
  return { root, outside, cases };
}
