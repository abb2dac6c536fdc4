// The fuzz corpus (corpus.ts) through the built CLI: `node dist/cli.js analyze FILE --json` as a child
// process with a time limit and a heap limit, two at a time. Every case must end with exit 0 (and a
// JSON report on stdout) or exit 1/2 with a typed `Name: message` on stderr and no stack; never a
// signal, a timeout or exit 3; and nothing under the corpus folder may change.
// Seed and size: LAYERLENS_FUZZ_SEED, LAYERLENS_FUZZ_MUTANTS (corpus.ts).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, test } from 'node:test';
import { ROOT } from '../support/models';
import { changes, snapshot, TYPED } from './checks';
import { buildCorpus, type FuzzCase } from './corpus';

const TIME_LIMIT_MS = 30_000;
const HEAP_MB = 256;
const CLI = join(ROOT, 'dist', 'cli.js');

const corpus = buildCorpus(mkdtempSync(join(tmpdir(), 'll-fuzz-cli-')));
const before = snapshot(corpus.root);
after(() => rmSync(corpus.root, { recursive: true, force: true }));

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

function analyze(c: FuzzCase): Promise<Run> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [`--max-old-space-size=${HEAP_MB}`, CLI, 'analyze', c.path, '--json'], {
      cwd: dirname(c.path),
      timeout: TIME_LIMIT_MS,
      killSignal: 'SIGKILL',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(0, 20_000)));
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr, ms: performance.now() - t0 }));
  });
}

function check(c: FuzzCase, r: Run): void {
  const said = `${c.name}\nexit ${r.code} signal ${r.signal} after ${r.ms.toFixed(0)} ms\nstderr: ${r.stderr.slice(0, 2000)}`;
  assert.ok(r.signal === null, `killed by ${r.signal}${r.ms >= TIME_LIMIT_MS - 100 ? ` (time limit ${TIME_LIMIT_MS / 1000} s: a hang)` : ' (a crash)'}: ${said}`);
  assert.ok(r.code === 0 || r.code === 1 || r.code === 2, `exit code outside 0/1/2: ${said}`);
  if (r.code === 0) {
    const report = JSON.parse(r.stdout) as { nodes: unknown[] };
    assert.ok(Array.isArray(report.nodes), `exit 0 without a report: ${said}`);
    assert.ok(!c.refusal, `accepted, but must be refused with ${c.refusal}: ${said}`);
  } else {
    assert.match(r.stderr, TYPED, `not a typed error: ${said}`);
    assert.doesNotMatch(r.stderr, /\n\s+at /, `a stack trace: ${said}`);
    assert.ok(!c.valid, `a valid case refused: ${said}`);
    if (c.refusal) assert.match(r.stderr, c.refusal, said);
  }
}

test('fuzz corpus through the CLI: typed errors or reports, no crash, no hang', { concurrency: 2 }, async (t) => {
  assert.ok(existsSync(CLI), `${CLI} is missing: run 'npm run build' first`);
  assert.ok(corpus.cases.length > 50);
  await Promise.all(
    corpus.cases.map((c) => t.test(c.name, async () => check(c, await analyze(c)))),
  );
});

test('no file under the corpus folder was created, changed or removed', () => {
  assert.deepEqual(changes(before, snapshot(corpus.root)), []);
});
