// The profile job (in the jobs worker): load the model, bind its symbolic dims (given ones, else 1),
// and measure it in ONNX Runtime (its own child process, src/node/profile-model.ts); the `limit`
// slowest nodes are returned (0 = all), and every node as `all` for the server to remember.
import { fileURLToPath } from 'node:url';
import { loadModelFile } from '../../node/model-file';
import { profileModel } from '../../node/ort/profile';
import type { ProfileParams, ProfileResult } from '../../protocol/requests';

export async function runProfile(p: ProfileParams, signal: AbortSignal, onProgress: (m: string) => void): Promise<ProfileResult & { all: ProfileResult }> {
  const path = fileURLToPath(p.uri);
  const dims: Record<string, number> = {};
  for (const v of loadModelFile(path).model.graph.inputs) {
    if (v.type?.kind === 'tensor') for (const d of v.type.shape ?? []) if (typeof d === 'string') dims[d] = p.dims?.[d] ?? 1;
  }
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
