// Google Model Explorer's "node data" JSON: one figure per node, colour-coded on the graph, which
// Model Explorer loads from its side panel, from `--node_data_paths`, or from its Python API.
//
// The file format (read from google-ai-edge/model-explorer):
//   - src/ui/src/components/visualizer/common/types.ts: NodeDataProviderData is an object keyed by
//     graph id whose values are NodeDataProviderGraphData { name?, results, thresholds?, gradient?, … };
//     `results` is keyed by node id (or by an output tensor name that a node lists as `tensor_name` in
//     its outputsMetadata), each value NodeDataProviderResultData { value, bgColor?, textColor? };
//     GradientItem { stop 0..1, bgColor?, textColor? } (hex or colour names), stops 0 and 1 required;
//   - node_data_provider_extension_service.ts getNodeDataProviderData / node_data_provider_dropdown.ts:
//     a file whose top level has `results` is applied to the graph on screen, any other file is taken
//     as keyed by graph id; numeric values get their colour from the gradient between the smallest
//     and the largest value of the graph's results;
//   - src/server/package/src/model_explorer/node_data_builder.py: ModelNodeData writes exactly that
//     graph-id-keyed object (GraphNodeData.results of NodeDataResult { value: number }).
//
// Which ids the ONNX adapter (justinchuby/model-explorer-onnx, src/model_explorer_onnx/main.py and
// _passes.py, the adapter Model Explorer's README links for ONNX) gives, so that the data lands:
//   1. onnx_ir's NameFixPass (onnx/ir-py src/onnx_ir/passes/common/naming.py) names every node first:
//      unnamed nodes become `node`, `node_1`, `node_2`, … and a name already used in the same graph
//      becomes `name_1`, …; one counter per base name for the main graph and all its bodies together
//      (visited node by node, each node's bodies right after it), a fresh one per function; the set of
//      used names is per graph;
//   2. EmbedIfPass moves the nodes of every ONNX If's branches into the graph holding the If, renamed
//      `<If node>/<attribute>/<name>` (nested Ifs compose: `a/then_branch/b/else_branch/c`);
//   3. graph ids: the main graph's name (`<main>` when the file has none); for every node of the main
//      graph (after step 2) holding a graph attribute, `<node>/<attribute>` (Loop/Scan bodies); a
//      function `[function]<domain>::<name>` (`::<overload>` when it has one). Node id = node name.
//      Bodies of nodes inside those bodies, lists of graphs, and bodies inside functions get no graph,
//      so their nodes cannot carry data. Output tensor names do not work as keys: the adapter writes
//      `__tensor_tag`, not `tensor_name`, in outputsMetadata.
import type { FigureGraph, FigureTree } from '../analysis/figure-tree';
import { figure, graphsOf, metricRows, valueOf, type Figure, type GraphRef, type LatencyEntry, type MetricRow } from './rows';

export interface MeResult {
  value: number;
  bgColor?: string;
  textColor?: string;
}

export interface MeGradientItem {
  stop: number;
  bgColor?: string;
  textColor?: string;
}

export interface MeThresholdItem {
  value: number;
  bgColor: string;
  textColor?: string;
}

/** One graph's node data (NodeDataProviderGraphData). */
export interface MeGraphNodeData {
  name?: string;
  results: Record<string, MeResult>;
  thresholds?: MeThresholdItem[];
  gradient?: MeGradientItem[];
  hideInAggregatedStatsTable?: boolean;
  hideInChildrenStatsTable?: boolean;
  hideAggregatedStats?: ('min' | 'max' | 'sum' | 'avg')[];
}

/** The whole file: graph id -> that graph's node data (NodeDataProviderData). */
export type MeNodeData = Record<string, MeGraphNodeData>;

/** Where a node lands in Model Explorer, or why it cannot. */
export type MePlacement = { graphId: string; nodeId: string } | { graphId: null; reason: string };

export interface MeExport {
  data: MeNodeData;
  /** Nodes left out: no Model Explorer graph shows them, or their figure is unknown / not measured. */
  skipped: { graph: string; name: string; reason: string }[];
}

/** Light to dark red: a node's colour says where its figure lies between the graph's smallest and largest. */
export const ME_GRADIENT: readonly MeGradientItem[] = [
  { stop: 0, bgColor: '#ffffff' },
  { stop: 0.5, bgColor: '#ffb74d' },
  { stop: 1, bgColor: '#c62828' },
];

/** Step 1: onnx_ir's NameFixPass over one root graph (the main graph or one function) and its bodies. */
function fixNames(root: FigureGraph, out: Map<FigureGraph, string[]>): void {
  const counter = new Map<string, number>();
  const unique = (preferred: string, used: Set<string>): string => {
    let name = preferred;
    while (used.has(name)) {
      const k = (counter.get(preferred) ?? 0) + 1;
      counter.set(preferred, k);
      name = `${preferred}_${k}`;
    }
    used.add(name);
    return name;
  };
  const visit = (g: FigureGraph): void => {
    const used = new Set<string>();
    const names: string[] = [];
    out.set(g, names);
    for (const n of g.nodes) {
      names.push(unique(n.storedName || 'node', used));
      for (const s of n.subgraphs) visit(s.graph);
    }
  };
  visit(root);
}

