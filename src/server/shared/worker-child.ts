// The child side of the server's worker processes (model worker, jobs worker). A worker is a process,
// not a thread: V8 ends the whole process on some out-of-memory paths (a large array, a string too
// long) whatever a worker thread's resource limits say, and a thread's ArrayBuffers are not limited at
// all, so only a process boundary keeps the language server alive. Here a small watchdog thread ends
// the process when its resident memory passes the limit the server gave it (LAYERLENS_WORKER_MEMORY_MB)
// or when the server is gone (its parent changed) — both even while the main thread is stuck in a long
// computation, which is exactly when it matters. Before ending it writes one marker line to stderr, so
// the server can say why its worker stopped.
import { Worker } from 'node:worker_threads';

/** The marker line the watchdog writes before it ends the process; main/worker-process.ts reads it. */
export const LIMIT_MARKER = 'layerlens-worker-limit:';

// Runs in the watchdog thread (plain JavaScript, evaluated): polls the process's resident memory and
// its parent every `everyMs`; kills the whole process group (the worker and the ORT processes it
// started) with SIGKILL, the one signal a stuck process cannot delay.
const WATCHDOG = `
const { workerData: w } = require('node:worker_threads');
const { writeSync } = require('node:fs');
const end = (why) => {
  try { writeSync(2, '\\n${LIMIT_MARKER} ' + why + '\\n'); } catch {}
  try { process.kill(-w.pid, 'SIGKILL'); } catch {}
  process.kill(w.pid, 'SIGKILL');
};
setInterval(() => {
  const rss = process.memoryUsage.rss();
  if (w.limitBytes > 0 && rss > w.limitBytes) end('memory ' + Math.round(rss / 1048576) + ' MB');
  if (process.ppid !== w.ppid) end('the language server is gone');
}, w.everyMs);
`;

/** The memory limit the server gave this worker, in MB (0 = none). */
function limitMb(): number {
  const mb = Number(process.env.LAYERLENS_WORKER_MEMORY_MB);
  return Number.isFinite(mb) && mb > 0 ? mb : 0;
}

/**
 * Why this worker must stop now, or null: its memory is over the limit. Checked at the end of each
 * task, so a task that passed the limit between two looks of the watchdog is still caught — and
 * caught as the task that did it, not the next one.
 */
export function overMemoryLimit(): string | null {
  const rss = process.memoryUsage.rss();
  const limit = limitMb();
  return limit && rss > limit * 2 ** 20 ? `memory ${Math.round(rss / 2 ** 20)} MB` : null;
}

/** Starts the watchdog (once, at the worker's start). */
export function startWatchdog(): void {
  const w = new Worker(WATCHDOG, {
    eval: true,
    workerData: { pid: process.pid, ppid: process.ppid, limitBytes: limitMb() * 2 ** 20, everyMs: 100 },
    resourceLimits: { maxOldGenerationSizeMb: 16 },
  });
  w.unref();
  // An idle worker whose server went away ends at once (the watchdog covers a busy one).
  process.on('disconnect', () => process.exit(0));
}

/** Sends a message to the server (the worker's IPC channel; silently dropped once the server is gone); `sent` runs once it is written. */
export function toServer(message: unknown, sent?: () => void): void {
  if (process.connected) process.send!(message, undefined, undefined, () => sent?.());
  else sent?.();
}
