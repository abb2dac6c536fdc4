// How errors leave the CLI: a LayerLensError prints `Name: message` and its exit code (1 bad model or
// a file that cannot be read or written, 2 usage); a file system failure nobody typed on the way (a
// Node system error such as EACCES or ENOSPC) is typed here, as a FileSystemError (exit 1); anything
// else is a bug, printed with its stack and exit code 3 so it is not mistaken for a verdict on the model.
// Standard output or error closed by the reader (`layerlens analyze m.onnx | head`) is a normal end: exit 0, quietly.
import { LayerLensError } from '../core/errors';
import { fileError, isSystemError } from '../node/files/fs-error';

export function exitWithError(e: unknown): never {
  const typed = isSystemError(e) ? fileError(e, e.syscall ?? 'use', e.path ?? (e as { dest?: string }).dest ?? 'a file') : e;
  if (typed instanceof LayerLensError) {
    process.stderr.write(`${typed.name}: ${typed.message}\n`);
    process.exit(typed.exitCode);
  }
  process.stderr.write(`layerlens: internal error (please report): ${(e as Error)?.stack ?? String(e)}\n`);
  process.exit(3);
}

/**
 * Makes a closed pipe on stdout or stderr end the run quietly (exit 0: the reader has all it wanted);
 * any other failure to write them is a typed error naming the stream.
 */
export function endQuietlyOnClosedPipe(): void {
  for (const [stream, name] of [[process.stdout, 'standard output'], [process.stderr, 'standard error']] as const) {
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE') process.exit(0);
      if (stream === process.stderr) process.exit(1); // nowhere left to say why
      exitWithError(fileError(e, 'write to', name));
    });
  }
}

/**
 * Runs `f` with Ctrl-C (SIGINT) and SIGTERM ending the process through process.exit (status 128 + the
 * signal's number, as a shell reports it), so exit handlers run: the write path deletes a candidate
 * still pending then. Without this, a signal ends Node at once and the candidate waits for the next run.
 */
export async function exitHandlersOnSignal<T>(f: () => Promise<T>): Promise<T> {
  const int = (): never => process.exit(130);
  const term = (): never => process.exit(143);
  process.once('SIGINT', int);
  process.once('SIGTERM', term);
  try {
    return await f();
  } finally {
    process.off('SIGINT', int);
    process.off('SIGTERM', term);
  }
}
