// This machine's roofline figures, measured through ONNX Runtime with ORT's own kernel timings (its
// profiler's per-kernel durations, which exclude session overhead and onnxruntime-node's JS
// conversions), at the thread count in use:
//  - peak: MatMuls of 512³ and 1024³, 3×3 Convs (ORT's NCHWc kernel) of 64→64 channels on 28×28
//    and 128→128 on 56×56, and cache-resident pointwise (1×1) Convs, best run of any. The smaller ones last about a millisecond, short enough
//    to run within one scheduler time slice on a shared machine, where the long ones are cut by
//    other processes and would understate the peak that a model's short kernels then exceed;
//  - bandwidth: Neg over a 64 MiB buffer (16 M floats read and written: 128 MiB moved) that the
//    graph makes itself with Expand and then reduces to one number, so nothing large crosses to JS;
//    ReduceSum over the same buffer gives the read-only rate alongside;
//  - fixed cost per kernel: the median time of a chain of one-element Neg kernels.
// All kernels sit in one model run in one worker process (ORT's sequential executor runs one kernel
// at a time, each with all intra-op threads). Best of 20 runs after 2 warm-ups, with the spread kept.
// Cached per CPU and thread setting in ~/.cache/layerlens (LAYERLENS_CACHE_DIR moves it); measured
// again when the record is from another ORT version, CPU or core count, is older than 7 days, or on
// request (`layerlens machine --refresh`).
import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { newModel } from '../../core/ir/builder';
import { DataType } from '../../core/ir/data-type';
import { writeModel } from '../../core/onnx/writer';
import { ProfileError } from '../../core/profile/errors';
import { figure, type MachinePeaks } from '../../core/profile/roofline';
import type { RunOptions } from '../../core/profile/runtime';
import { parseOrtTrace } from '../../core/profile/trace';
import { ortPackageVersion, talk } from './runtime';

const MMS = [512, 1024]; // MatMul n×n×n: 2·n³ FLOPs
// Convs cin→cout, k×k (pad (k−1)/2) on h×w: 2·cin·cout·k²·h·w FLOPs. The 3×3 ones are ORT's NCHWc
// kernel on activations larger than the caches; the 1×1 ones are small, cache-resident products like
// the pointwise convs of mobile networks, which run closer to the cores' peak than the large ones (a
// ppocr-rec pointwise conv reached 1.3× a peak measured without them).
const CONVS = [
  { cin: 64, cout: 64, k: 3, h: 28, w: 28 },
  { cin: 128, cout: 128, k: 3, h: 56, w: 56 },
  { cin: 128, cout: 512, k: 1, h: 1, w: 64 },
  { cin: 256, cout: 256, k: 1, h: 16, w: 16 },
];
const convFlops = (c: (typeof CONVS)[number]): number => 2 * c.cin * c.cout * c.k * c.k * c.h * c.w;
const STREAM = 16 * 1024 * 1024; // floats in the bandwidth buffer (64 MiB, twice the L3 cache of a large server CPU share)
const TINY = 48; // one-element kernels in the fixed-cost chain
const RUNS = 20;
const MAX_AGE_DAYS = 7;
/** Bumped when what is measured changes, so older records are measured again. */
export const RECORD_VERSION = 4;

function cacheFile(threads: number | null): string {
  const cpu = (cpus()[0]?.model ?? 'cpu').replace(/[^A-Za-z0-9]+/g, '_');
  return join(process.env.LAYERLENS_CACHE_DIR ?? join(homedir(), '.cache', 'layerlens'), `machine-${cpu}-t${threads ?? 'default'}.json`);
}

