// `layerlens profile MODEL`: measured latency per layer with onnxruntime-node (in a child process),
// attributed to the model's own nodes, with achieved GFLOP/s, the verdict of the kernel that
// computes each node (compute-, memory- or overhead-bound), figures physics rules out flagged, and
// the machine figures the verdicts rest on.
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { UsageError } from '../../core/errors';
import type { ProfileMode } from '../../core/profile/runtime';
import { profileModel, type ProfileReport } from '../../node/ort/profile';
import { pct, safe, si, table } from '../format';
import { describeMachine } from './machine';
import { bindingsFrom, parsePositiveInt, type BindingFlags, withBindingOptions } from '../options';

interface ProfileFlags extends BindingFlags {
  runs: number;
  warmup: number;
  threads?: number;
  mode: ProfileMode;
  inputsFrom?: string;
  trace?: string;
  optimizedModel?: string;
  timeout: number;
  top: number;
  json?: boolean;
  machine: boolean;
}

function parseMode(v: string): ProfileMode {
  if (v !== 'deployed' && v !== 'per-node') throw new InvalidArgumentError("expected 'deployed' or 'per-node'");
  return v;
}

function parseCount(v: string): number {
  if (!/^\d+$/.test(v)) throw new InvalidArgumentError(`expected a whole number >= 0 (got '${v}')`);
  return Number(v);
}

/** --inputs-from DIR (files named after inputs: NAME.npy / NAME.pb, or input_K.pb in input order) or one FILE for a one-input model. */
export function inputFiles(path: string | undefined, inputNames: string[]): Record<string, string> | undefined {
  if (!path) return undefined;
  if (!existsSync(path)) throw new UsageError(`--inputs-from ${path}: no such file or folder`);
  if (!statSync(path).isDirectory()) {
    if (inputNames.length !== 1) throw new UsageError(`--inputs-from ${path}: one file given but the model has ${inputNames.length} inputs; give a folder`);
    return { [inputNames[0]!]: path };
  }
  const files = readdirSync(path);
  const out: Record<string, string> = {};
  inputNames.forEach((name, k) => {
    // Inputs without a file are generated.
    const found = files.find((f) => f === `${name}.npy` || f === `${name}.pb`) ?? files.find((f) => f === `input_${k}.pb`);
    if (found) out[name] = join(path, found);
  });
  if (Object.keys(out).length === 0) {
    throw new UsageError(`--inputs-from ${path}: no NAME.npy, NAME.pb or input_K.pb file for any input (${inputNames.join(', ')})`);
  }
  return out;
}

export function registerProfile(program: Command): void {
  withBindingOptions(program.command('profile'))
    .description('measure latency per layer with onnxruntime-node on this machine')
    .argument('<model>', 'an .onnx file')
    .option('--runs <n>', 'timed runs', parsePositiveInt, 20)
    .option('--warmup <n>', 'warm-up runs', parseCount, 3)
    .option('--threads <n>', "ONNX Runtime intra-op threads (default: ORT's own)", parsePositiveInt)
    .option('--mode <mode>', 'deployed (ORT optimizations on) or per-node (off)', parseMode, 'deployed')
    .option('--inputs-from <path>', 'input data: a folder of NAME.npy / NAME.pb / input_K.pb files, or one file')
    .option('--trace <file>', 'attribute an ORT profile made elsewhere instead of measuring here')
    .option('--optimized-model <file>', 'with --trace in deployed mode: the optimized graph ORT ran')
    .option('--timeout <sec>', 'stop a run that takes longer', parsePositiveInt, 600)
    .option('--top <n>', 'layers to list', parsePositiveInt, 15)
    .option('--no-machine', 'skip the roofline (no machine micro-benchmark)')
    .option('--json', 'print one JSON object')
    .action(async (path: string, flags: ProfileFlags) => {
      const { loadModelFile } = await import('../../node/model-file');
      const names = loadModelFile(path).model.graph.inputs.filter((v) => !v.initializer).map((v) => v.name);
      const controller = new AbortController();
      process.once('SIGINT', () => controller.abort());
      const report = await profileModel(path, {
        bindings: bindingsFrom(flags),
        mode: flags.mode,
        runs: flags.runs,
        warmup: flags.warmup,
        ...(flags.threads ? { threads: flags.threads } : {}),
        ...(flags.inputsFrom ? { inputFiles: inputFiles(flags.inputsFrom, names) } : {}),
        ...(flags.trace ? { trace: flags.trace } : {}),
        ...(flags.optimizedModel ? { optimizedModel: flags.optimizedModel } : {}),
        machine: flags.machine,
        run: {
          signal: controller.signal,
          timeoutMs: flags.timeout * 1000,
          onProgress: (m) => process.stderr.write(`profile: ${m}\n`),
        },
      });
      process.stdout.write((flags.json ? JSON.stringify(toJson(report), null, 2) : render(report, flags.top, path)) + '\n');
    });
}

