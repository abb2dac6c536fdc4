// The node names as they are stored in the file (the view model shows ONNX Runtime's `<OpType>_<k>`
// for unnamed nodes and keeps the stored name beside it as `storedName`). Viewers that read the .onnx file themselves key
// their nodes by these stored names — Netron by the raw name, Model Explorer's ONNX adapter by a name
// it derives from it — so those two exports need them to land on the right nodes. The tree mirrors
// the view model: one entry per op node of a graph, in file order, with its bodies.
import type { Graph } from '../ir/graph';
import type { Model } from '../ir/model';
import type { ViewGraph, ViewModel } from '../view/view-model';

export interface NodeNames {
  /** The node's name in the file ('' when it has none). */
  stored: string;
  /** Bodies held in attributes, labelled as in the view model (`then_branch`, `branches[1]`). */
  subgraphs: { attribute: string; kind: 'graph' | 'graphs'; graph: GraphNames }[];
}

export interface GraphNames {
  nodes: NodeNames[];
}

export interface SourceNames {
  /** The main graph's name in the file. */
  graphName: string;
  main: GraphNames;
  functions: { domain: string; name: string; overload: string; graph: GraphNames }[];
}

function fromGraph(g: Graph): GraphNames {
  return {
    nodes: g.nodes.map((n) => ({
      stored: n.name,
      subgraphs: n.attributes.flatMap((a): NodeNames['subgraphs'] =>
        a.kind === 'graph'
          ? [{ attribute: a.name, kind: 'graph', graph: fromGraph(a.value) }]
          : a.kind === 'graphs'
            ? a.value.map((sub, i) => ({ attribute: `${a.name}[${i}]`, kind: 'graphs', graph: fromGraph(sub) }))
            : [],
      ),
    })),
  };
}

/** The stored names of a model's nodes (the model the view model was built from). */
export function sourceNames(model: Model): SourceNames {
  return {
    graphName: model.graph.name,
    main: fromGraph(model.graph),
    functions: model.functions.map((f) => ({ domain: f.domain, name: f.name, overload: f.overload, graph: fromGraph(f.body) })),
  };
}

function fromView(g: ViewGraph): GraphNames {
  return {
    nodes: g.nodes
      .filter((n) => n.kind === 'op')
      .map((n) => ({
        stored: n.storedName ?? n.name,
        // the view model labels a list-of-graphs attribute's bodies `name[i]`
        subgraphs: (n.subgraphs ?? []).map((s) => ({ attribute: s.attribute, kind: /\[\d+\]$/.test(s.attribute) ? ('graphs' as const) : ('graph' as const), graph: fromView(s.graph) })),
      })),
  };
}

/** The stored names read back from a view model (its `storedName`s): the same as sourceNames(model). */
export function namesFromView(view: ViewModel): SourceNames {
  return {
    graphName: view.info.graphName,
    main: fromView(view),
    functions: view.functions.map((f) => ({ domain: f.domain, name: f.name, overload: f.overload, graph: fromView(f.graph) })),
  };
}

/**
 * The names of every graph in the order of graphsOf (rows.ts): main graph, bodies depth first in node
 * order, then function bodies. Throws when `names` was not read from the model of `view`.
 */
export function namesByGraph(names: SourceNames, view: ViewModel, graphs: readonly { graph: ViewGraph }[]): GraphNames[] {
  const out: GraphNames[] = [];
  const walk = (g: GraphNames): void => {
    out.push(g);
    for (const n of g.nodes) for (const s of n.subgraphs) walk(s.graph);
  };
  walk(names.main);
  for (const f of names.functions) walk(f.graph);
  const fits = out.length === graphs.length && out.every((g, i) => g.nodes.length === graphs[i]!.graph.nodes.filter((n) => n.kind === 'op').length);
  if (!fits || names.functions.length !== view.functions.length) throw new Error('export: the stored names are not those of the model the view model was built from');
  return out;
}
