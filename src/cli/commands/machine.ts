// `layerlens machine`: this machine's roofline figures as ONNX Runtime reaches them (peak GFLOP/s,
// streaming bandwidth, fixed cost per kernel) with their spread and when they were measured; cached,
// measured again when stale or with --refresh. docs/profiling.md says how each is measured.
import type { Command } from 'commander';
import type { Figure, MachinePeaks } from '../../core/profile/roofline';
import { ridgePoint } from '../../core/profile/roofline';
import { machinePeaks } from '../../node/ort/machine';
import { safe } from '../format';
import { parsePositiveInt } from '../options';

interface MachineFlags {
  threads?: number;
  refresh?: boolean;
  json?: boolean;
  timeout: number;
}

const spread = (f: Figure, digits: number): string => `best of ${f.runs}; median ${f.median.toFixed(digits)}, worst ${f.worst.toFixed(digits)}`;

/** The machine figures as text lines (also printed by `profile`). */
export function describeMachine(m: MachinePeaks): string[] {
  const when = `${m.cached ? 'cached, ' : ''}measured ${m.measuredAt} with ONNX Runtime ${m.ortVersion}, ${m.threads ?? "ORT's default"} threads, ${safe(m.cpu)} (${m.cpuCount} cores)`;
  const f = m.figures;
  return [
    `machine: ${m.peakGflops.toFixed(1)} GFLOP/s peak, ${m.bandwidthGBs.toFixed(1)} GB/s, ${m.kernelOverheadUs.toFixed(1)} µs per kernel (ridge ${ridgePoint(m).toFixed(1)} FLOP/byte)`,
    `  peak: MatMul ${f.matmulGflops.best.toFixed(1)} GFLOP/s (${spread(f.matmulGflops, 1)}), Conv ${f.convGflops.best.toFixed(1)} GFLOP/s (${spread(f.convGflops, 1)})`,
    `  bandwidth: streaming ${f.streamGBs.best.toFixed(1)} GB/s read+write (${spread(f.streamGBs, 1)}), read-only ${f.readGBs.best.toFixed(1)} GB/s`,
    `  fixed cost: ${f.kernelOverheadUs.median.toFixed(1)} µs median per one-element kernel (best ${f.kernelOverheadUs.best.toFixed(1)}, worst ${f.kernelOverheadUs.worst.toFixed(1)})`,
    `  ${when}`,
  ];
}

export function registerMachine(program: Command): void {
  program
    .command('machine')
    .description("this machine's peak GFLOP/s, memory bandwidth and per-kernel cost as ONNX Runtime reaches them (the roofline of `profile`)")
    .option('--threads <n>', "ONNX Runtime intra-op threads (default: ORT's own)", parsePositiveInt)
    .option('--refresh', 'measure again even if a fresh measurement is cached')
    .option('--timeout <sec>', 'stop a measurement that takes longer', parsePositiveInt, 300)
    .option('--json', 'print one JSON object')
    .action(async (flags: MachineFlags) => {
      const controller = new AbortController();
      process.once('SIGINT', () => controller.abort());
      const m = await machinePeaks(flags.threads ?? null, {
        ...(flags.refresh ? { refresh: true } : {}),
        onProgress: (msg) => process.stderr.write(`machine: ${msg}\n`),
        run: { signal: controller.signal, timeoutMs: flags.timeout * 1000 },
      });
      process.stdout.write((flags.json ? JSON.stringify({ ...m, ridgeFlopsPerByte: ridgePoint(m) }, null, 2) : describeMachine(m).join('\n')) + '\n');
    });
}
