// Netron attachment: a JSON file that Netron attaches to the model it has open (open the model, then
// open this file the same way); its figures then show in the "Metrics" section of a node's
// properties, its notes under "Metadata".
//
// The format, read from lutzroeder/netron source/view.js (metadata.Attachment, Attachment.Container,
// View.attach) and source/onnx.js (onnx.Node, onnx.Value):
//   - the file name must end in `.json` and its top level must have `"signature": "netron:attachment"`;
//     it may hold two lists, `metadata` and `metrics`, of items { kind, target, name, value, type? };
//   - an item is found by `<kind>::<target>` where kind is model | graph | node | value | tensor and
//     target the object's name, first line only (Netron cuts a name at its first newline);
//     `identifier` instead of `target` exists for formats whose nodes carry one (ONNX nodes do not);
//   - an ONNX node's name is its stored name, '' when it has none, and Netron looks nothing up for an
//     empty name: unnamed nodes cannot carry items. LayerLens puts an unnamed node's figures on the
//     value it produces (kind `value`, target its first output tensor), shown when that edge is selected;
//   - model and graph items are looked up through wrappers without a name (metrics.Model,
//     metrics.Target), so model metrics must use target '' — a graph target would match every graph,
//     so LayerLens writes model totals only;
//   - names are not qualified by graph: nodes in bodies are found by name alone, and two nodes of one
//     name share one entry (LayerLens keeps the first and says so in the node's metadata);
//   - values are shown as `String(value)`: numbers stay numbers, units go in the item's name.
import type { FigureTree } from '../analysis/figure-tree';
import { FIGURES, metricRows, valueOf, type LatencyEntry } from './rows';

export const NETRON_SIGNATURE = 'netron:attachment' as const;

export interface NetronItem {
  kind: 'model' | 'graph' | 'node' | 'value' | 'tensor';
  target: string;
  name: string;
  value: number | string;
  type?: string;
}

export interface NetronAttachment {
  signature: typeof NETRON_SIGNATURE;
  metadata: NetronItem[];
  metrics: NetronItem[];
}

export interface NetronExport {
  data: NetronAttachment;
  skipped: { graph: string; name: string; reason: string }[];
}

const firstLine = (s: string): string => s.split('\n')[0]!;

export function toNetronAttachment(tree: FigureTree, latency?: readonly LatencyEntry[]): NetronExport {
  const metadata: NetronItem[] = [];
  const metrics: NetronItem[] = [];
  const skipped: NetronExport['skipped'] = [];
  const t = tree.totals;
  const model = (name: string, value: number): void => void metrics.push({ kind: 'model', target: '', name, value });
  model('total MACs (multiply-accumulates)', t.macs);
  model('total FLOPs (operations)', t.flops);
  model('total params (elements)', t.params);
  model('total weights (bytes)', t.weightBytes);
  model('total activations (bytes)', t.activationBytes);
  if (tree.totalsIncomplete) metadata.push({ kind: 'model', target: '', name: 'LayerLens totals', value: 'lower bounds: some nodes could not be costed' });

  const owners = new Map<string, { desc: string; count: number; kind: NetronItem['kind']; target: string }>();
  for (const r of metricRows(tree, latency ?? [])) {
    const stored = r.node.storedName;
    const desc = r.graph.path ? `'${r.node.name}' in ${r.graph.path}` : `'${r.node.name}'`;
    let kind: NetronItem['kind'] = 'node';
    let target = firstLine(stored);
    if (!target) {
      const out = r.node.outputs.find((o) => firstLine(o) !== '');
      if (!out) {
        skipped.push({ graph: r.graph.path, name: r.node.name, reason: 'unnamed node without a named output: Netron cannot find it' });
        continue;
      }
      kind = 'value';
      target = firstLine(out);
    }
    const key = `${kind}::${target}`;
    const owner = owners.get(key);
    if (owner) {
      owner.count++;
      skipped.push({ graph: r.graph.path, name: r.node.name, reason: `Netron finds it by the same ${kind} name as ${owner.desc}` });
      continue;
    }
    owners.set(key, { desc, count: 1, kind, target });
    const meta = (name: string, value: string): void => void metadata.push({ kind, target, name, value });
    if (kind === 'value') meta('LayerLens node', `${r.node.name} (${r.node.opType}, unnamed in the file): the figures are those of the node producing this value`);
    if (r.graph.path) meta('LayerLens graph', r.graph.path);
    if (r.node.note) meta('LayerLens note', r.node.note);
    metrics.push({ kind, target, name: 'runs (times counted in the model totals)', value: r.node.runs });
    for (const f of FIGURES) {
      const v = valueOf(r, f.key);
      if (v !== null) metrics.push({ kind, target, name: f.label, value: v });
    }
  }
  for (const o of owners.values()) {
    if (o.count > 1) metadata.push({ kind: o.kind, target: o.target, name: 'LayerLens', value: `${o.count} nodes share this name in Netron's lookup; the figures are those of ${o.desc}` });
  }
  return { data: { signature: NETRON_SIGNATURE, metadata, metrics }, skipped };
}