export function toJson(r: ProfileReport): object {
  const byNode = new Map([...r.nodes].map(([n, p]) => [n.graph.path ? `${n.graph.path}/${n.displayName}` : n.displayName, p]));
  return {
    ...r.analysis,
    nodes: r.analysis.nodes.map((n) => {
      const p = byNode.get(n.graph ? `${n.graph}/${n.name}` : n.name);
      return p
        ? {
            ...n,
            latency: { medianUs: p.medianUs, share: p.share },
            achievedGflops: p.achievedGflops,
            verdict: p.verdict,
            kernel: p.kernel,
            efficiency: p.efficiency,
            ...(p.implausible ? { implausible: p.implausible } : {}),
            ...(p.fusedGroup ? { fusedGroup: p.fusedGroup } : {}),
          }
        : n;
    }),
    latency: r.latency,
    attribution: {
      mode: r.attribution.mode,
      coverage: r.attribution.coverage,
      unattributedUs: r.attribution.unattributedUs,
      unattributed: r.attribution.unattributed,
      untimed: r.attribution.untimed,
    },
    kernels: r.kernels,
    implausible: r.implausible,
    machine: r.machine,
  };
}

function render(r: ProfileReport, top: number, path: string): string {
  const lines: string[] = [];
  const l = r.latency;
  lines.push(`${safe(basename(path))}: mode ${r.attribution.mode}${r.attribution.mode === 'deployed' ? ' (ORT optimizations on, as shipped)' : ' (ORT optimizations off: one timing per original node)'}`);
  if (l) {
    lines.push(`latency: median ${l.medianMs.toFixed(3)} ms (p10 ${l.p10Ms.toFixed(3)}, p90 ${l.p90Ms.toFixed(3)}, spread ${(100 * l.spread).toFixed(1)} %) over ${l.runs} runs, ${l.source === 'model_run' ? "ORT's own model_run time" : 'session.run wall time with pre-allocated outputs'}`);
    lines.push(`  session.run ${l.wallMedianMs.toFixed(3)} ms${l.preallocatedOutputs ? ' (outputs pre-allocated)' : ''}, ${l.jsOutputMedianMs.toFixed(3)} ms with new JS outputs as a Node app sees it; ORT model_run ${l.profiledMedianMs.toFixed(3)} ms with the profiler on; kernels ${l.kernelSumMs.toFixed(3)} ms`);
  }
  const a = r.attribution;
  lines.push(`attribution: ${(100 * a.coverage).toFixed(1)} % of kernel time charged to the model's own nodes${a.unattributed.length ? `; not attributed: ${a.unattributed.length} kernel(s), ${a.unattributedUs.toFixed(1)} µs per run` : ''}${a.untimed.length ? `; ${a.untimed.length} node(s) got no kernel time (folded or removed by ORT)` : ''}`);
  if (r.machine) lines.push(...describeMachine(r.machine));
  if (r.implausible.nodes || r.implausible.kernels) {
    lines.push(`WARNING: ${r.implausible.nodes} node(s) and ${r.implausible.kernels} kernel(s) show more than 1.25× the measured peak (up to ${(r.implausible.maxRatio ?? 0).toFixed(2)}×): those figures are a measurement problem, not a speed (marked !)`);
  }
  lines.push('');
  const macs = new Map(r.analysis.nodes.map((n) => [n.graph ? `${n.graph}/${n.name}` : n.name, n.macs]));
  const rows = [...r.nodes].sort((a, b) => b[1].medianUs - a[1].medianUs).slice(0, top).map(([n, p]) => {
    const key = n.graph.path ? `${n.graph.path}/${n.displayName}` : n.displayName;
    return [
      safe(key),
      safe(n.opType),
      pct(p.share, 1),
      `${p.medianUs.toFixed(1)}`,
      si(macs.get(key) ?? null),
      p.achievedGflops === null ? '?' : `${p.achievedGflops.toFixed(2)}${p.implausible ? ' !' : ''}`,
      p.verdict,
      p.efficiency === null ? '?' : `${(100 * p.efficiency).toFixed(0)}%`,
      p.fusedGroup ? safe(p.fusedGroup.map((g) => `${g.opType}(${g.nodes.length}${g.role === 'layout' || g.role === 'inserted' ? `, ${g.role}` : ''})`).join(',')) : '',
    ];
  });
  lines.push(table(['layer', 'op', 'share', 'µs', 'MACs', 'GFLOP/s', 'verdict', 'roofline', 'measured in'], rows, new Set([2, 3, 4, 5, 7])));
  for (const u of a.unattributed.slice(0, 5)) lines.push(`unattributed kernel: ${safe(u.kernel)} (${safe(u.opType)}) ${u.totalUs.toFixed(0)} µs in all runs`);
  for (const [n, p] of [...r.nodes].filter(([, p]) => p.implausible).slice(0, 5)) lines.push(`! ${safe(n.displayName)}: ${p.implausible}`);
  return lines.join('\n');
}
