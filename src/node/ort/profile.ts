// `profile` end to end: analyze the model (shapes, FLOPs), measure it in ONNX Runtime in a child
// process, attribute kernel time to the model's own nodes, and judge each against the roofline.
import { analyzeModel } from '../../core/analysis/analyze';
import type { AnalysisReport } from '../../core/analysis/report';
import { UsageError } from '../../core/errors';
import { isConcrete } from '../../core/ir/shape';
import type { Node } from '../../core/ir/graph';
import { readModel } from '../../core/onnx/reader';
import { attribute, type Attribution } from '../../core/profile/attribution';
import { achievedGflops, verdict, type MachinePeaks, type Verdict } from '../../core/profile/roofline';
import type { InputSpec, ProfileMode, RawProfile, RunOptions } from '../../core/profile/runtime';
import { parseOrtTrace } from '../../core/profile/trace';
import { median, percentile } from '../../core/profile/stats';
import type { Bindings } from '../../core/shape/types';
import { readFileSync } from 'node:fs';
import { machinePeaks } from './machine';
import { loadModelFile } from '../model-file';
import { OrtRuntime } from './runtime';

export interface ProfileOptions {
  bindings?: Bindings;
  mode?: ProfileMode;
  runs?: number;
  warmup?: number;
  threads?: number;
  inputFiles?: Record<string, string>;
  /** An ORT profile made elsewhere: attribute it instead of measuring here. */
  trace?: string;
  /** The optimized graph that goes with an imported deployed-mode trace. */
  optimizedModel?: string;
  machine?: boolean;
  run?: RunOptions;
}

export interface ProfiledNode {
  medianUs: number;
  share: number;
  achievedGflops: number | null;
  verdict: Verdict;
  fusedGroup?: { kernel: string; opType: string; nodes: string[] }[];
}

export interface ProfileReport {
  analysis: AnalysisReport;
  latency: { mode: ProfileMode; runs: number; medianMs: number; p10Ms: number; p90Ms: number; spread: number; profiledMedianMs: number } | null;
  attribution: Attribution;
  machine: MachinePeaks | null;
  /** Per node, keyed by the node's display name (with graph path for bodies). */
  nodes: Map<Node, ProfiledNode>;
}

export function inputSpecs(analysis: AnalysisReport): InputSpec[] {
  return analysis.inputs.map((i) => {
    if (!i.shape || !isConcrete(i.shape)) {
      throw new UsageError(
        `input '${i.name}' has shape [${(i.shape ?? ['?']).map((d) => d ?? '?').join(',')}]: bind its symbolic dims with --input ${i.name}=AxBx... or --dim NAME=VALUE to run it`,
      );
    }
    return { name: i.name, elemType: dtypeCode(i.dtype), shape: [...i.shape] as number[] };
  });
}

function dtypeCode(name: string): number {
  const codes: Record<string, number> = { float: 1, uint8: 2, int8: 3, uint16: 4, int16: 5, int32: 6, int64: 7, bool: 9, float16: 10, double: 11, uint32: 12, uint64: 13 };
  const c = codes[name];
  if (c === undefined) throw new UsageError(`inputs of type ${name} cannot be generated: give them with --inputs-from`);
  return c;
}

export async function profileModel(path: string, opts: ProfileOptions = {}): Promise<ProfileReport> {
  const loaded = loadModelFile(path);
  const { report: analysis, cost } = analyzeModel(loaded.model, { bindings: opts.bindings ?? {}, path, loadMs: loaded.readMs + loaded.decodeMs });
  const mode = opts.mode ?? 'deployed';
  const flops = new Map(cost.nodes.map((c) => [c.node, c.flops]));
  let raw: RawProfile;
  if (opts.trace) {
    const parsed = parseOrtTrace(readFileSync(opts.trace, 'utf8'), opts.trace);
    raw = { mode, plainRunsMs: [], profiledRunsUs: parsed.runsUs, events: parsed.events, threads: null };
    if (opts.optimizedModel) raw.optimizedModel = readFileSync(opts.optimizedModel);
  } else {
    raw = await new OrtRuntime().profile(
      {
        modelPath: path,
        inputs: inputSpecs(analysis),
        ...(opts.inputFiles ? { inputFiles: opts.inputFiles } : {}),
        mode,
        runs: opts.runs ?? 20,
        warmup: opts.warmup ?? 3,
        ...(opts.threads ? { threads: opts.threads } : {}),
      },
      opts.run,
    );
  }
  const runs = Math.max(1, raw.profiledRunsUs.length || 1 + Math.max(0, ...raw.events.map((e) => e.run)));
  const optimized = raw.optimizedModel ? readModel(raw.optimizedModel) : undefined;
  const attribution = attribute(loaded.model, mode, raw.events, runs, (n) => flops.get(n) ?? null, optimized);
  const machine = opts.machine === false || opts.trace ? null : await machinePeaks(opts.threads ?? null, { onProgress: opts.run?.onProgress });
  const intensity = new Map(cost.nodes.map((c) => [c.node, c.intensity]));
  const nodes = new Map<Node, ProfiledNode>();
  for (const n of attribution.nodes) {
    nodes.set(n.node, {
      medianUs: n.medianUs,
      share: n.share,
      achievedGflops: achievedGflops(flops.get(n.node) ?? null, n.medianUs),
      verdict: verdict(intensity.get(n.node) ?? null, machine),
      ...(n.fusedGroup ? { fusedGroup: n.fusedGroup } : {}),
    });
  }
  const plain = raw.plainRunsMs;
  const latency = plain.length
    ? {
        mode,
        runs: plain.length,
        medianMs: median(plain),
        p10Ms: percentile(plain, 0.1),
        p90Ms: percentile(plain, 0.9),
        spread: (percentile(plain, 0.9) - percentile(plain, 0.1)) / median(plain),
        profiledMedianMs: median(raw.profiledRunsUs) / 1000,
      }
    : null;
  return { analysis, latency, attribution, machine, nodes };
}
