// What the built CLI loads to start: only the command being run. Node's module loader is watched
// through a --require hook (the bundle is one file, so what is seen is the Node built-ins and the
// packages left outside it): `analyze` of an ONNX file and `--version` load only the built-ins the
// loader and commander need — not onnxruntime-node, nor what image inputs or other commands pull in
// (zlib, stream, util...: main's build before lazy commands loaded those); a TFLite file still reads
// (its reader loads on demand: in the source, loading and analysing an ONNX model is seen never to
// load the TFLite reader or its generated schema); help and an unknown command still list every command. No time is
// asserted: the figures are in `npm run bench` (docs/benchmarks.md, data path).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ROOT, SAMPLE, realModelPath } from '../support/models';

const dir = mkdtempSync(join(tmpdir(), 'll-startup-'));
const hook = join(dir, 'hook.cjs');
writeFileSync(
  hook,
  `const Module = require('node:module'); const fs = require('node:fs'); const seen = new Set();
const load = Module._load; Module._load = function (request, ...rest) { seen.add(request); return load.call(this, request, ...rest); };
process.on('exit', () => fs.writeFileSync(process.env.LL_SEEN, [...seen].join('\\n')));\n`,
);

/** Runs the built CLI; what it asked Node's loader for, its status and output. */
function run(args: string[]): { loaded: string[]; status: number | null; stdout: string; stderr: string } {
  const seen = join(dir, `seen-${Math.random().toString(36).slice(2)}`);
  const r = spawnSync(process.execPath, ['--require', hook, join(ROOT, 'dist', 'cli.js'), ...args], { encoding: 'utf8', env: { ...process.env, LL_SEEN: seen } });
  return { loaded: readFileSync(seen, 'utf8').split('\n'), status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** What `analyze` of an ONNX file may load besides the bundle: commander's and the loader's built-ins. */
const STARTUP = new Set(['node:events', 'node:child_process', 'node:path', 'node:fs', 'node:process']);

test('analyze of an ONNX model and --version load only what they use: no ONNX Runtime, no other command\'s packages', () => {
  const analyze = run(['analyze', SAMPLE, '--dim', 'batch=1']);
  assert.equal(analyze.status, 0, analyze.stderr);
  assert.match(analyze.stdout, /total: /);
  const extra = (loaded: string[]): string[] => loaded.filter((m) => !STARTUP.has(m) && !m.endsWith('cli.js'));
  assert.deepEqual(extra(analyze.loaded), [], 'loaded at start-up of analyze: load these where they are used');
  const version = run(['--version']);
  assert.equal(version.stdout.trim(), '0.1.0');
  assert.deepEqual(extra(version.loaded), []);
  // The hook sees it when something does load it (a command that checks ORT's inputs in process).
  const profileHelp = run(['profile', '--help']);
  assert.match(profileHelp.stdout, /Usage: layerlens profile/);
});

test('a TFLite file still analyses (its reader loads on demand); help and an unknown command list every command', () => {
  const tfl = run(['analyze', realModelPath('face-detection-short.tflite'), '--top', '1']);
  assert.equal(tfl.status, 0, tfl.stderr);
  assert.match(tfl.stdout, /TFLite schema/);
  const help = run(['--help']);
  for (const c of ['analyze', 'profile', 'optimize', 'compile', 'export', 'machine', 'check', 'sensitivity', 'calibrate', 'predict']) assert.match(help.stdout, new RegExp(`^  ${c} `, 'm'), c);
  const typo = run(['analyz', SAMPLE]);
  assert.equal(typo.status, 2);
  assert.match(typo.stderr, /unknown command 'analyz'[\s\S]*Did you mean analyze\?/);
  const sub = run(['analyze', '--help']);
  assert.match(sub.stdout, /Usage: layerlens analyze \[options\] <model>/);
});

test('loading and analysing an ONNX model never loads the TFLite reader or its generated schema; a TFLite file loads them', () => {
  // In the source (through tsx), where every module is its own file in require.cache.
  const script = `
    const { loadModelFile } = require('./src/node/model-file');
    const { analyzeModel } = require('./src/core/analysis/analyze');
    const tflite = () => Object.keys(require.cache).filter((k) => k.includes('/core/tflite/'));
    analyzeModel(loadModelFile(${JSON.stringify(SAMPLE)}).model, { bindings: { dims: { batch: 1 } } });
    const onnx = tflite();
    analyzeModel(loadModelFile(${JSON.stringify(realModelPath('face-detection-short.tflite'))}).model, {});
    console.log(JSON.stringify({ onnx, tflite: tflite() }));`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const seen = JSON.parse(r.stdout.trim().split('\n').pop()!) as { onnx: string[]; tflite: string[] };
  assert.deepEqual(seen.onnx.map((f) => f.slice(f.indexOf('/core/tflite/'))), ['/core/tflite/domains.ts']);
  assert.ok(seen.tflite.some((f) => f.endsWith('/core/tflite/gen/schema.ts')));
});
