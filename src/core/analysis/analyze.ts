// analyze = shape inference + cost model, folded into the plain report of report.ts.
import { costModel } from '../cost';
import type { CostReport, NodeCost } from '../cost/types';
import { dataTypeName } from '../ir/data-type';
import type { Value } from '../ir/graph';
import type { Model } from '../ir/model';
import { inferShapes } from '../shape';
import type { Bindings, ShapeInference } from '../shape/types';
import type { AnalysisReport, NodeReport, TensorInfo } from './report';

export interface AnalyzeOptions {
  bindings?: Bindings;
  path?: string;
  /** Milliseconds the caller spent reading and decoding the file. */
  loadMs?: number;
}

export interface Analysis {
  report: AnalysisReport;
  shapes: ShapeInference;
  cost: CostReport;
}

export function analyzeModel(model: Model, options: AnalyzeOptions = {}): Analysis {
  const t0 = performance.now();
  const shapes = inferShapes(model, options.bindings ?? {});
  const t1 = performance.now();
  const cost = costModel(model, shapes);
  const t2 = performance.now();

  const info = (v: Value | null, fallbackName = ''): TensorInfo => {
    if (!v) return { name: fallbackName, shape: null, dtype: 'none' };
    const t = shapes.typeOf(v) ?? v.type;
    if (t && (t.kind === 'tensor' || t.kind === 'sparse_tensor')) {
      return { name: v.name, shape: t.shape ? [...t.shape] : null, dtype: dataTypeName(t.elemType) };
    }
    return { name: v.name, shape: null, dtype: t ? t.kind : 'unknown' };
  };
  const nodeReport = (c: NodeCost): NodeReport => ({
    name: c.name,
    opType: c.node.opType,
    domain: c.node.domain,
    graph: c.graphPath,
    macs: c.macs,
    flops: c.flops,
    params: c.params,
    weightBytes: c.weightBytes,
    activationBytes: c.activationBytes,
    intensity: c.intensity,
    known: c.known,
    runs: c.runs,
    ...(c.note ? { note: c.note } : {}),
    inputs: c.node.inputs.map((v) => info(v)),
    outputs: c.node.outputs.map((v) => info(v)),
  });

  const opsets: Record<string, number> = {};
  for (const o of model.opsetImports) opsets[o.domain || 'ai.onnx'] = o.version;
  let nested = 0;
  for (const n of model.graph.allNodes()) if (n.graph !== model.graph) nested++;
  for (const f of model.functions) nested += f.body.nodes.length;

  const warnings = [
    ...model.warnings,
    ...shapes.diagnostics.map((d) => (d.node ? `${d.node}: ${d.message}` : d.message)),
    ...cost.warnings,
  ];
  const report: AnalysisReport = {
    model: {
      ...(options.path !== undefined ? { path: options.path } : {}),
      irVersion: model.irVersion,
      opsets,
      producer: [model.producerName, model.producerVersion].filter(Boolean).join(' '),
      graphName: model.graph.name,
      nodeCount: model.graph.nodes.length,
      nestedNodeCount: nested,
    },
    inputs: model.graph.inputs.filter((v) => !v.initializer).map((v) => info(v)),
    outputs: model.graph.outputs.map((v) => info(v)),
    totals: { ...cost.totals },
    totalsIncomplete: cost.totalsIncomplete,
    activationBytesIncomplete: cost.activationBytesIncomplete,
    nodes: cost.nodes.map(nodeReport),
    byOp: cost.byOp.map((o) => ({ ...o })),
    unknownOps: cost.unknownOps.map((u) => ({ ...u, nodes: [...u.nodes] })),
    warnings,
    timings: { loadMs: round(options.loadMs ?? 0), shapeMs: round(t1 - t0), costMs: round(t2 - t1) },
  };
  return { report, shapes, cost };
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
