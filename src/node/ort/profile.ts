// `profile` end to end: analyze the model (shapes, FLOPs), measure it in ONNX Runtime in a child
// process, attribute kernel time to the model's own nodes, judge each kernel against this machine's
// roofline (every node shows the verdict of the kernel that computes it), and flag any figure that
// physics rules out (achieved GFLOP/s over 1.25× the measured peak).
import { analyzeModel } from '../../core/analysis/analyze';
import type { AnalysisReport } from '../../core/analysis/report';
import { UsageError } from '../../core/errors';
import { isConcrete } from '../../core/ir/shape';
import type { Node } from '../../core/ir/graph';
import { readModel } from '../../core/onnx/reader';
import { attribute, type Attribution, type KernelTiming } from '../../core/profile/attribution';
import { achievedGflops, implausibility, judgeKernel, type MachinePeaks, type Verdict } from '../../core/profile/roofline';
import type { InputSpec, ProfileMode, RawProfile, RunOptions } from '../../core/profile/runtime';
import { parseOrtTrace } from '../../core/profile/trace';
import { median, percentile } from '../../core/profile/stats';
import type { Bindings } from '../../core/shape/types';
import { readFileSync } from 'node:fs';
import { machinePeaks } from './machine';
import { loadModelFile } from '../model-file';
import { tfliteUnsupported } from '../../core/tflite';
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
  /** The verdict of the kernel that computes this node (fused nodes share it). */
  verdict: Verdict;
  /** That kernel's name in the graph ORT ran. */
  kernel: string;
  /** That kernel's roofline time / measured time. */
  efficiency: number | null;
  /** Set when the achieved figure is physically implausible: says why; the figure is not a fact. */
  implausible?: string;
  fusedGroup?: Attribution['nodes'][number]['fusedGroup'];
}

/** One ORT kernel judged against the roofline. */
export interface ProfiledKernel {
  kernel: string;
  opType: string;
  role: KernelTiming['role'];
  chargedTo?: string;
  medianUs: number;
  /** FLOPs of the original nodes it computes (0 for layout kernels; null when unknown). */
  flops: number | null;
  bytes: number | null;
  achievedGflops: number | null;
  verdict: Verdict;
  rooflineUs: number | null;
  efficiency: number | null;
  implausible?: string;
  nodes: string[];
}

/**
 * ORT's own latency. Two measurements each give native ORT time plus an overhead of their own:
 * `session.run` wall time adds onnxruntime-node's work on inputs and outputs (it copies every output
 * into a new JS array, even a pre-allocated one), ORT's `model_run` event adds the profiler's
 * bookkeeping per kernel. Both are upper bounds of the native time; the reported median is the
 * smaller of the two medians (`source` says which) and p10/p90/spread are of that series.
 */
export interface Latency {
  mode: ProfileMode;
  runs: number;
  medianMs: number;
  p10Ms: number;
  p90Ms: number;
  spread: number;
  /** Which series medianMs is: 'session.run' (wall, pre-allocated outputs) or 'model_run' (ORT's profiler). */
  source: 'session.run' | 'model_run';
  /** Median wall time of session.run with pre-allocated outputs, ms. */
  wallMedianMs: number;
  /** Whether the timed runs had pre-allocated outputs (false: outputs change shape between runs). */
  preallocatedOutputs: boolean;
  /** Median of a few runs timed the usual way (`session.run(feeds)`), as a Node app sees it, ms. */
  jsOutputMedianMs: number;
  /** Median of ORT's own model_run durations in the profiled session (native, profiler on), ms. */
  profiledMedianMs: number;
  /** Sum of the kernels' median times (what attribution splits), ms. */
  kernelSumMs: number;
}

