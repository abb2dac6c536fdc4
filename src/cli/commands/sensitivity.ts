// `layerlens sensitivity MODEL --quantize KIND | --decompose`: for every layer the method can compress,
// the model-output error with only that layer compressed (and the error at the layer's own output,
// alone and with every layer compressed), ranked worst first, with the layer's size and latency share.
// All candidates run in one ONNX Runtime worker that holds the original's outputs (src/node/compress).
import type { Command } from 'commander';
import { analyzeModel } from '../../core/analysis/analyze';
import { describeError } from '../../core/compress/budget';
import { sensitivityJson, type LayerSensitivity, type SensitivityReport } from '../../core/compress/sensitivity';
import { UsageError } from '../../core/errors';
import { tfliteUnsupported } from '../../core/tflite';
import { measureSensitivity } from '../../node/compress/measure-sensitivity';
import { loadModelFile } from '../../node/model-file';
import { inputSpecs, profileModel } from '../../node/ort/profile';
import { bytes, safe, table } from '../format';
import { bindingsFrom, parsePositiveInt, withBindingOptions, type BindingFlags } from '../options';
import { kindFrom, methodFrom, samplesFrom, withDecomposeOptions, withSampleOptions, type CompressFlags } from './compress-flags';

interface SensitivityFlags extends BindingFlags, CompressFlags {
  profile?: boolean;
  activations: boolean;
  only?: string[];
  top: number;
  timeout: number;
  json?: boolean;
}

export function registerSensitivity(program: Command): void {
  withSampleOptions(withDecomposeOptions(withBindingOptions(program.command('sensitivity'))))
    .description('per-layer error of quantizing (or factoring) one layer at a time, measured in ONNX Runtime, ranked worst first')
    .argument('<model>', 'an .onnx file (never modified)')
    .option('--quantize <kind>', 'int8 | int8-static | int4 | fp16')
    .option('--block-size <n>', 'int4: block size (16..256, power of 2)', '32')
    .option('--asymmetric', 'int4 with zero points (default: symmetric)')
    .option('--calibration <method>', 'int8-static: minmax | percentile (99.99)', 'minmax')
    .option('--profile', "measure each layer's latency share in ONNX Runtime (per node, optimizations off) instead of estimating it from the cost model")
    .option('--no-activations', "skip the error at each layer's own output (one run less per layer)")
    .option('--only <names...>', 'only these layers (names as analyze shows them)')
    .option('--top <n>', 'layers to list (--json lists all)', parsePositiveInt, 30)
    .option('--timeout <seconds>', 'stop when ONNX Runtime takes longer than this on one model', parsePositiveInt, 600)
    .option('--json', 'print one JSON object')
    .action(async (path: string, flags: SensitivityFlags) => {
      const kind = kindFrom(flags);
      if (!kind) throw new UsageError('choose what to measure: --quantize int8|int8-static|int4|fp16, or --decompose [--decompose-rank R | --decompose-energy E]');
      const bindings = bindingsFrom(flags);
      const loaded = loadModelFile(path);
      if (loaded.format === 'tflite') throw tfliteUnsupported('sensitivity');
      const model = loaded.model;
      const known = new Set(model.graph.nodes.map((n) => n.displayName));
      const unknown = (flags.only ?? []).filter((n) => !known.has(n));
      if (unknown.length) throw new UsageError(`--only ${unknown.map((u) => `'${u}'`).join(', ')}: not a node of the model (names as 'layerlens analyze' shows them)`);
      const specs = inputSpecs(analyzeModel(model, { bindings }).report);
      const samples = samplesFrom(flags, model, specs);
      const method = await methodFrom(kind, flags, model, samples, bindings);
      const controller = new AbortController();
      process.once('SIGINT', () => controller.abort());
      let measuredShares: Map<string, number> | undefined;
      if (flags.profile) {
        const p = await profileModel(path, { bindings, mode: 'per-node', runs: 10, machine: false, run: { signal: controller.signal, timeoutMs: flags.timeout * 1000 } });
        measuredShares = new Map([...p.nodes].map(([n, x]) => [n.displayName, x.share]));
      }
      const report = await measureSensitivity({
        model,
        path,
        samples,
        bindings,
        method,
        activations: flags.activations,
        ...(flags.only?.length ? { only: flags.only } : {}),
        ...(measuredShares ? { measuredShares } : {}),
        signal: controller.signal,
        timeoutMs: flags.timeout * 1000,
        onProgress: flags.json ? undefined : (m) => process.stderr.write(`sensitivity: ${m}\n`),
      });
      process.stdout.write((flags.json ? JSON.stringify(sensitivityJson(report), null, 2) : render(report, flags.top)) + '\n');
    });
}

const cos = (x: number | undefined): string => (x === undefined ? '—' : x.toFixed(6));
const share = (x: number | null): string => (x === null ? '?' : `${(100 * x).toFixed(1)} %`);

function render(r: SensitivityReport, top: number): string {
  const lines: string[] = [];
  const measured = r.layers.filter((l) => l.ok && l.error);
  lines.push(`${r.kind} (${r.ruleId}): ${measured.length} layer(s) measured, one at a time, on ${r.samples} ${r.inputs} input sample(s); worst first`);
  if (r.inputs === 'generated') lines.push('note: generated inputs can understate the error: give real ones with --inputs-from (docs/optimizations.md)');
  const rows = measured.slice(0, top).map((l: LayerSensitivity, i) => [
    String(i + 1),
    safe(l.name),
    safe(l.opType),
    cos(l.error?.cosine),
    l.error ? l.error.maxAbsError.toExponential(2) : '—',
    l.error?.top1 === null || l.error?.top1 === undefined ? '' : `${(100 * l.error.top1).toFixed(1)} %`,
    cos(l.activation?.cosine),
    cos(l.activationInFullModel?.cosine),
    bytes(l.sizeBytes),
    share(l.latencyShare),
  ]);
  lines.push(table(['#', 'layer', 'op', 'cosine', 'max abs err', 'top-1', 'act. cosine', 'act. cos (all)', 'size', `latency (${r.latencySource})`], rows, new Set([0, 3, 4, 5, 6, 7, 8, 9])));
  if (measured.length > top) lines.push(`(${measured.length - top} more; --top N or --json lists them)`);
  lines.push('cosine, max abs err, top-1: the model outputs (worst output) with only that layer compressed; act.: the layer\'s own output vs the float model\'s, alone and with every layer compressed');
  if (r.latencySource === 'estimated') lines.push('latency share: estimated from the cost model (roofline with nominal CPU figures); measure it with --profile');
  const refused = r.layers.filter((l) => !l.ok);
  for (const l of refused.slice(0, 10)) lines.push(`not a candidate: ${safe(l.name)}: ${safe(l.reason ?? '')}`);
  if (refused.length > 10) lines.push(`(${refused.length - 10} more refusals; --json lists all)`);
  if (r.full) lines.push(`all ${measured.length} layers compressed together: ${describeError(r.full)}`);
  else lines.push('no layer can be compressed by this method');
  return lines.join('\n');
}