const isOnnxIf = (opType: string): boolean => opType === 'If' || opType === 'ai.onnx.If';

/**
 * The Model Explorer graph id and node id of every op node, per graph of graphsOf(tree), as the ONNX
 * adapter assigns them (steps 1-3 in the header) from the names stored in the file.
 */
export function modelExplorerIds(tree: FigureTree): MePlacement[][] {
  const graphs = graphsOf(tree);
  const fixed = new Map<FigureGraph, string[]>();
  fixNames(tree.main, fixed);
  for (const f of tree.functions) fixNames(f.graph, fixed);
  const index = new Map(graphs.map((g, i) => [g.graph, i]));
  const out: MePlacement[][] = graphs.map(() => []);
  const mainId = tree.info.graphName || '<main>';

  // Steps 2 and 3 for the main graph and its bodies: `host` is the Model Explorer graph that shows
  // this graph's nodes (null: none), `prefix` what EmbedIfPass puts before their names.
  const place = (g: FigureGraph, host: string | null, main: boolean, prefix: string, why: string): void => {
    const gi = index.get(g)!;
    g.nodes.forEach((n, k) => {
      const id = prefix + fixed.get(g)![k]!;
      out[gi]![k] = host === null ? { graphId: null, reason: why } : { graphId: host, nodeId: id };
      for (const s of n.subgraphs) {
        if (isOnnxIf(n.opType) && s.kind === 'graph') place(s.graph, host, main, `${id}/${s.attribute}/`, why);
        else if (host !== null && main && s.kind === 'graph') place(s.graph, `${id}/${s.attribute}`, false, '', '');
        else place(s.graph, null, false, '', s.kind === 'graphs' ? 'the ONNX adapter shows no graph for a list-of-graphs attribute' : 'the ONNX adapter shows the bodies of main-graph nodes only, not bodies inside bodies');
      }
    });
  };
  place(tree.main, mainId, true, '', '');
  tree.functions.forEach((f) => {
    const host = `[function]${f.domain}::${f.name}${f.overload ? `::${f.overload}` : ''}`;
    const gi = index.get(f.graph)!;
    f.graph.nodes.forEach((n, k) => {
      out[gi]![k] = { graphId: host, nodeId: fixed.get(f.graph)![k]! };
      const skip = (g: FigureGraph): void => {
        const gj = index.get(g)!;
        g.nodes.forEach((m, j) => {
          out[gj]![j] = { graphId: null, reason: 'the ONNX adapter shows no graph for bodies inside functions' };
          for (const s of m.subgraphs) skip(s.graph);
        });
      };
      for (const s of n.subgraphs) skip(s.graph);
    });
  });
  return out;
}

export interface MeOptions {
  /** Figure id from FIGURES (rows.ts): macs, flops, params, weight-bytes, activation-bytes, intensity, latency, share. */
  metric: string;
  /** Overrides the run name (default: the figure's label, with its unit). */
  name?: string;
}

const rowName = (r: MetricRow): { graph: string; name: string } => ({ graph: r.graph.path, name: r.node.name });

/**
 * Model Explorer node data for one figure: graph id -> { name, results: node id -> { value }, gradient }.
 * Values are the node's own figure for one run (as in the CSV); unknown figures are left out, never 0.
 * Graphs without any value are left out (Model Explorer then offers the file for the others only).
 */
export function toModelExplorer(tree: FigureTree, latency: readonly LatencyEntry[] | undefined, opts: MeOptions): MeExport {
  const fig: Figure | undefined = figure(opts.metric);
  if (!fig) throw new Error(`export: unknown figure '${opts.metric}'`);
  const ids = modelExplorerIds(tree);
  const rows = metricRows(tree, latency ?? []);
  const perGraph = new Map<string, [string, MeResult][]>();
  const seen = new Map<string, string>();
  const skipped: MeExport['skipped'] = [];
  for (const r of rows) {
    const p = ids[r.graph.index]![r.index]!;
    if (p.graphId === null) {
      skipped.push({ ...rowName(r), reason: p.reason });
      continue;
    }
    const value = valueOf(r, fig.key);
    if (value === null) {
      skipped.push({ ...rowName(r), reason: fig.measured ? 'not measured' : `${fig.id} unknown` });
      continue;
    }
    const key = `${p.graphId}\u0000${p.nodeId}`;
    const before = seen.get(key);
    if (before !== undefined) {
      skipped.push({ ...rowName(r), reason: `same Model Explorer node id '${p.nodeId}' as ${before}` });
      continue;
    }
    seen.set(key, describe(r.graph, r.node.name));
    let list = perGraph.get(p.graphId);
    if (!list) perGraph.set(p.graphId, (list = []));
    list.push([p.nodeId, { value }]);
  }
  // Object.fromEntries defines own properties, so ids such as `__proto__` stay ordinary keys.
  const data: MeNodeData = Object.fromEntries(
    [...perGraph].map(([graphId, results]) => [graphId, { name: opts.name ?? fig.label, results: Object.fromEntries(results), gradient: ME_GRADIENT.map((g) => ({ ...g })) }]),
  );
  return { data, skipped };
}

function describe(g: GraphRef, name: string): string {
  return g.path ? `'${name}' in ${g.path}` : `'${name}'`;
}
