// Typed custom requests, notifications and commands between the LayerLens language server and its
// clients (the VS Code extension, tests), shared by both sides as vscode-eslint and rust-analyzer do:
// each is an object whose `type` is a RequestType<Params, Result, ModelErrorData> (or NotificationType),
// so `connection.onRequest(X.type, …)` and `client.sendRequest(X.type, …)` are checked against one
// declaration and no call site names a method as a string or casts a result. Commands run through
// workspace/executeCommand; CommandType gives each its typed request and its arguments.
// The types come from vscode-languageserver-protocol, the same copy of vscode-jsonrpc that
// vscode-languageserver and vscode-languageclient use (jsonrpc compares ParameterStructures by
// identity, so a second copy would not do). The webview imports this file's types only.
import { RequestType, type ExecuteCommandParams } from 'vscode-languageserver-protocol';

/** A custom request: its method and its typed signature. */
export function request<P, R>(method: string): { method: string; type: RequestType<P, R, ModelErrorData> } {
  return { method, type: new RequestType<P, R, ModelErrorData>(method) };
}

/** A command of the server (workspace/executeCommand with one argument), typed by its argument and result. */
export class CommandType<A, R> {
  /** The workspace/executeCommand request, typed by this command's result. */
  readonly request: RequestType<ExecuteCommandParams, R, ModelErrorData>;
  constructor(readonly command: string) {
    this.request = new RequestType<ExecuteCommandParams, R, ModelErrorData>('workspace/executeCommand');
  }

  /** The request's params: this command with `args`. */
  params(args: A, workDoneToken?: string | number): ExecuteCommandParams {
    return { command: this.command, arguments: [args], ...(workDoneToken !== undefined ? { workDoneToken } : {}) };
  }
}

/**
 * Symbolic dims to bind by name (`{ batch: 1 }`), for the requests that analyse a model file. Each value
 * must be a whole number >= 0 (else a `UsageError`); names that are not a symbolic dim of the model's
 * inputs are left out (one workspace setting serves every model); dims left unbound stay symbolic, so
 * figures that depend on them are null (never costed as 0).
 */
export type DimBindings = Record<string, number>;

/**
 * How every custom request and command fails: a ResponseError (code -32803, RequestFailed) whose
 * message is `Name: message` of the typed error (e.g. `ModelFormatError: truncated or corrupt protobuf
 * at byte 1234 …`) and whose `data` is this object, so a client can show an error page. `name` is one
 * of ModelFormatError, ModelGraphError, ExternalDataError, ShapeError, UsageError (bad parameters),
 * FileAccessError (a path outside the workspace folders and the documents and models the client
 * opened), ModelWorkerError (a worker process stopped: out of memory, over its time limit, or crashed;
 * remembered for that file version, see docs/language-server.md), FixCandidateError, or Error for
 * anything unforeseen.
 */
export interface ModelErrorData {
  name: string;
  message: string;
}
