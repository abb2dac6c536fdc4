// Parses ONNX Runtime's profile (a JSON array of Chrome-trace events). Observed with ORT 1.30:
// `cat: "Node"` events named `<node>_kernel_time` with `dur` in µs and `args.op_name` /
// `args.provider`, and the bytes the kernel touched (`activation_size` of its inputs,
// `parameter_size` of its weights, `output_size`); `cat: "Session"` `model_run` events, one per run.
// Numbers may be strings.
import { ProfileError } from './errors';
import type { KernelEvent } from './runtime';

interface TraceEvent {
  cat?: string;
  name?: string;
  dur?: number | string;
  ts?: number | string;
  args?: { op_name?: string; provider?: string; activation_size?: string | number; parameter_size?: string | number; output_size?: string | number };
}

export interface ParsedTrace {
  events: KernelEvent[];
  runsUs: number[];
}

/** Bytes a kernel read and wrote (inputs + weights + outputs), as ORT reports them; null when absent. */
function bytesOf(args: TraceEvent['args']): number | null {
  if (!args || args.activation_size === undefined || args.output_size === undefined) return null;
  const n = Number(args.activation_size) + Number(args.parameter_size ?? 0) + Number(args.output_size);
  return Number.isFinite(n) ? n : null;
}

export function parseOrtTrace(text: string, source = 'profile'): ParsedTrace {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new ProfileError(`${source} is not JSON (${(e as Error).message}): expected an ONNX Runtime profile`);
  }
  if (!Array.isArray(data)) throw new ProfileError(`${source} is not a JSON array of trace events: expected an ONNX Runtime profile`);
  const runs: { ts: number; dur: number }[] = [];
  const nodes: (TraceEvent & { tsN: number; durN: number })[] = [];
  for (const e of data as TraceEvent[]) {
    if (!e || typeof e !== 'object') continue;
    const dur = Number(e.dur ?? 0);
    const ts = Number(e.ts ?? 0);
    if (e.cat === 'Session' && e.name === 'model_run') runs.push({ ts, dur });
    else if (e.cat === 'Node' && typeof e.name === 'string' && e.name.endsWith('_kernel_time')) nodes.push({ ...e, tsN: ts, durN: dur });
  }
  if (runs.length === 0 && nodes.length === 0) {
    throw new ProfileError(`${source} has no model_run or kernel events: was profiling enabled for at least one run?`);
  }
  runs.sort((a, b) => a.ts - b.ts);
  const runOf = (ts: number): number => {
    for (let i = runs.length - 1; i >= 0; i--) if (ts >= runs[i]!.ts) return i;
    return 0;
  };
  const events = nodes.map((e) => ({
    node: e.name!.slice(0, -'_kernel_time'.length),
    opType: e.args?.op_name ?? '',
    durUs: e.durN,
    run: runOf(e.tsN),
    provider: e.args?.provider ?? '',
    ...(bytesOf(e.args) !== null ? { bytes: bytesOf(e.args)! } : {}),
  }));
  return { events, runsUs: runs.map((r) => r.dur) };
}
