// `layerlens predict MODEL --device FILE|ID`: the model's latency on a target device, predicted
// without running it (the kernels ORT will run, each costed by the device profile's predictor of its
// class), per node, with the nodes the predictor does not cover and the profile's own error.
import type { Command } from 'commander';
import { basename } from 'node:path';
import { predictModel, type ModelPrediction } from '../../core/predict';
import type { DeviceProfile } from '../../core/predict/device-profile';
import { loadDeviceProfile } from '../../node/device-profiles';
import { loadModelFile } from '../../node/model-file';
import { safe, si, table } from '../format';
import { bindingsFrom, parsePositiveInt, withBindingOptions, type BindingFlags } from '../options';

interface PredictFlags extends BindingFlags {
  device: string;
  json?: boolean;
  top: number;
}

const key = (n: { graph: { path: string }; displayName: string }): string => (n.graph.path ? `${n.graph.path}/${n.displayName}` : n.displayName);

export function toJson(r: ModelPrediction, profile: DeviceProfile): object {
  const p = r.prediction;
  const byName = new Map([...p.nodes].map(([n, v]) => [key(n), v]));
  return {
    ...r.analysis.report,
    nodes: r.analysis.report.nodes.map((n) => {
      const v = byName.get(n.graph ? `${n.graph}/${n.name}` : n.name);
      return { ...n, predicted: v ? { us: v.us, kernel: v.kernel, method: v.method } : null };
    }),
    latency: { predictedMs: p.latency.predictedMs, method: p.latency.method, kernelsMs: p.latency.kernelsMs, overheadMs: p.latency.overheadMs, coveredShare: p.latency.coveredShare, incomplete: p.latency.incomplete },
    device: {
      id: profile.id,
      name: profile.name,
      kind: profile.kind,
      method: profile.method,
      validation: profile.validation,
      runtime: profile.runtime,
      roofline: profile.roofline,
      ...(profile.estimate ? { estimate: profile.estimate } : {}),
    },
    kernels: p.kernels.map((k) => ({
      kernel: k.kernel.name,
      op: k.kernel.domain ? `${k.kernel.domain}:${k.kernel.op}` : k.kernel.op,
      class: k.kernel.cls,
      role: k.kernel.role,
      ...(k.kernel.chargedTo ? { chargedTo: k.kernel.chargedTo.name } : {}),
      nodes: k.kernel.nodes.map(key),
      runs: k.kernel.runs,
      us: k.us,
      method: k.method,
      extrapolated: k.extrapolated,
      flops: k.kernel.features?.flops ?? null,
      bytes: k.kernel.features?.bytes ?? null,
    })),
    uncovered: p.uncovered.map((u) => ({ node: key(u.node), opType: u.node.opType, kernel: u.kernel, reason: u.reason, share: u.share })),
    folded: r.plan.folded.map((f) => ({ node: key(f.node), opType: f.node.opType, why: f.why })),
  };
}

function render(r: ModelPrediction, profile: DeviceProfile, path: string, top: number): string {
  const p = r.prediction;
  const l = p.latency;
  const lines: string[] = [];
  const label = profile.kind === 'estimate' ? 'ESTIMATE' : 'calibrated';
  lines.push(`${safe(basename(path))} on ${safe(profile.name)} [${label}]`);
  lines.push(`predicted latency: ${l.predictedMs.toFixed(3)} ms${l.incomplete ? ' (a lower bound: some kernels have unknown sizes)' : ''} = kernels ${l.kernelsMs.toFixed(3)} ms + run overhead ${l.overheadMs.toFixed(3)} ms; ${p.kernels.filter((k) => k.kernel.runs > 0).length} kernels`);
  lines.push(`method: ${safe(l.method)}`);
  if (profile.kind === 'estimate' && profile.estimate) {
    lines.push(`  peak ${safe(profile.estimate.derivation.peakGflops ?? '')}`);
    lines.push(`  bandwidth ${safe(profile.estimate.derivation.bandwidthGBs ?? '')}`);
    lines.push(`  assumptions: ${profile.estimate.assumptions.map(safe).join('; ')}`);
  } else if (!profile.validation) lines.push('  the profile reports no held-out error (too few samples)');
  if (l.coveredShare < 0.999) lines.push(`covered: ${(100 * l.coveredShare).toFixed(1)} % of kernel time by a predictor of the kernel's own class (the rest by the device's pooled model)`);
  lines.push('');
  const total = l.predictedMs * 1000;
  const rows = [...p.nodes].sort((a, b) => b[1].us - a[1].us).slice(0, top).map(([n, v]) => [safe(key(n)), safe(n.opType), v.us.toFixed(1), `${((100 * v.us) / Math.max(total, 1e-9)).toFixed(1)}%`, safe(v.kernel), v.method]);
  lines.push(table(['layer', 'op', 'predicted µs', 'share', 'kernel', 'method'], rows, new Set([2, 3])));
  const kernels = p.kernels.filter((k) => k.kernel.runs > 0 && k.us !== null).sort((a, b) => b.us! * b.kernel.runs - a.us! * a.kernel.runs).slice(0, Math.min(top, 8));
  lines.push('', 'slowest kernels:');
  lines.push(table(['kernel', 'class', 'µs', 'FLOPs', 'bytes', 'nodes'], kernels.map((k) => [safe(k.kernel.name).slice(0, 60), k.kernel.cls, (k.us! * k.kernel.runs).toFixed(1), si(k.kernel.features?.flops ?? null), si(k.kernel.features?.bytes ?? null, 'B'), String(k.kernel.nodes.length)]), new Set([2, 3, 4, 5])));
  if (p.uncovered.length) {
    lines.push('', `not covered by a calibrated predictor (${p.uncovered.length} node(s)):`);
    for (const u of p.uncovered.slice(0, 10)) lines.push(`  ${safe(key(u.node))} (${safe(u.node.opType)}): ${u.share === null ? 'share unknown' : `~${(100 * u.share).toFixed(1)} % of the latency`}; ${u.reason}`);
  }
  return lines.join('\n');
}

export function registerPredict(program: Command): void {
  withBindingOptions(program.command('predict'))
    .description('predict latency on a target device without running the model (a calibrated device profile, or a catalog estimate such as rpi5)')
    .argument('<model>', 'an .onnx file')
    .requiredOption('--device <file|id>', 'a device profile (layerlens calibrate) or a catalog id: rpi4, rpi5, orin-nano-cpu, a76-phone-core, x86-laptop')
    .option('--top <n>', 'layers to list', parsePositiveInt, 15)
    .option('--json', 'print one JSON object (docs/prediction.md)')
    .action((path: string, flags: PredictFlags) => {
      const profile = loadDeviceProfile(flags.device);
      const loaded = loadModelFile(path);
      const r = predictModel(loaded.model, profile, bindingsFrom(flags));
      process.stdout.write((flags.json ? JSON.stringify(toJson(r, profile), null, 2) : render(r, profile, path, flags.top)) + '\n');
    });
}
