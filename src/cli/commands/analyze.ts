// `layerlens analyze MODEL`: shapes and cost of every layer, as a table, JSON or CSV.
import type { Command } from 'commander';
import { analyzeModel } from '../../core/analysis/analyze';
import type { AnalysisReport, NodeReport, TensorInfo } from '../../core/analysis/report';
import { UsageError } from '../../core/errors';
import { loadModelFile } from '../../node/model-file';
import { figureTree } from '../../core/analysis/figure-tree';
import { csvRows, metricRows } from '../../core/export';
import { bytes, csv, pct, safe, si, table, total } from '../format';
import { bindingsFrom, parsePositiveInt, type BindingFlags, withBindingOptions } from '../options';

interface AnalyzeFlags extends BindingFlags {
  json?: boolean;
  csv?: boolean;
  byOp?: boolean;
  top?: number;
}

export function registerAnalyze(program: Command): void {
  withBindingOptions(program.command('analyze'))
    .description('infer shapes and count MACs, FLOPs, parameters and bytes of every layer')
    .argument('<model>', 'an .onnx or .tflite file')
    .option('--json', 'print one JSON object (see docs/cli.md)')
    .option('--csv', 'print one CSV row per node')
    .option('--by-op', 'summarise by op type instead of listing layers')
    .option('--top <n>', 'list only the N most expensive layers (by MACs, then FLOPs)', parsePositiveInt)
    .action((path: string, flags: AnalyzeFlags) => {
      if (flags.json && flags.csv) throw new UsageError('choose one of --json and --csv');
      const loaded = loadModelFile(path);
      const analysis = analyzeModel(loaded.model, {
        bindings: bindingsFrom(flags),
        path,
        loadMs: loaded.readMs + loaded.decodeMs,
      });
      if (flags.csv && !flags.byOp) {
        // The same CSV as `layerlens export --format csv` (docs/exports.md), heaviest first with --top.
        const rows = metricRows(figureTree(loaded.model, analysis));
        const byCost = (a: (typeof rows)[number], b: (typeof rows)[number]): number => (b.node.macs ?? -1) - (a.node.macs ?? -1) || (b.node.flops ?? -1) - (a.node.flops ?? -1);
        process.stdout.write(csvRows(flags.top ? [...rows].sort(byCost).slice(0, flags.top) : rows));
        return;
      }
      process.stdout.write(render(analysis.report, flags) + '\n');
    });
}

function ranked(report: AnalysisReport, top?: number): NodeReport[] {
  const nodes = [...report.nodes].sort((a, b) => (b.macs ?? -1) - (a.macs ?? -1) || (b.flops ?? -1) - (a.flops ?? -1));
  return top ? nodes.slice(0, top) : nodes;
}

function shapeText(t: TensorInfo): string {
  return t.shape ? `[${t.shape.map((d) => (d === null ? '?' : d)).join(',')}]` : '?';
}

export function render(report: AnalysisReport, flags: AnalyzeFlags): string {
  if (flags.json) {
    const nodes = flags.top ? ranked(report, flags.top) : report.nodes;
    return JSON.stringify({ ...report, nodes }, null, 2);
  }
  if (flags.csv) {
    // Per op type; `incomplete` marks sums that leave out unknown figures (lower bounds).
    return csv(
      ['opType', 'domain', 'count', 'macs [MACs]', 'flops [FLOPs]', 'params [elements]', 'incomplete'],
      report.byOp.map((o) => [o.opType, o.domain, o.count, o.macs, o.flops, o.params, String(o.incomplete)]),
    );
  }
  const t = report.totals;
  const lines: string[] = [];
  const m = report.model;
  lines.push(
    `${safe(m.path ?? m.graphName)}: ${'tflite' in m.opsets ? `TFLite schema ${m.opsets['tflite']}` : `IR ${m.irVersion}, opsets ${Object.entries(m.opsets).map(([d, v]) => `${safe(d)} ${v}`).join(', ')}`}` +
      (m.producer ? `, made by ${safe(m.producer)}` : ''),
  );
  lines.push(`${m.nodeCount} nodes` + (m.nestedNodeCount ? ` (+${m.nestedNodeCount} in subgraphs/functions)` : ''));
  lines.push(`inputs:  ${report.inputs.map((i) => `${safe(i.name)} ${i.dtype}${shapeText(i)}`).join(', ')}`);
  lines.push(`outputs: ${report.outputs.map((i) => `${safe(i.name)} ${i.dtype}${shapeText(i)}`).join(', ')}`);
  lines.push('');
  if (flags.byOp) {
    const ops = [...report.byOp].sort((a, b) => b.macs - a.macs || b.flops - a.flops);
    lines.push(
      table(
        ['op', 'count', 'MACs', 'share', 'FLOPs', 'params'],
        ops.map((o) => [
          safe(o.domain ? `${o.domain}.${o.opType}` : o.opType),
          String(o.count),
          total(o.macs, '', o.incomplete),
          o.incomplete && o.macs === 0 ? '?' : pct(o.macs, t.macs),
          total(o.flops, '', o.incomplete),
          si(o.params),
        ]),
        new Set([1, 2, 3, 4, 5]),
      ),
    );
  } else {
    const nodes = ranked(report, flags.top);
    lines.push(
      table(
        ['layer', 'op', 'MACs', 'share', 'FLOPs', 'params', 'output'],
        nodes.map((n) => [
          safe((n.graph ? `${n.graph}/` : '') + n.name),
          safe(n.opType),
          si(n.macs),
          n.macs === null ? '?' : pct(n.macs, t.macs),
          si(n.flops),
          si(n.params),
          n.outputs.map(shapeText).join(' '),
        ]),
        new Set([2, 3, 4, 5]),
      ),
    );
    if (flags.top && report.nodes.length > nodes.length) lines.push(`(${report.nodes.length - nodes.length} more layers; drop --top to list all)`);
  }
  lines.push('');
  lines.push(
    `total: ${total(t.macs, 'MACs', report.totalsIncomplete)}, ${total(t.flops, 'FLOPs', report.totalsIncomplete)}, ${si(t.params, 'params')} (${bytes(t.weightBytes)} of weights), ` +
      `${report.activationBytesIncomplete ? (t.activationBytes === 0 ? '?' : `≥${bytes(t.activationBytes)}`) : bytes(t.activationBytes)} of activations` + (report.totalsIncomplete ? ' — lower bounds: some layers could not be costed' : ''),
  );
  for (const u of report.unknownOps) {
    lines.push(`unknown op: ${safe(u.domain ? `${u.domain}.${u.opType}` : u.opType)} x${u.count} (not costed, not counted as 0)`);
  }
  for (const w of report.warnings) lines.push(`warning: ${safe(w)}`);
  lines.push(`time: load ${report.timings.loadMs} ms, shapes ${report.timings.shapeMs} ms, cost ${report.timings.costMs} ms`);
  return lines.join('\n');
}
