// InferenceRuntime on onnxruntime-node, in a child process (worker.ts, bundled as
// dist/profile-worker.js): cancellable through an AbortSignal, bounded by a time limit and a memory
// limit (its resident size, read from /proc where there is one), and a crash or hang there becomes
// a ProfileError here while the caller (CLI, language server) carries on. Each request gets a fresh
// process, which exits by itself when this one dies (see worker.ts).
import { fork } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { totalmem } from 'node:os';
import { join } from 'node:path';
import { ProfileError } from '../../core/profile/errors';
import type { InferenceRuntime, ProfileRequest, RawProfile, RunOptions } from '../../core/profile/runtime';
import { parseOrtTrace } from '../../core/profile/trace';
import type { WorkerMessage, WorkerRequest } from './worker';

/** dist/profile-worker.js next to the bundle; under tsx (tests) the TypeScript source. */
function workerEntry(): { path: string; execArgv: string[] } {
  const js = join(__dirname, 'profile-worker.js');
  if (existsSync(js)) return { path: js, execArgv: [] };
  return { path: join(__dirname, 'worker.ts'), execArgv: ['--import', 'tsx'] };
}

export interface WorkerResult {
  plainRunsMs: number[];
  preallocated: boolean;
  jsOutputRunsMs: number[];
  trace: string | null;
  optimizedModel: Uint8Array | null;
  threads: number | null;
  ortVersion: string;
}

/** onnxruntime-node's version as installed (read from its package.json; ORT itself is not loaded here). */
export function ortPackageVersion(): string {
  try {
    return (JSON.parse(readFileSync(require.resolve('onnxruntime-node/package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

/** The worker's memory limit: RunOptions.memoryLimitMb, else LAYERLENS_WORKER_MEMORY_MB, else half the RAM (at most 8 GiB). */
export function memoryLimitMb(opts: RunOptions = {}): number {
  const env = Number(process.env.LAYERLENS_WORKER_MEMORY_MB);
  return opts.memoryLimitMb ?? (env > 0 ? env : Math.min(8192, Math.floor(totalmem() / 2 / 2 ** 20)));
}

/** Resident size of a process in MB, from /proc (null where there is no /proc). */
function residentMb(pid: number): number | null {
  try {
    const pages = Number(readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ')[1]);
    return (pages * 4096) / 2 ** 20;
  } catch {
    return null;
  }
}

export function runWorker(req: ProfileRequest, profile: boolean, opts: RunOptions = {}): Promise<WorkerResult> {
  return talk({ type: 'profile', req, profile }, opts).then((m) => {
    if (m.type !== 'result') throw new ProfileError('the ONNX Runtime worker answered with the wrong message');
    return { ...m, optimizedModel: m.optimizedModel ? Buffer.from(m.optimizedModel, 'base64') : null };
  });
}

/** Sends one request to a fresh worker process and resolves with its final message. */
export function talk(request: WorkerRequest, opts: RunOptions = {}): Promise<Extract<WorkerMessage, { type: 'result' | 'compared' | 'outputs' }>> {
  const { path, execArgv } = workerEntry();
  return new Promise((resolve, reject) => {
    if (opts.signal?.aborted) return reject(new ProfileError('profiling was cancelled before it started'));
    const child = fork(path, [], { execArgv, stdio: ['ignore', 'ignore', 'pipe', 'ipc'], serialization: 'advanced' });
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
    let settled = false;
    let result: Extract<WorkerMessage, { type: 'result' | 'compared' | 'outputs' }> | null = null;
    let failure: Error | null = null;
    const finish = (err: Error | null): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearInterval(watch);
      opts.signal?.removeEventListener('abort', onAbort);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      if (err) reject(err);
      else resolve(result!);
    };
    const onAbort = (): void => finish(new ProfileError('profiling was cancelled'));
    opts.signal?.addEventListener('abort', onAbort);
    const limit = opts.timeoutMs ?? 600_000;
    const timer = setTimeout(
      () => finish(new ProfileError(`profiling took longer than ${Math.round(limit / 1000)} s and was stopped (raise --timeout for big models)`)),
      limit,
    );
    const maxMb = memoryLimitMb(opts);
    const watch = setInterval(() => {
      const mb = child.pid ? residentMb(child.pid) : null;
      if (mb !== null && mb > maxMb) {
        finish(new ProfileError(`the ONNX Runtime worker used ${Math.round(mb)} MB, more than its limit of ${maxMb} MB, and was stopped (set LAYERLENS_WORKER_MEMORY_MB to raise the limit)`));
      }
    }, 200);
    watch.unref();
    child.on('message', (m: WorkerMessage) => {
      if (m.type === 'progress') opts.onProgress?.(m.message);
      else if (m.type === 'error') failure = new ProfileError(m.message);
      else result = m;
    });
    child.on('exit', (code, signal) => {
      if (failure) return finish(failure);
      if (result) return finish(null);
      const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
      finish(new ProfileError(`the ONNX Runtime worker ${how} before finishing${stderr.trim() ? `: ${stderr.trim().split('\n').slice(-3).join(' | ')}` : ''}`));
    });
    child.on('error', (e) => finish(new ProfileError(`cannot start the ONNX Runtime worker: ${e.message}`)));
    child.send(request);
  });
}

export class OrtRuntime implements InferenceRuntime {
  async profile(req: ProfileRequest, opts: RunOptions = {}): Promise<RawProfile> {
    const r = await runWorker(req, true, opts);
    if (!r.trace) throw new ProfileError('ONNX Runtime wrote no profile: the profile file is missing');
    const parsed = parseOrtTrace(r.trace, 'the ONNX Runtime profile');
    // Drop the warm-up run recorded first in the profile.
    const events = parsed.events.filter((e) => e.run > 0).map((e) => ({ ...e, run: e.run - 1 }));
    return {
      mode: req.mode,
      plainRunsMs: r.plainRunsMs,
      preallocated: r.preallocated,
      jsOutputRunsMs: r.jsOutputRunsMs,
      ortVersion: r.ortVersion,
      profiledRunsUs: parsed.runsUs.slice(1),
      events,
      ...(r.optimizedModel ? { optimizedModel: r.optimizedModel } : {}),
      threads: r.threads,
      traceText: r.trace,
    };
  }
}
