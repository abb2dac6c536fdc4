// `layerlens export MODEL --format csv|json|model-explorer|netron`: the per-node figures (and, with
// --profile, measured latency) in a file other tools load (docs/exports.md). The formats are the
// pure functions of src/core/export; this command reads the model, optionally profiles it with the
// `profile` command's own code, and writes the result atomically (temp file + rename).
import { Option, type Command } from 'commander';
import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { analyzeModel } from '../../core/analysis/analyze';
import { UsageError } from '../../core/errors';
import { EXPORT_FORMATS, exportMetrics, FIGURES, figure, figureTree, type ExportFormat, type ExportResult, type LatencyEntry } from '../../core/export';
import type { ProfileMode } from '../../core/profile/runtime';
import { loadModelFile } from '../../node/model-file';
import { writeFileAtomic } from '../../node/files/atomic-file';
import { profileModel } from '../../node/ort/profile';
import { safe } from '../format';
import { bindingsFrom, parsePositiveInt, type BindingFlags, withBindingOptions } from '../options';
import { toJson as profileJson } from './profile';

interface ExportFlags extends BindingFlags {
  format: ExportFormat;
  output?: string;
  metric?: string;
  profile?: boolean;
  runs: number;
  mode: ProfileMode;
  timeout: number;
}

/** The `profile` command's JSON, as far as the export reads it. */
interface ProfiledJson {
  nodes: { name: string; graph: string; latency?: { medianUs: number; share: number } }[];
  latency: { mode: ProfileMode; runs: number; medianMs: number } | null;
  attribution: { mode: ProfileMode; coverage: number };
}

export function registerExport(program: Command): void {
  withBindingOptions(program.command('export'))
    .description("write every node's MACs, FLOPs, params, bytes, intensity (and measured latency) as CSV, JSON, Model Explorer node data or a Netron attachment")
    .argument('<model>', 'an .onnx or .tflite file')
    .addOption(new Option('--format <format>', 'what to write (see docs/exports.md)').choices(EXPORT_FORMATS).makeOptionMandatory())
    .option('-o, --output <file>', 'write to FILE (atomically) instead of stdout')
    .addOption(new Option('--metric <figure>', 'model-explorer: the figure to carry (default: latency with --profile, else macs)').choices(FIGURES.map((f) => f.id)))
    .option('--profile', 'measure latency first (as `layerlens profile` does) and export it too')
    .option('--runs <n>', 'with --profile: timed runs', parsePositiveInt, 20)
    .addOption(new Option('--mode <mode>', 'with --profile: deployed (ORT optimizations on) or per-node').choices(['deployed', 'per-node']).default('deployed'))
    .option('--timeout <sec>', 'with --profile: stop a run that takes longer', parsePositiveInt, 600)
    .action(async (path: string, flags: ExportFlags) => {
      const metric = flags.metric ?? (flags.profile ? 'latency' : 'macs');
      if (flags.metric && flags.format !== 'model-explorer') throw new UsageError('--metric applies to --format model-explorer only (the other formats carry every figure)');
      if (figure(metric)!.measured && !flags.profile) throw new UsageError(`--metric ${metric} is measured: add --profile`);
      if (flags.output) checkWritable(flags.output);

      const bindings = bindingsFrom(flags);
      const loaded = loadModelFile(path);
      const analysis = analyzeModel(loaded.model, { bindings, path, loadMs: loaded.readMs + loaded.decodeMs });
      const tree = figureTree(loaded.model, analysis);

      let latency: LatencyEntry[] | undefined;
      let measured: { mode: string; runs: number; medianMs: number; coverage: number } | undefined;
      if (flags.profile) {
        const controller = new AbortController();
        process.once('SIGINT', () => controller.abort());
        const profiled = await profileModel(path, {
          bindings,
          mode: flags.mode,
          runs: flags.runs,
          machine: false,
          run: { signal: controller.signal, timeoutMs: flags.timeout * 1000, onProgress: (m) => process.stderr.write(`profile: ${m}\n`) },
        });
        // The profile command's own JSON: its nodes carry the analyze graph path, name and latency.
        const j = profileJson(profiled) as ProfiledJson;
        latency = j.nodes.flatMap((n) => (n.latency ? [{ graph: n.graph, name: n.name, medianUs: n.latency.medianUs, share: n.latency.share }] : []));
        measured = { mode: j.attribution.mode, runs: j.latency?.runs ?? 0, medianMs: j.latency?.medianMs ?? 0, coverage: j.attribution.coverage };
      }

      const result = exportMetrics(tree, flags.format, {
        ...(latency ? { latency } : {}),
        metric,
        json: { path, ...(measured ? { profile: measured } : {}) },
      });
      summarizeSkipped(result, flags.format);
      if (flags.output) {
        try {
          writeFileAtomic(flags.output, [new TextEncoder().encode(result.text)]);
        } catch (e) {
          throw new UsageError(`-o ${flags.output}: cannot write it (${(e as Error).message})`);
        }
        process.stderr.write(`export: wrote ${safe(flags.output)} (${flags.format}${flags.format === 'model-explorer' ? `, ${metric}` : ''})\n`);
      } else {
        process.stdout.write(result.text);
      }
    });
}

/** -o must name a file in an existing folder: fail before any work, as a usage error (exit 2). */
function checkWritable(out: string): void {
  const dir = dirname(resolve(out));
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UsageError(`-o ${out}: folder ${dir} does not exist`);
  if (existsSync(out) && statSync(out).isDirectory()) throw new UsageError(`-o ${out}: is a folder`);
}

/** What the format could not carry, summarised on stderr by reason. */
function summarizeSkipped(result: ExportResult, format: ExportFormat): void {
  const byReason = new Map<string, string[]>();
  for (const s of result.skipped) {
    let nodes = byReason.get(s.reason);
    if (!nodes) byReason.set(s.reason, (nodes = []));
    nodes.push(s.graph ? `${s.graph}/${s.name}` : s.name);
  }
  for (const [reason, nodes] of byReason) {
    const list = nodes.slice(0, 3).map((n) => `'${safe(n)}'`).join(', ') + (nodes.length > 3 ? `, … (${nodes.length - 3} more)` : '');
    process.stderr.write(`export: ${format}: ${nodes.length} node(s) left out (${safe(reason)}): ${list}\n`);
  }
}
