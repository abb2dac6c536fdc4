// The profile request: loading and analysis run in the jobs worker thread, ONNX Runtime in its own
// child process, so the server's main thread only waits; work-done progress is relayed, and
// cancelling the request kills the ORT worker. `limit` slowest nodes are returned (0 = all), with
// `threads` intra-op threads in ORT.
import { fileURLToPath } from 'node:url';
import { LSPErrorCodes, ResponseError, type CancellationToken, type WorkDoneProgressReporter } from 'vscode-languageserver';
import { loadModelFile } from '../node/model-file';
import { profileModel } from '../node/ort/profile';
import type { ProfileParams, ProfileResult } from '../protocol/requests';
import { modelError } from './errors';
import { runJob } from './jobs';
import { checkCount } from './request-checks';
import { rememberProfile } from './profiles';

/** The LSP side: runs the job in the jobs worker thread, relaying progress and cancellation. */
export async function profile(p: ProfileParams, token: CancellationToken, progress: WorkDoneProgressReporter): Promise<ProfileResult> {
  try {
    checkCount(p.limit, 'limit', 0);
    checkCount(p.threads, 'threads', 1, 1024);
  } catch (e) {
    throw modelError(e);
  }
  progress.begin('Profiling', 0, 'starting ONNX Runtime', true);
  try {
    const r = await runJob<ProfileResult & { all: ProfileResult }>('profile', p, {
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

/** The worker side: load, analyse and measure (ONNX Runtime in its own child process). */
export async function runProfile(p: ProfileParams, signal: AbortSignal, onProgress: (m: string) => void): Promise<ProfileResult & { all: ProfileResult }> {
  const path = fileURLToPath(p.uri);
  const dims: Record<string, number> = {};
  for (const v of loadModelFile(path).model.graph.inputs) {
    if (v.type?.kind === 'tensor') for (const d of v.type.shape ?? []) if (typeof d === 'string') dims[d] = p.dims?.[d] ?? 1;
  }
  {
    const r = await profileModel(path, {
      bindings: { dims },
      mode: p.mode ?? 'deployed',
      runs: p.runs ?? 20,
      ...(p.threads ? { threads: p.threads } : {}),
      run: { signal, onProgress },
    });
    const limit = p.limit ?? 50;
    const nodes = [...r.nodes]
      .sort((a, b) => b[1].medianUs - a[1].medianUs)
      .slice(0, limit === 0 ? undefined : limit)
      .map(([n, x]) => ({ name: n.displayName, opType: n.opType, medianUs: x.medianUs, share: x.share, verdict: x.verdict }));
    const all = [...r.nodes].map(([n, x]) => ({ name: n.displayName, opType: n.opType, medianUs: x.medianUs, share: x.share, verdict: x.verdict }));
    const base = { mode: r.attribution.mode, medianMs: r.latency!.medianMs, p10Ms: r.latency!.p10Ms, p90Ms: r.latency!.p90Ms, coverage: r.attribution.coverage };
    return { ...base, nodes, all: { ...base, nodes: all } };
  }
}
