// Starts and stops the server's worker processes (model worker, jobs worker) with their limits: a
// JavaScript heap ceiling (--max-old-space-size), a ceiling on the whole process's memory enforced by
// the worker's own watchdog thread (shared/worker-child.ts), and a time limit per task enforced here.
// A worker is a process of its own group, so stopping it also stops the ONNX Runtime processes it
// started. Its stdout and stderr go to the server's log (never to the server's stdout, which carries
// the protocol); the last lines of stderr say why it stopped: the watchdog's marker, V8's
// "heap out of memory", or a crash. The bundled `<name>.js` beside the running server (dist/) is
// started, or `<name>.ts` through tsx when the server itself runs from TypeScript.
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { totalmem } from 'node:os';
import { join } from 'node:path';
import { LIMIT_MARKER } from '../shared/worker-child';

export interface WorkerLimits {
  /** JavaScript heap ceiling, MB. */
  heapMb: number;
  /** Resident memory ceiling of the whole process, MB (0 = none). */
  memoryMb: number;
  /** Time limit of one task, ms. */
  timeoutMs: number;
}

const positive = (name: string): number | undefined => {
  const v = Number(process.env[name]);
  return Number.isFinite(v) && v > 0 ? v : undefined;
};

/**
 * The limits, from the environment the server was started with: LAYERLENS_MODEL_WORKER_HEAP_MB
 * (default 4096), LAYERLENS_WORKER_MEMORY_MB (default heap + 4096, at most 3/4 of the machine's
 * memory), and `timeoutEnv` in seconds (fractions allowed) or `defaultTimeoutS`.
 */
export function limitsFromEnv(timeoutEnv: string, defaultTimeoutS: number): WorkerLimits {
  const heapMb = positive('LAYERLENS_MODEL_WORKER_HEAP_MB') ?? 4096;
  const memoryMb = positive('LAYERLENS_WORKER_MEMORY_MB') ?? Math.min(heapMb + 4096, Math.floor((0.75 * totalmem()) / 2 ** 20));
  return { heapMb, memoryMb, timeoutMs: 1000 * (positive(timeoutEnv) ?? defaultTimeoutS) };
}

export interface WorkerProcess {
  readonly child: ChildProcess;
  send(message: unknown): void;
  /** Stops the worker (and its process group); `why` is what the exit handler is told. */
  stop(why: string): void;
}

const running = new Set<ChildProcess>();
// The server ending stops its workers (their watchdogs also notice a server that was killed).
process.on('exit', () => {
  for (const c of running) killGroup(c);
});

function killGroup(c: ChildProcess): void {
  try {
    process.kill(-c.pid!, 'SIGKILL');
  } catch {
    c.kill('SIGKILL');
  }
}

/** Lines of a stream, each handed to `f` (a partial last line waits for its end). */
function lines(stream: NodeJS.ReadableStream | null, f: (line: string) => void): void {
  let rest = '';
  stream?.setEncoding('utf8');
  stream?.on('data', (chunk: string) => {
    const parts = (rest + chunk).split('\n');
    rest = parts.pop()!;
    for (const l of parts) f(l);
  });
  stream?.on('end', () => rest && f(rest));
}

/** A limit the worker itself found passed (`memory N MB`, or another reason), in words. */
export function describeLimit(limits: WorkerLimits, what: string): string {
  return what.startsWith('memory') ? `it used ${what.slice('memory '.length)} of memory, over its limit of ${limits.memoryMb} MB (LAYERLENS_WORKER_MEMORY_MB)` : what;
}

/** Why a worker ended, in words, from its exit and the last lines of its stderr. */
function describeExit(limits: WorkerLimits, code: number | null, signal: string | null, stderr: string[]): string {
  const marker = stderr.find((l) => l.startsWith(LIMIT_MARKER));
  if (marker) return describeLimit(limits, marker.slice(LIMIT_MARKER.length).trim());
  if (stderr.some((l) => /heap out of memory|Allocation failed|invalid size error|invalid array length/i.test(l))) {
    return `it ran out of memory (JavaScript heap limit ${limits.heapMb} MB, LAYERLENS_MODEL_WORKER_HEAP_MB)`;
  }
  const last = stderr.filter((l) => l.trim()).slice(-1)[0];
  return `${signal ? `signal ${signal}` : `exit code ${code}`}${last ? `: ${last.trim().slice(0, 300)}` : ''}`;
}

/** The workers: bundle name (dist/<name>.js) -> source beside this folder. */
const SOURCES = { 'model-worker': 'model-worker/model-worker.ts', 'jobs-worker': 'jobs/jobs-worker.ts' } as const;

/**
 * Starts worker `name` with `limits`; `onMessage` gets its messages, `onExit` (once) why it ended —
 * the `why` given to stop(), or what its exit and stderr tell.
 */
export function startWorkerProcess(name: keyof typeof SOURCES, limits: WorkerLimits, onMessage: (m: unknown) => void, onExit: (why: string) => void): WorkerProcess {
  const js = join(__dirname, `${name}.js`);
  const bundled = existsSync(js);
  const child = fork(bundled ? js : join(__dirname, '..', SOURCES[name]), [], {
    execArgv: [`--max-old-space-size=${Math.round(limits.heapMb)}`, ...(bundled ? [] : ['--require', 'tsx/cjs'])],
    env: { ...process.env, LAYERLENS_WORKER_MEMORY_MB: String(limits.memoryMb) },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    serialization: 'advanced',
    detached: true,
  });
  running.add(child);
  // The workers never keep the server alive by themselves (it ends with its client).
  child.unref();
  child.channel?.unref();
  const stderr: string[] = [];
  lines(child.stdout, (l) => console.log(`[${name}] ${l}`));
  lines(child.stderr, (l) => {
    stderr.push(l);
    if (stderr.length > 40) stderr.shift();
    if (!l.startsWith(LIMIT_MARKER)) console.error(`[${name}] ${l}`);
  });
  let stopped: string | null = null;
  let ended = false;
  child.on('message', onMessage);
  const end = (code: number | null, signal: string | null): void => {
    if (ended) return;
    ended = true;
    running.delete(child);
    // stderr may still hold the last lines: read them before saying why.
    const finish = (): void => onExit(stopped ?? describeExit(limits, code, signal, stderr));
    if (child.stderr && !child.stderr.readableEnded) {
      child.stderr.once('end', finish);
      setTimeout(finish, 200).unref();
    } else finish();
  };
  let told = false;
  const once = onExit;
  onExit = (why) => {
    if (told) return;
    told = true;
    once(why);
  };
  child.on('exit', end);
  child.on('error', (e) => {
    stderr.push(e.message);
    end(null, null);
    killGroup(child);
  });
  return {
    child,
    send(message) {
      if (child.connected) child.send(message as object);
    },
    stop(why) {
      stopped ??= why;
      killGroup(child);
    },
  };
}
