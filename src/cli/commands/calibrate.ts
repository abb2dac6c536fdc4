// `layerlens calibrate`: builds a device profile for latency prediction, on the machine it runs on
// (kernel configurations timed through ONNX Runtime within a time budget) or from ORT profiles
// recorded on a device (--from-traces DIR). docs/prediction.md describes the method and the file.
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { resolve } from 'node:path';
import type { DeviceProfile } from '../../core/predict/device-profile';
import { loadDeviceProfile } from '../../node/device-profiles';
import { writeFileAtomic } from '../../node/files/atomic-file';
import { calibrateDevice } from '../../node/ort/calibrate-device';
import { profileFromTraces } from '../../node/ort/device-traces';
import { safe, table } from '../format';
import { bindingsFrom, parsePositiveInt, withBindingOptions, type BindingFlags } from '../options';

interface CalibrateFlags extends BindingFlags {
  threads?: number;
  out?: string;
  budget: number;
  name?: string;
  seed: number;
  fromTraces?: string;
  base?: string;
  peak?: number;
  bandwidth?: number;
  json?: boolean;
}

function parsePositive(v: string): number {
  const n = Number(v);
  if (!(n > 0) || !Number.isFinite(n)) throw new InvalidArgumentError(`expected a number > 0 (got '${v}')`);
  return n;
}

const pc = (x: number): string => `${(100 * x).toFixed(1)} %`;

/** The profile as text lines: what was measured and how well each predictor does on held-out kernels. */
export function describeProfile(p: DeviceProfile): string[] {
  const lines = [
    `${safe(p.name)} (${p.kind}): ONNX Runtime ${p.runtime.version}, ${p.runtime.threads ?? "ORT's default"} threads, NCHWc block ${p.runtime.nchwcBlock}`,
    `roofline: ${p.roofline.peakGflops.toFixed(1)} GFLOP/s, ${p.roofline.bandwidthGBs.toFixed(1)} GB/s (${safe(p.roofline.source)}); run overhead ${p.overhead.perRunUs.toFixed(1)} µs + ${p.overhead.perKernelUs.toFixed(2)} µs per kernel`,
    `samples: ${p.samples.total} kernels${p.samples.elapsedSeconds ? ` in ${p.samples.elapsedSeconds.toFixed(0)} s` : ''}; ${p.samples.sources.map(safe).join('; ')}`,
  ];
  if (p.validation) lines.push(`held-out error (all kernels): MAPE ${pc(p.validation.mape)}, ${pc(p.validation.within10)} within ±10 %, ${pc(p.validation.within20)} within ±20 % (${p.validation.n} kernels)`);
  const rows = Object.entries(p.predictors).map(([cls, pr]) => [cls, String(pr!.samples), String(pr!.regimes.length), pr!.validation ? pc(pr!.validation.mape) : '-', pr!.validation ? pc(pr!.validation.within10) : '-', pr!.validation ? String(pr!.validation.n) : '-']);
  lines.push('', table(['kernel class', 'samples', 'regimes', 'held-out MAPE', 'within ±10 %', 'held out'], rows, new Set([1, 2, 3, 4, 5])));
  const fus = p.fusions.map((f) => `${f.rule} ${f.applied}/${f.applied + f.notApplied}`);
  if (fus.length) lines.push('', `fusions ONNX Runtime applied (as planned / seen): ${fus.join(', ')}`);
  return lines;
}

export function registerCalibrate(program: Command): void {
  withBindingOptions(program.command('calibrate'))
    .description('build a device profile for `predict`: time kernel configurations through ONNX Runtime on this machine, or learn from ORT profiles recorded on a device')
    .option('--threads <n>', "ONNX Runtime intra-op threads (default: ORT's own)", parsePositiveInt)
    .option('--out <file>', 'where to write the device profile (default: <id>.device.json here)')
    .option('--budget <minutes>', 'time to spend timing kernels', parsePositive, 5)
    .option('--name <text>', 'the device name the profile carries')
    .option('--seed <n>', 'seed of the sampled kernel configurations', parsePositiveInt, 1)
    .option('--from-traces <dir>', 'learn from ORT profiles recorded elsewhere: NAME.onnx, NAME.optimized.onnx, NAME*.json (docs/prediction.md)')
    .option('--base <file>', 'with --from-traces: a device profile to refine (its predictors kept for classes the traces miss)')
    .option('--peak <gflops>', "with --from-traces: the device's peak GFLOP/s", parsePositive)
    .option('--bandwidth <GBps>', "with --from-traces: the device's memory bandwidth, GB/s", parsePositive)
    .option('--json', 'print the profile as JSON too')
    .action(async (flags: CalibrateFlags) => {
      const controller = new AbortController();
      process.once('SIGINT', () => controller.abort());
      const onProgress = (m: string): void => void process.stderr.write(`calibrate: ${m}\n`);
      const profile = flags.fromTraces
        ? profileFromTraces(flags.fromTraces, {
            ...(flags.peak ? { peakGflops: flags.peak } : {}),
            ...(flags.bandwidth ? { bandwidthGBs: flags.bandwidth } : {}),
            ...(flags.name ? { name: flags.name } : {}),
            ...(flags.threads ? { threads: flags.threads } : {}),
            ...(flags.base ? { base: loadDeviceProfile(flags.base) } : {}),
            bindings: bindingsFrom(flags),
            onProgress,
          })
        : await calibrateDevice({
            threads: flags.threads ?? null,
            budgetMinutes: flags.budget,
            seed: flags.seed,
            ...(flags.name ? { name: flags.name } : {}),
            run: { signal: controller.signal, onProgress, timeoutMs: Math.max(600_000, flags.budget * 120_000) },
          });
      const out = resolve(flags.out ?? `${profile.id}.device.json`);
      writeFileAtomic(out, [new TextEncoder().encode(JSON.stringify(profile, null, 2) + '\n')]);
      const text = [...describeProfile(profile), '', `written: ${out}`].join('\n');
      process.stdout.write((flags.json ? JSON.stringify(profile, null, 2) : text) + '\n');
    });
}
