// The profile and sensitivity requests: loading and analysis run in the jobs worker, ONNX Runtime in its own child
// process, so the server's main thread only waits; work-done progress is relayed, and cancelling the
// request kills the ORT worker. The whole profile is remembered for hovers (profiles.ts).
import { LSPErrorCodes, ResponseError, type CancellationToken, type WorkDoneProgressReporter } from 'vscode-languageserver';
import { UsageError } from '../../core/errors';
import type { SensitivityParams, SensitivityResult } from '../../protocol/compress';
import type { ProfileParams, ProfileResult } from '../../protocol/requests';
import { modelError } from '../shared/errors';
import { checkAccess } from './access';
import { runJob } from './jobs-client';
import { checkCount, checkDims } from './request-checks';
import { rememberProfile } from './profiles';

export async function profile(p: ProfileParams, token: CancellationToken, progress: WorkDoneProgressReporter): Promise<ProfileResult> {
  try {
    checkAccess(p.uri);
    checkDims(p.dims);
    checkCount(p.limit, 'limit', 0);
    checkCount(p.threads, 'threads', 1, 1024);
    checkCount(p.runs, 'runs', 1, 1_000_000);
  } catch (e) {
    throw modelError(e);
  }
  progress.begin('Profiling', 0, 'starting ONNX Runtime', true);
  try {
    const r = await runJob('profile', p, {
      progress: (m) => progress.report(m),
      onCancel: (cancel) => token.onCancellationRequested(cancel),
    });
    const { all, ...result } = r;
    rememberProfile(p.uri, all);
    return result;
  } catch (e) {
    if (token.isCancellationRequested || (e as { cancelled?: boolean }).cancelled) throw new ResponseError(LSPErrorCodes.RequestCancelled, 'profiling was cancelled');
    throw modelError(e);
  } finally {
    progress.done();
  }
}

/** The sensitivity request: the jobs worker measures, progress relayed, cancelling stops ONNX Runtime. */
export async function sensitivity(p: SensitivityParams, token: CancellationToken, progress: WorkDoneProgressReporter): Promise<SensitivityResult> {
  try {
    checkAccess(p.uri);
    checkDims(p.dims);
    if (!['int8', 'int8-static', 'int4', 'fp16'].includes(p.kind)) throw new UsageError(`kind ${JSON.stringify(p.kind)}: expected int8, int8-static, int4 or fp16`);
  } catch (e) {
    throw modelError(e);
  }
  progress.begin('Measuring sensitivity', 0, 'starting ONNX Runtime', true);
  try {
    return await runJob('sensitivity', p, { progress: (m) => progress.report(m), onCancel: (cancel) => token.onCancellationRequested(cancel) });
  } catch (e) {
    if (token.isCancellationRequested || (e as { cancelled?: boolean }).cancelled) throw new ResponseError(LSPErrorCodes.RequestCancelled, 'the sensitivity measurement was cancelled');
    throw modelError(e);
  } finally {
    progress.done();
  }
}