/** Why a cached record cannot be used any more, or null if it can. */
export function staleness(rec: MachinePeaks & { version?: number }, threads: number | null, now = Date.now()): string | null {
  if (rec.version !== RECORD_VERSION) return 'measured by an older LayerLens';
  if (rec.ortVersion !== ortPackageVersion()) return `measured with ONNX Runtime ${rec.ortVersion}, now ${ortPackageVersion()}`;
  if (rec.cpu !== (cpus()[0]?.model ?? 'unknown') || rec.cpuCount !== cpus().length) return 'measured on another CPU';
  if (rec.threads !== threads) return 'measured with another thread count';
  const days = (now - Date.parse(rec.measuredAt)) / 86_400_000;
  if (!(days <= MAX_AGE_DAYS)) return `measured ${Number.isFinite(days) ? days.toFixed(0) : '?'} days ago`;
  return null;
}

/** The calibration model: every probe kernel in one graph, each on its own input. */
function calibrationModel(): Uint8Array {
  const { model, b } = newModel('layerlens-machine');
  for (const n of MMS) {
    const a = b.input(`a${n}`, DataType.FLOAT, [n, n]);
    const w = b.input(`w${n}`, DataType.FLOAT, [n, n]);
    const [mm] = b.node('MatMul', [a, w], {}, { name: `probe_matmul_${n}` });
    b.output(mm!, DataType.FLOAT, [n, n]);
  }
  CONVS.forEach(({ cin, cout, k, h, w }, i) => {
    const x = b.input(`x${i}`, DataType.FLOAT, [1, cin, h, w]);
    const kw = b.initializer(`k${i}`, DataType.FLOAT, [cout, cin, k, k], Array.from({ length: cout * cin * k * k }, (_, j) => ((j % 7) - 3) / 64));
    const p = (k - 1) / 2;
    // Named after its output, as ORT names the NCHWc kernel it becomes.
    const [cv] = b.node('Conv', [x, kw], { pads: [p, p, p, p], kernel_shape: [k, k] }, { name: `probe_conv_${i}`, outputs: [`probe_conv_${i}`] });
    b.output(cv!, DataType.FLOAT, [1, cout, h, w]);
  });
  const one = b.input('one', DataType.FLOAT, [1]);
  const shape = b.initializer('stream_shape', DataType.INT64, [1], [STREAM]);
  const [big] = b.node('Expand', [one, shape], {}, { name: 'probe_expand' });
  const [neg] = b.node('Neg', [big!], {}, { name: 'probe_stream' });
  const [sum] = b.node('ReduceSum', [neg!], { keepdims: 0 }, { name: 'probe_read' });
  b.output(sum!, DataType.FLOAT, []);
  let t = b.input('tiny', DataType.FLOAT, [1]);
  for (let i = 0; i < TINY; i++) [t] = b.node('Neg', [t], {}, { name: `probe_tiny_${i}` }) as [typeof t];
  b.output(t, DataType.FLOAT, [1]);
  return writeModel(model);
}

