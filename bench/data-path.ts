// `npm run bench`, data-path part: what it costs to get from a model file to its analysis.
//  1. Per model: `layerlens analyze` as a whole process (the built CLI, wall time from spawn to exit
//     and the process's peak RSS), and in one process the phases: read (the file's bytes), decode
//     (protobuf → IR), shapes, cost.
//  2. CLI start-up: `layerlens --version`, and `analyze` of the sample and of a 104-node model, beside
//     an empty `node -e 0`.
//  3. Two generated 1.0 GB models (weights in an external data file; weights inside the .onnx): the
//     built language server's first graph view of each (its model worker reads, analyses and builds
//     the view) with the model worker's peak RSS, and whole-process `analyze` of each.
// Every figure is a median of several runs (this 2-core machine is shared: the load average is
// printed with the figures). Needs `npm run build` first (run.ts does it).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildSync } from 'esbuild';
import { startServer } from '../test/support/server';
import { hugeExternalModel, hugeInternalModel } from './huge-model';
import { BENCH_DIR, bindingFlags, CACHE, largeModelFile, ROOT, subjects, type Subject } from './subjects';

// LAYERLENS_BENCH_CLI (and test/support/server.ts's LAYERLENS_TEST_SERVER) measure another build, for a before/after pair.
const CLI = process.env.LAYERLENS_BENCH_CLI || join(ROOT, 'dist', 'cli.js');
const HOOK = join(__dirname, 'peak-rss-hook.cjs');
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const load = (): string => loadavg().map((x) => x.toFixed(2)).join(' ');

/** `node [args]` run `runs` times as whole processes: median wall ms and median peak RSS MB. */
function wholeProcess(args: string[], runs: number): { ms: number; rssMB: number; status: number | null } {
  const dir = mkdtempSync(join(tmpdir(), 'll-rss-'));
  const rssFile = join(dir, 'rss');
  const ms: number[] = [];
  let status: number | null = 0;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, ['--require', HOOK, ...args], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, LAYERLENS_PEAK_RSS_FILE: rssFile } });
    ms.push(performance.now() - t0);
    if (r.status !== 0) status = r.status;
  }
  const rss = readFileSync(rssFile, 'utf8').trim().split('\n').map((kb) => Number(kb) / 1024);
  rmSync(dir, { recursive: true, force: true });
  return { ms: median(ms), rssMB: median(rss), status };
}

/** In one process: read, decode, shapes, cost (medians of `repeat`), from the bundled bench/analyze-one.ts. */
function phases(s: Subject, repeat: number): Record<string, number> {
  const out = execFileSync(process.execPath, [join(BENCH_DIR, 'bench-analyze-one.js'), s.file, JSON.stringify(s.bindings), String(repeat)], { encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').pop()!) as Record<string, number>;
}

/** Pid of the model worker the server `serverPid` started (its child running model-worker.js). */
function modelWorkerPid(serverPid: number): number | null {
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === serverPid && readFileSync(`/proc/${d}/cmdline`, 'utf8').includes('model-worker')) return Number(d);
    } catch {
      // the process ended meanwhile
    }
  }
  return null;
}

function memoryMB(pid: number): { hwm: number; rss: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (k: string): number => Number(new RegExp(`${k}:\\s+(\\d+) kB`).exec(status)?.[1] ?? NaN) / 1024;
  return { hwm: kb('VmHWM'), rss: kb('VmRSS') };
}

/** The first graph view of `file` in a fresh built server, and its model worker's memory after it. */
async function serverOpen(file: string, dims: Record<string, number>): Promise<{ ms: number; hwm: number; rss: number }> {
  const server = await startServer();
  try {
    const t0 = performance.now();
    await server.conn.sendRequest('layerlens/graphView', { uri: pathToFileURL(file).href, dims });
    const ms = performance.now() - t0;
    const pid = modelWorkerPid(server.child.pid!);
    const mem = pid ? memoryMB(pid) : { hwm: NaN, rss: NaN };
    return { ms, ...mem };
  } finally {
    server.close();
  }
}

