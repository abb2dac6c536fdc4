// The profile request: ONNX Runtime measures the model in its worker process (the server thread only
// waits), reporting work-done progress; cancelling the request kills the worker.
import { fileURLToPath } from 'node:url';
import { LSPErrorCodes, ResponseError, type CancellationToken, type WorkDoneProgressReporter } from 'vscode-languageserver';
import { loadModelFile } from '../node/model-file';
import { profileModel } from '../node/profile-model';
import type { ProfileParams, ProfileResult } from '../protocol/requests';
import { rememberProfile } from './profiles';

export async function profile(p: ProfileParams, token: CancellationToken, progress: WorkDoneProgressReporter): Promise<ProfileResult> {
  const path = fileURLToPath(p.uri);
  const dims: Record<string, number> = {};
  for (const v of loadModelFile(path).model.graph.inputs) {
    if (v.type?.kind === 'tensor') for (const d of v.type.shape ?? []) if (typeof d === 'string') dims[d] = p.dims?.[d] ?? 1;
  }
  const controller = new AbortController();
  const sub = token.onCancellationRequested(() => controller.abort());
  progress.begin('Profiling', 0, 'starting ONNX Runtime', true);
  try {
    const r = await profileModel(path, {
      bindings: { dims },
      mode: p.mode ?? 'deployed',
      runs: p.runs ?? 20,
      run: { signal: controller.signal, onProgress: (m) => progress.report(m) },
    });
    const nodes = [...r.nodes]
      .sort((a, b) => b[1].medianUs - a[1].medianUs)
      .slice(0, 50)
      .map(([n, x]) => ({ name: n.displayName, opType: n.opType, medianUs: x.medianUs, share: x.share, verdict: x.verdict }));
    const all = [...r.nodes].map(([n, x]) => ({ name: n.displayName, opType: n.opType, medianUs: x.medianUs, share: x.share, verdict: x.verdict }));
    rememberProfile(p.uri, { mode: r.attribution.mode, medianMs: r.latency!.medianMs, p10Ms: r.latency!.p10Ms, p90Ms: r.latency!.p90Ms, coverage: r.attribution.coverage, nodes: all });
    return { mode: r.attribution.mode, medianMs: r.latency!.medianMs, p10Ms: r.latency!.p10Ms, p90Ms: r.latency!.p90Ms, coverage: r.attribution.coverage, nodes };
  } catch (e) {
    if (token.isCancellationRequested) throw new ResponseError(LSPErrorCodes.RequestCancelled, 'profiling was cancelled');
    throw e;
  } finally {
    sub.dispose();
    progress.done();
  }
}
