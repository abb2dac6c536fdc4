// How the server's errors travel: a worker turns what it caught into ModelErrorData (the typed error's
// class name and message); the main thread answers every custom request that fails with a
// ResponseError (RequestFailed) whose message is `Name: message` and whose data is that object, so
// the extension can show an error page. Also the server's own typed errors.
import { LSPErrorCodes, ResponseError } from 'vscode-languageserver';
import { LayerLensError } from '../../core/errors';
import type { ModelErrorData } from '../../protocol/rpc';

/** A fix candidate that cannot be committed or discarded (unknown, stale, not a candidate name). */
export class FixCandidateError extends LayerLensError {
  readonly exitCode = 2;
}

/** An error a worker reported, carried on the main thread with its typed name. */
export class RelayedError extends Error {
  constructor(readonly data: ModelErrorData) {
    super(data.message);
  }
}

/** Name and message of any thrown value (typed errors keep their class name; errors relayed from workers theirs). */
export function errorData(e: unknown): ModelErrorData {
  if (e instanceof RelayedError) return { ...e.data };
  if (e instanceof ResponseError && typeof (e.data as ModelErrorData | undefined)?.name === 'string') return { ...(e.data as ModelErrorData) };
  if (e instanceof LayerLensError) return { name: e.name, message: e.message };
  if (e instanceof Error) return { name: 'Error', message: e.message };
  return { name: 'Error', message: String(e) };
}

/** The ResponseError a failed request answers with (a cancellation or an error already typed stays as it is). */
export function modelError(e: unknown): ResponseError<ModelErrorData> {
  if (e instanceof ResponseError && (e.code === LSPErrorCodes.RequestCancelled || typeof (e.data as ModelErrorData | undefined)?.name === 'string')) return e as ResponseError<ModelErrorData>;
  const data = errorData(e);
  return new ResponseError(LSPErrorCodes.RequestFailed, `${data.name}: ${data.message}`, data);
}