async function dataPath(): Promise<void> {
  const runs = Number(process.env.LAYERLENS_BENCH_RUNS) || 5;
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run 'npm run build' first`);
  buildSync({ entryPoints: [join(__dirname, 'analyze-one.ts')], bundle: true, platform: 'node', target: 'node20', outfile: join(BENCH_DIR, 'bench-analyze-one.js'), logLevel: 'warning' });
  const loadBefore = load();
  const f1 = (x: number | undefined): string => (x ?? NaN).toFixed(1);
  const f0 = (x: number | undefined): string => (x ?? NaN).toFixed(0);

  const empty = wholeProcess(['-e', '0'], runs);
  console.log(`\ndata path: analyze per model with ${CLI} (load average ${loadBefore}; medians of ${runs} whole processes, of 7 runs in one process)`);
  console.log(`whole process = \`node dist/cli.js analyze FILE\` from spawn to exit, with its peak RSS (an empty node process: ${f0(empty.ms)} ms, ${f0(empty.rssMB)} MB)`);
  console.log(['model', 'nodes', 'file MB', 'process ms', 'process peak RSS MB', 'RSS − file MB', 'read ms', 'decode ms', 'shapes ms', 'cost ms', 'in-process total ms', 'first run ms', 'in-process peak RSS MB (1 run)'].join('\t'));
  for (const s of subjects(largeModelFile())) {
    if (!existsSync(s.file)) {
      console.log(`${s.label}\t(missing: node scripts/fetch-models.mjs --tier bench)`);
      continue;
    }
    const mb = statSync(s.file).size / 1e6;
    const p = wholeProcess([CLI, 'analyze', s.file, ...bindingFlags(s.bindings)], runs);
    const r = phases(s, 7);
    console.log([s.label, r.nodes, mb.toFixed(2), f0(p.ms), f0(p.rssMB), f0(p.rssMB - mb), f1(r.readMs), f1(r.decodeMs), f1(r.shapeMs), f1(r.costMs), f1(r.totalMs), f1(r.firstRunMs), f0(r.firstRunPeakRssMB)].join('\t') + (p.status ? `\t(exit ${p.status})` : ''));
  }

  console.log(`\nCLI start-up, whole process (medians of ${runs + 4}; load average ${load()})`);
  const startup = runs + 4;
  const sample = join(ROOT, 'samples', 'tiny-cnn.onnx');
  const blaze = join(CACHE, 'models', 'blazeface-front.onnx');
  const rows: [string, string[]][] = [
    ['node -e 0 (no CLI)', ['-e', '0']],
    ['layerlens --version', [CLI, '--version']],
    ['layerlens analyze sample (15 nodes)', [CLI, 'analyze', sample]],
    ['layerlens analyze blazeface-front (104 nodes)', [CLI, 'analyze', blaze]],
  ];
  for (const [label, args] of rows) {
    const p = wholeProcess(args, startup);
    console.log(`${label}\t${f0(p.ms)} ms\t${f0(p.rssMB)} MB`);
  }

  console.log(`\n1.0 GB models (generated in ${BENCH_DIR} as sparse files; load average ${load()})`);
  console.log(['model', 'file MB', 'data MB', 'server first graph view ms', 'model worker peak RSS MB', 'model worker RSS after MB', 'analyze process ms', 'analyze peak RSS MB'].join('\t'));
  for (const [label, file] of [['external data', hugeExternalModel(BENCH_DIR)], ['internal weights', hugeInternalModel(BENCH_DIR)]] as const) {
    const data = existsSync(`${file}.data`) ? statSync(`${file}.data`).size / 1e6 : 0;
    const opens: { ms: number; hwm: number; rss: number }[] = [];
    for (let i = 0; i < 3; i++) opens.push(await serverOpen(file, { batch: 1 }));
    const p = wholeProcess([CLI, 'analyze', file, '--dim', 'batch=1'], 3);
    const med = (k: 'ms' | 'hwm' | 'rss'): number => median(opens.map((o) => o[k]));
    console.log([label, (statSync(file).size / 1e6).toFixed(1), data.toFixed(0), f0(med('ms')), f0(med('hwm')), f0(med('rss')), f0(p.ms), f0(p.rssMB)].join('\t') + (p.status ? `\t(exit ${p.status})` : ''));
  }
  console.log(`load average after: ${load()}`);
}

void dataPath();