/** Measures now (one worker process, about a second of ORT work). */
export async function measureMachine(threads: number | null, run: RunOptions = {}): Promise<MachinePeaks> {
  const dir = mkdtempSync(join(tmpdir(), 'layerlens-machine-'));
  try {
    const path = join(dir, 'machine.onnx');
    writeFileSync(path, calibrationModel());
    const f = (name: string, shape: number[]): { name: string; elemType: number; shape: number[] } => ({ name, elemType: DataType.FLOAT, shape });
    const m = await talk(
      {
        type: 'trace',
        optimization: 'all',
        req: {
          modelPath: path,
          inputs: [
            ...MMS.flatMap((n) => [f(`a${n}`, [n, n]), f(`w${n}`, [n, n])]),
            ...CONVS.map(({ cin, h, w }, i) => f(`x${i}`, [1, cin, h, w])),
            f('one', [1]),
            f('tiny', [1]),
          ],
          mode: 'deployed',
          runs: RUNS,
          warmup: 2,
          ...(threads ? { threads } : {}),
        },
      },
      run,
    );
    if (m.type !== 'result' || !m.trace) throw new ProfileError('the machine measurement wrote no ONNX Runtime profile');
    const { events } = parseOrtTrace(m.trace, 'the machine measurement');
    // The profile's first 3 runs are the worker's output-shape run and the 2 warm-ups.
    const timed = events.filter((e) => e.run >= 3);
    const durs = (pick: (e: (typeof events)[number]) => boolean): number[] => timed.filter(pick).map((e) => e.durUs);
    const rates = (flops: number, pick: (e: (typeof events)[number]) => boolean): number[] => durs(pick).map((us) => flops / (us * 1e3));
    const mmRates = MMS.flatMap((n) => rates(2 * n ** 3, (e) => e.node === `probe_matmul_${n}`));
    // ORT runs a Conv as an NCHWc kernel named `<output>_nchwc` between two Reorder kernels: the
    // Conv kernel alone is the compute.
    const convRates = CONVS.flatMap((c, i) => rates(convFlops(c), (e) => (e.node === `probe_conv_${i}` || e.node.startsWith(`probe_conv_${i}_`)) && /Conv/.test(e.opType)));
    const streamUs = durs((e) => e.node === 'probe_stream');
    const readUs = durs((e) => e.node === 'probe_read');
    const tinyUs = durs((e) => e.node.startsWith('probe_tiny_'));
    if (mmRates.length < MMS.length || convRates.length < CONVS.length || !streamUs.length || !readUs.length || !tinyUs.length) {
      throw new ProfileError('the machine measurement is missing kernels in the ONNX Runtime profile');
    }
    const figures = {
      matmulGflops: figure(mmRates),
      convGflops: figure(convRates),
      streamGBs: figure(streamUs.map((us) => (2 * 4 * STREAM) / (us * 1e3))),
      readGBs: figure(readUs.map((us) => (4 * STREAM) / (us * 1e3))),
      kernelOverheadUs: figure(tinyUs, true),
    };
    return {
      peakGflops: Math.max(figures.matmulGflops.best, figures.convGflops.best),
      bandwidthGBs: figures.streamGBs.best,
      kernelOverheadUs: figures.kernelOverheadUs.median,
      figures,
      threads,
      cpu: cpus()[0]?.model ?? 'unknown',
      cpuCount: cpus().length,
      ortVersion: m.ortVersion,
      measuredAt: new Date().toISOString(),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `now` with each of peak and bandwidth replaced by `before`'s where that was higher (same machine and setting). */
function better(now: MachinePeaks, before: MachinePeaks): MachinePeaks {
  const out = { ...now, figures: { ...now.figures } };
  if (before.peakGflops > now.peakGflops) {
    Object.assign(out, { peakGflops: before.peakGflops });
    Object.assign(out.figures, { matmulGflops: before.figures.matmulGflops, convGflops: before.figures.convGflops });
  }
  if (before.bandwidthGBs > now.bandwidthGBs) {
    Object.assign(out, { bandwidthGBs: before.bandwidthGBs });
    Object.assign(out.figures, { streamGBs: before.figures.streamGBs, readGBs: before.figures.readGBs });
  }
  return out;
}

/** The figures for `threads` (null = ORT's default): from the cache while fresh, else measured and cached. */
export async function machinePeaks(
  threads: number | null,
  opts: { refresh?: boolean; onProgress?: (m: string) => void; run?: RunOptions; keepBest?: MachinePeaks } = {},
): Promise<MachinePeaks> {
  const file = cacheFile(threads);
  let why = 'not measured yet';
  if (!opts.refresh) {
    try {
      const rec = JSON.parse(readFileSync(file, 'utf8')) as MachinePeaks & { version?: number };
      const stale = staleness(rec, threads);
      if (!stale) return { ...rec, cached: true };
      why = stale;
    } catch {
      // not measured yet, or unreadable: measure
    }
  } else why = 'asked to';
  opts.onProgress?.(`measuring this machine (${why}): MatMul, Conv, streaming and tiny kernels through ONNX Runtime`);
  const measured = await measureMachine(threads, opts.run);
  const peaks = opts.keepBest ? better(measured, opts.keepBest) : measured;
  try {
    mkdirSync(join(file, '..'), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify({ version: RECORD_VERSION, ...peaks }, null, 2));
    renameSync(tmp, file);
  } catch {
    // A cache that cannot be written only costs a measurement next time.
  }
  return peaks;
}