export interface ProfileReport {
  analysis: AnalysisReport;
  latency: Latency | null;
  attribution: Attribution;
  machine: MachinePeaks | null;
  /** Per node, keyed by the node's display name (with graph path for bodies). */
  nodes: Map<Node, ProfiledNode>;
  /** Every kernel that ran, slowest first. */
  kernels: ProfiledKernel[];
  /** Nodes and kernels whose achieved GFLOP/s exceeds 1.25× the measured peak. */
  implausible: { nodes: number; kernels: number; maxRatio: number | null };
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
  if (loaded.format === 'tflite') throw tfliteUnsupported('profiling'); // ONNX Runtime runs ONNX models only
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
  const costOf = new Map(cost.nodes.map((c) => [c.node, c]));
  const machineOpts = { ...(opts.run?.onProgress ? { onProgress: opts.run.onProgress } : {}), ...(opts.run ? { run: opts.run } : {}) };
  let machine = opts.machine === false || opts.trace ? null : await machinePeaks(opts.threads ?? null, machineOpts);
  let judged = judgeAll(attribution, machine, costOf, flops);
  // A kernel faster than the peak allows says the peak was understated (measured while the machine
  // was busy, say) as much as it says the kernel's time is wrong: measure again, once, keeping the
  // better of the two measurements of each figure (a peak is what the machine can reach).
  if (machine && judged.kernels.some((k) => k.implausible)) {
    opts.run?.onProgress?.(`a kernel beat the ${machine.cached ? 'cached ' : ''}peak: measuring the machine again`);
    machine = await machinePeaks(opts.threads ?? null, { ...machineOpts, refresh: true, keepBest: machine });
    judged = judgeAll(attribution, machine, costOf, flops);
  }
  const { kernels, nodes, maxRatio } = judged;
  const plain = raw.plainRunsMs;
  const native = raw.profiledRunsUs.map((us) => us / 1000);
  const source = native.length && median(native) < median(plain) ? 'model_run' : 'session.run';
  const series = source === 'model_run' ? native : plain;
  const latency: Latency | null = plain.length
    ? {
        mode,
        runs: series.length,
        medianMs: median(series),
        p10Ms: percentile(series, 0.1),
        p90Ms: percentile(series, 0.9),
        spread: (percentile(series, 0.9) - percentile(series, 0.1)) / median(series),
        source,
        wallMedianMs: median(plain),
        preallocatedOutputs: raw.preallocated ?? false,
        jsOutputMedianMs: median(raw.jsOutputRunsMs?.length ? raw.jsOutputRunsMs : plain),
        profiledMedianMs: median(native),
        kernelSumMs: attribution.kernels.reduce((a, k) => a + k.medianUs, 0) / 1000,
      }
    : null;
  const implausible = {
    nodes: [...nodes.values()].filter((n) => n.implausible).length,
    kernels: kernels.filter((k) => k.implausible).length,
    maxRatio,
  };
  return { analysis, latency, attribution, machine, nodes, kernels, implausible };
}

type CostOf = Map<Node, { flops: number | null; intensity: number | null }>;

/**
 * Every kernel against the roofline; every node gets its kernel's verdict, and its achieved rate:
 * its own FLOPs over its own time when it is its kernel's only node, else its kernel's rate (the
 * kernel's FLOPs over its time). A fused kernel's time is apportioned among its nodes, so a node's
 * FLOPs over its share measure the apportioning, not the machine: ppocr-rec's MatMul fused with a
 * Transpose read 242 GFLOP/s on half of a kernel that ran at 121.
 */
function judgeAll(attribution: Attribution, machine: MachinePeaks | null, costOf: CostOf, flops: Map<Node, number | null>): { kernels: ProfiledKernel[]; nodes: Map<Node, ProfiledNode>; maxRatio: number | null } {
  const kernels = attribution.kernels.map((k) => judge(k, machine, costOf));
  const byKernel = new Map(kernels.map((k) => [k.kernel, k]));
  const nodes = new Map<Node, ProfiledNode>();
  let maxRatio: number | null = null;
  for (const n of attribution.nodes) {
    const k = byKernel.get(n.kernel);
    const own = flops.get(n.node) ?? null;
    const achieved = k && k.nodes.length > 1 && own ? k.achievedGflops : achievedGflops(own, n.medianUs);
    const why = implausibility(achieved, machine);
    if (achieved !== null && machine) maxRatio = Math.max(maxRatio ?? 0, achieved / machine.peakGflops);
    nodes.set(n.node, {
      medianUs: n.medianUs,
      share: n.share,
      achievedGflops: achieved,
      verdict: k?.verdict ?? 'unknown',
      kernel: n.kernel,
      efficiency: k?.efficiency ?? null,
      ...(why ? { implausible: why } : {}),
      ...(n.fusedGroup ? { fusedGroup: n.fusedGroup } : {}),
    });
  }
  return { kernels, nodes, maxRatio };
}

/** One kernel against the roofline: FLOPs of the nodes it computes, bytes as ORT counted them. */
function judge(k: KernelTiming, machine: MachinePeaks | null, costOf: CostOf): ProfiledKernel {
  const computes = k.role === 'compute' || k.role === 'node';
  const nodeFlops = k.nodes.map((n) => costOf.get(n)?.flops ?? null);
  const flops = !computes ? 0 : nodeFlops.every((f) => f === null) ? null : nodeFlops.reduce<number>((a, f) => a + (f ?? 0), 0);
  // Without ORT's sizes (an imported trace from an older ORT), the cost model's bytes of a lone node.
  let bytes = k.bytes;
  if (bytes === null && k.nodes.length === 1 && computes) {
    const c = costOf.get(k.nodes[0]!);
    if (c?.flops && c.intensity) bytes = c.flops / c.intensity;
  }
  const j = judgeKernel(flops, bytes, k.medianUs, machine);
  const achieved = achievedGflops(flops, k.medianUs);
  const why = implausibility(achieved, machine);
  return {
    kernel: k.kernel,
    opType: k.opType,
    role: k.role,
    ...(k.chargedTo ? { chargedTo: k.chargedTo } : {}),
    medianUs: k.medianUs,
    flops,
    bytes,
    achievedGflops: achieved,
    verdict: j.verdict,
    rooflineUs: j.rooflineUs,
    efficiency: j.efficiency,
    ...(why ? { implausible: why } : {}),
    nodes: k.nodes.map((n) => (n.graph.path ? `${n.graph.path}/${n.displayName}` : n.displayName)),
  };
}
