// CSV export: one record per op node of every graph (bodies and function bodies included, each
// with its graph path), a header naming each figure's unit, RFC 4180 syntax (CRLF line ends, every
// text field in double quotes with inner quotes doubled, so commas and newlines in names are data).
//
// Formula injection: names come from the model file, and a spreadsheet runs a cell that starts with
// `=`, `+`, `-` or `@` (also tab, CR) as a formula (`=cmd|' /C calc'!A0`). As OWASP's CSV Injection
// page recommends, such a text field gets a leading single quote inside its quotes, which spreadsheets
// read as "this is text". LayerLens also guards a leading LF and NUL (OWASP ASVS 1.2.10 lists NUL) and
// a leading `'` itself, so that the rule is reversible: a text field that starts with `'` had exactly
// one `'` added. Numbers are never quoted or prefixed (LayerLens's figures are never negative).
import type { FigureTree } from '../analysis/figure-tree';
import { FIGURES, metricRows, valueOf, type LatencyEntry, type MetricRow } from './rows';

/** First characters a spreadsheet may evaluate (and `'`, so that the guard can be undone). */
const TRIGGER = /^[=+\-@\t\r\n\0']/;

/** One text field: formula-guarded, always quoted, quotes doubled. */
export function csvText(text: string): string {
  const guarded = TRIGGER.test(text) ? `'${text}` : text;
  return `"${guarded.replace(/"/g, '""')}"`;
}

function csvNumber(n: number | null): string {
  return n === null || !Number.isFinite(n) ? '' : String(n);
}

export const CSV_COLUMNS: readonly string[] = ['graph', 'node', 'op_type', 'known', 'runs [count]', ...FIGURES.map((f) => f.csv), 'note'];

/**
 * The CSV text (UTF-8, no byte-order mark). Empty figure fields are unknown (or not measured), never 0.
 * `runs` is how many times the node's one-run figures enter the model totals (Loop trip counts; 0 for
 * the uncounted If branch and for function bodies, whose cost is on the call node).
 */
export function toCsv(tree: FigureTree, latency?: readonly LatencyEntry[]): string {
  return csvRows(metricRows(tree, latency ?? []));
}

/** The CSV text of some rows (a header and one record per row, in the order given). */
export function csvRows(rows: readonly MetricRow[]): string {
  const lines = [CSV_COLUMNS.map(csvText).join(',')];
  for (const r of rows) {
    lines.push(
      [
        csvText(r.graph.path),
        csvText(r.node.name),
        csvText(r.node.opType),
        r.node.known ? 'true' : 'false',
        csvNumber(r.node.runs),
        ...FIGURES.map((f) => csvNumber(valueOf(r, f.key))),
        csvText(r.node.note ?? ''),
      ].join(','),
    );
  }
  return lines.join('\r\n') + '\r\n';
}
