// How the server's errors reach clients: a ResponseError (RequestFailed) whose message is the typed
// error's `Name: message` and whose data is ModelErrorData, so the extension can show an error page.
// Also the server's own typed errors.
import { LSPErrorCodes, ResponseError } from 'vscode-languageserver';
import { LayerLensError } from '../core/errors';
import type { ModelErrorData } from '../protocol/requests';

/** A fix candidate that cannot be committed or discarded (unknown, stale, not a candidate name). */
export class FixCandidateError extends LayerLensError {
  readonly exitCode = 2;
}

function isData(e: unknown): e is ModelErrorData {
  return typeof e === 'object' && e !== null && !(e instanceof Error) && typeof (e as ModelErrorData).name === 'string' && typeof (e as ModelErrorData).message === 'string';
}

/** Name and message of any thrown value (typed errors keep their class name; errors relayed from workers theirs). */
export function errorData(e: unknown): ModelErrorData {
  if (isData(e)) return { name: e.name, message: e.message };
  if (e instanceof LayerLensError) return { name: e.name, message: e.message };
  if (e instanceof Error) return { name: (e as Error & { typedName?: string }).typedName ?? 'Error', message: e.message };
  return { name: 'Error', message: String(e) };
}

export function modelError(e: unknown): ResponseError<ModelErrorData> {
  if (e instanceof ResponseError) return e as ResponseError<ModelErrorData>;
  const data = errorData(e);
  return new ResponseError(LSPErrorCodes.RequestFailed, `${data.name}: ${data.message}`, data);
}
