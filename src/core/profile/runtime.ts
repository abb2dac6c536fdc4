// The measuring interface. src/node implements it with onnxruntime-node in a separate process; the
// language server and the CLI only see this.

export type ProfileMode = 'deployed' | 'per-node';

export interface InputSpec {
  name: string;
  /** ONNX data type code of the input. */
  elemType: number;
  shape: number[];
}

export interface ProfileRequest {
  modelPath: string;
  /** Inputs generated from these specs (fixed seed) unless `inputFiles` gives them. */
  inputs: InputSpec[];
  /** Input name -> file (.pb TensorProto or .npy) supplied by the user. */
  inputFiles?: Record<string, string>;
  mode: ProfileMode;
  runs: number;
  warmup: number;
  /** intraOpNumThreads; undefined = ORT's default. */
  threads?: number;
}

/** One ORT "Node" event, as parsed from the trace. */
export interface KernelEvent {
  /** Node name in the graph ORT ran (event name without `_kernel_time`). */
  node: string;
  opType: string;
  durUs: number;
  /** Index of the profiled run the event belongs to (0-based). */
  run: number;
  provider: string;
  /** Bytes the kernel read and wrote in this run (ORT's activation + parameter + output sizes). */
  bytes?: number;
}

export interface RawProfile {
  mode: ProfileMode;
  /** Wall time of each timed (unprofiled) run, ms: with pre-allocated outputs when `preallocated`. */
  plainRunsMs: number[];
  /** Whether ORT wrote into pre-allocated output tensors in the timed runs (no JS output conversion). */
  preallocated?: boolean;
  /** A few runs timed the usual way, `session.run(feeds)`, where onnxruntime-node makes new JS outputs, ms. */
  jsOutputRunsMs?: number[];
  /** onnxruntime-node's version. */
  ortVersion?: string;
  /** model_run durations of the profiled runs, µs. */
  profiledRunsUs: number[];
  events: KernelEvent[];
  /** The graph ORT ran (ONNX bytes), for deployed-mode attribution. */
  optimizedModel?: Uint8Array;
  threads: number | null;
  /** The profile file as ORT wrote it (to save, or to import elsewhere with --trace). */
  traceText?: string;
}

export interface RunOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
  /** The worker process is stopped past this resident size, MB. */
  memoryLimitMb?: number;
  onProgress?: (message: string) => void;
}

export interface InferenceRuntime {
  profile(req: ProfileRequest, opts?: RunOptions): Promise<RawProfile>;
}
