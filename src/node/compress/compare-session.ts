// The caller's side of compare-worker.ts: one ONNX Runtime child process that holds the original's
// outputs while candidate models are compared against them one after another. Cancellable through an
// AbortSignal, each request bounded by a time limit; a crash, hang or refusal there becomes a
// VerificationRunError here and the caller carries on.
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { InputData } from '../ort/inputs';
import { VerificationRunError, type OutputComparison } from '../ort/verify';
import type { CompareAnswer, CompareRequest } from './compare-worker';

/** dist/compare-worker.js next to the bundle; under tsx (tests) the TypeScript source. */
function workerEntry(): { path: string; execArgv: string[] } {
  const js = join(__dirname, 'compare-worker.js');
  if (existsSync(js)) return { path: js, execArgv: [] };
  return { path: join(__dirname, 'compare-worker.ts'), execArgv: ['--import', 'tsx'] };
}

export interface CompareSessionOptions {
  signal?: AbortSignal;
  /** Longest one request may take (default 600 s). */
  timeoutMs?: number;
  threads?: number;
}

type Request = CompareRequest extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

export class CompareSession {
  private nextId = 1;
  private waiting = new Map<number, { resolve: (a: CompareAnswer) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }>();
  private dead: Error | null = null;
  private stderr = '';

  private constructor(
    private readonly child: ChildProcess,
    private readonly opts: CompareSessionOptions,
  ) {
    child.stderr?.on('data', (d: Buffer) => (this.stderr = (this.stderr + d.toString()).slice(-2000)));
    child.on('message', (a: CompareAnswer) => {
      const w = this.waiting.get(a.id);
      if (!w) return;
      this.waiting.delete(a.id);
      clearTimeout(w.timer);
      if (a.type === 'error') w.reject(new VerificationRunError(a.message));
      else w.resolve(a);
    });
    child.on('exit', (code, signal) => {
      const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
      this.fail(new VerificationRunError(`the ONNX Runtime worker ${how}${this.stderr.trim() ? `: ${this.stderr.trim().split('\n').slice(-3).join(' | ')}` : ''}`));
    });
    child.on('error', (e) => this.fail(new VerificationRunError(`cannot start the ONNX Runtime worker: ${e.message}`)));
    opts.signal?.addEventListener('abort', this.onAbort);
  }

  private onAbort = (): void => this.fail(new VerificationRunError('the analysis was cancelled'), true);

  private fail(e: Error, kill = false): void {
    this.dead ??= e;
    for (const w of this.waiting.values()) {
      clearTimeout(w.timer);
      w.reject(this.dead);
    }
    this.waiting.clear();
    if (kill || this.child.exitCode === null) this.close();
  }

  /** Starts the worker, runs `reference` on every sample and keeps its outputs. */
  static async start(reference: string, samples: InputData[][], opts: CompareSessionOptions = {}): Promise<CompareSession> {
    if (opts.signal?.aborted) throw new VerificationRunError('the analysis was cancelled before it started');
    const { path, execArgv } = workerEntry();
    const child = fork(path, [], { execArgv, stdio: ['ignore', 'ignore', 'pipe', 'ipc'], serialization: 'advanced' });
    const s = new CompareSession(child, opts);
    await s.ask({ type: 'init', reference, samples, ...(opts.threads ? { threads: opts.threads } : {}) });
    return s;
  }

  private ask(r: Request): Promise<CompareAnswer> {
    if (this.dead) return Promise.reject(this.dead);
    const id = this.nextId++;
    const limit = this.opts.timeoutMs ?? 600_000;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => this.fail(new VerificationRunError(`ONNX Runtime took longer than ${Math.round(limit / 1000)} s on one model and was stopped (raise --timeout for big models)`), true), limit);
      this.waiting.set(id, { resolve, reject, timer });
      this.child.send({ ...r, id } as CompareRequest);
    });
  }

  /** Runs the original with inner values exposed as outputs; candidates' exposed values compare against these. */
  async activations(path: string): Promise<string[]> {
    const a = await this.ask({ type: 'activations', path });
    if (a.type !== 'ok') throw new VerificationRunError('the ONNX Runtime worker answered with the wrong message');
    return a.outputs;
  }

  /** Runs a candidate on every sample: its outputs (and exposed values) compared with the original's. */
  async compare(path: string): Promise<{ outputs: OutputComparison[]; activations: OutputComparison[] }> {
    const a = await this.ask({ type: 'run', path });
    if (a.type !== 'compared') throw new VerificationRunError('the ONNX Runtime worker answered with the wrong message');
    return { outputs: a.outputs, activations: a.activations };
  }

  /** The worker's process id (tests check that cancelling ends it). */
  get pid(): number | undefined {
    return this.child.pid;
  }

  close(): void {
    this.opts.signal?.removeEventListener('abort', this.onAbort);
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }
}
