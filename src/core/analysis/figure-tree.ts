// The analysis's figure records arranged as the model's graphs: the main graph, If/Loop/Scan bodies
// under the node holding them, and model-local function bodies — each op node with its display name,
// its name as stored in the file, and its figure record. What the metric exports (src/core/export)
// read: they need the figures, the graph paths and the stored names, and nothing of the graph view.
import { recordOf, type NodeFigureRecord } from '../cost/figures';
import type { NodeCost } from '../cost/types';
import type { Graph, Node } from '../ir/graph';
import type { Model } from '../ir/model';
import type { Analysis } from './analyze';

export interface FigureNode extends NodeFigureRecord {
  /** Display name (ONNX Runtime's `<OpType>_<k>` for an unnamed node). */
  name: string;
  /** The name stored in the file ('' when it has none). */
  storedName: string;
  /** `Conv`, or `com.microsoft.FusedMatMul` outside the default domain. */
  opType: string;
  /** Names of the values it produces ('' for an omitted optional output). */
  outputs: string[];
  /** Bodies held in attributes, labelled `then_branch` or, in a list of graphs, `branches[1]`. */
  subgraphs: { attribute: string; kind: 'graph' | 'graphs'; graph: FigureGraph }[];
}

export interface FigureGraph {
  /** Op nodes in file order. */
  nodes: FigureNode[];
}

export interface FigureTree {
  info: { graphName: string; producer: string; irVersion: number; opsets: Record<string, number>; nodeCount: number };
  totals: Analysis['cost']['totals'];
  totalsIncomplete: boolean;
  main: FigureGraph;
  functions: { name: string; domain: string; overload: string; graph: FigureGraph }[];
}

function graphOf(g: Graph, costs: Map<Node, NodeCost>): FigureGraph {
  return {
    nodes: g.nodes.map((n) => {
      const c = costs.get(n);
      const subgraphs: FigureNode['subgraphs'] = [];
      for (const a of n.attributes) {
        if (a.kind === 'graph') subgraphs.push({ attribute: a.name, kind: 'graph', graph: graphOf(a.value, costs) });
        else if (a.kind === 'graphs') a.value.forEach((sub, i) => subgraphs.push({ attribute: `${a.name}[${i}]`, kind: 'graphs', graph: graphOf(sub, costs) }));
      }
      return {
        name: n.displayName,
        storedName: n.name,
        opType: n.domain ? `${n.domain}.${n.opType}` : n.opType,
        outputs: n.outputs.map((v) => v?.name ?? ''),
        ...recordOf(c),
        subgraphs,
      };
    }),
  };
}

/** The figure tree of a model and its analysis. */
export function figureTree(model: Model, analysis: Analysis): FigureTree {
  const costs = new Map(analysis.cost.nodes.map((c) => [c.node, c]));
  const r = analysis.report.model;
  return {
    info: { graphName: r.graphName, producer: r.producer, irVersion: r.irVersion, opsets: r.opsets, nodeCount: r.nodeCount },
    totals: { ...analysis.cost.totals },
    totalsIncomplete: analysis.cost.totalsIncomplete,
    main: graphOf(model.graph, costs),
    functions: model.functions.map((f) => ({ name: f.name, domain: f.domain, overload: f.overload, graph: graphOf(f.body, costs) })),
  };
}
