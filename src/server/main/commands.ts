// The server's commands (workspace/executeCommand), each registered with its typed CommandType
// (src/protocol/requests.ts): its argument checked (an object with the fields it needs, paths allowed
// by access.ts), the work done in the jobs worker, and any failure answered as a typed error. A fix
// preview reports work-done progress while it rewrites, saves and verifies.
import { pathToFileURL } from 'node:url';
import type { Connection, WorkDoneProgressReporter } from 'vscode-languageserver';
import { UsageError } from '../../core/errors';
import { ApplyFixCommand, CommitFixCommand, DiscardFixCommand } from '../../protocol/fixes';
import { CompileCommand, ModelChangedNotification } from '../../protocol/requests';
import { type CommandType } from '../../protocol/rpc';
import { QuantizeWithinBudgetCommand } from '../../protocol/compress';
import { modelError } from '../shared/errors';
import { checkAccess, checkBeside } from './access';
import { targetProfile } from './target';
import { runJob } from './jobs-client';
import { invalidateModel } from './model-client';
import { checkDims } from './request-checks';

type Handler = (arg: unknown, progress: WorkDoneProgressReporter) => Promise<unknown>;
const handlers = new Map<string, Handler>();

/** `arg` as the command's argument object when it has the string fields `required` (else a UsageError). */
function argument<A>(cmd: CommandType<A, unknown>, arg: unknown, required: readonly (keyof A & string)[]): A {
  if (typeof arg !== 'object' || arg === null || Array.isArray(arg)) throw new UsageError(`${cmd.command} takes one argument, an object; got ${JSON.stringify(arg)}`);
  for (const k of required) {
    if (typeof (arg as Record<string, unknown>)[k] !== 'string') throw new UsageError(`${cmd.command}: '${k}' must be a string`);
  }
  return arg as A;
}

function on<A, R>(cmd: CommandType<A, R>, required: readonly (keyof A & string)[], run: (args: A, progress: WorkDoneProgressReporter) => Promise<R>): void {
  handlers.set(cmd.command, (arg, progress) => run(argument(cmd, arg, required), progress));
}

/** The commands' names, for the server's capabilities. */
export const COMMANDS = [ApplyFixCommand, CommitFixCommand, DiscardFixCommand, CompileCommand, QuantizeWithinBudgetCommand].map((c) => c.command);

export function registerCommands(connection: Connection): void {
  /** The server wrote a model file: forget what the model worker holds about it; tell the client when it replaced a model in place. */
  const wrote = (path: string, inPlace: boolean): void => {
    invalidateModel(path);
    if (inPlace) void connection.sendNotification(ModelChangedNotification.type, { uri: pathToFileURL(path).href });
  };

  on(ApplyFixCommand, ['modelUri', 'ruleId'], async (args, progress) => {
    checkAccess(args.modelUri, 'modelUri');
    checkDims(args.dims);
    // The target's profile is read in the jobs worker: only one the server may read (or a catalog id).
    if (args.target !== undefined) targetProfile(String(args.target));
    progress.begin(`Verifying ${args.ruleId}`, undefined, 'rewriting the model, saving a candidate and running both in ONNX Runtime');
    try {
      const r = await runJob('applyFix', args);
      if (r.written) wrote(r.written, args.write === 'in-place');
      return r;
    } finally {
      progress.done();
    }
  });
  on(CommitFixCommand, ['candidate', 'modelUri', 'ruleId', 'write'], async (args) => {
    checkAccess(args.modelUri, 'modelUri');
    checkBeside(args.candidate);
    const r = await runJob('commitFix', args);
    wrote(r.written, args.write === 'in-place');
    return r;
  });
  on(DiscardFixCommand, ['candidate'], async (args) => {
    if (args.modelUri !== undefined) checkAccess(args.modelUri, 'modelUri');
    checkBeside(args.candidate);
    return runJob('discardFix', args);
  });
  on(QuantizeWithinBudgetCommand, ['modelUri', 'kind'], async (args, progress) => {
    checkAccess(args.modelUri, 'modelUri');
    checkDims(args.dims);
    progress.begin(`Compressing (${args.kind}) within an error budget`, undefined, 'measuring each layer in ONNX Runtime');
    try {
      return await runJob('quantizeWithinBudget', args, { progress: (m) => progress.report(m) });
    } finally {
      progress.done();
    }
  });
  on(CompileCommand, ['uri'], async (args) => {
    checkAccess(args.uri);
    const r = await runJob('compile', args);
    invalidateModel(r.written);
    return r;
  });

  connection.onExecuteCommand(async (p, _token, progress) => {
    try {
      const run = handlers.get(p.command);
      if (!run) throw new UsageError(`unknown command ${p.command}: this server runs ${COMMANDS.join(', ')}`);
      return await run((p.arguments ?? [])[0], progress);
    } catch (e) {
      throw modelError(e);
    }
  });
}
