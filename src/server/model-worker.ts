// The model worker thread: binary .onnx files are loaded, analysed and kept here (model-cache.ts), so
// the language server's main thread never decodes or analyses a model file itself. It answers the
// graph view, node details, list fixes and model summary requests for `file:` URIs.
// Protocol: {id, op, args} in; {id, result} or {id, error: {name, message}} out, in order.
import { parentPort } from 'node:worker_threads';
import type { Analysis } from '../core/analysis/analyze';
import { LayerLensError } from '../core/errors';
import { figureTree } from '../core/analysis/figure-tree';
import { exportMetrics } from '../core/export';
import type { DimBindings, ExportMetricsParams, ExportMetricsResult, GraphViewText, ListFixesResult, ModelErrorData, ModelSummaryResult, NodeDetailsResult } from '../protocol/requests';
import { describeNode, findNode, fixesIn } from './details';
import { cachedModel, invalidate, sitesOf, statsOf, viewJsonOf } from './model-cache';
import { weightStats } from './weight-stats';

/** Each operation's arguments and result. */
export interface ModelOps {
  /** The ViewModel (src/protocol/view-model.ts) as JSON text, with the model's totals. */
  graphView: { args: { path: string; dims: DimBindings }; result: GraphViewText };
  exportMetrics: { args: { path: string; dims: DimBindings } & Omit<ExportMetricsParams, 'uri' | 'dims'>; result: ExportMetricsResult };
  nodeDetails: { args: { path: string; dims: DimBindings; node: string }; result: NodeDetailsResult | null };
  listFixes: { args: { path: string; dims: DimBindings; node: string }; result: ListFixesResult };
  modelSummary: { args: { path: string; dims: DimBindings }; result: ModelSummaryResult };
  invalidate: { args: { path: string }; result: { dropped: number } };
}
export type ModelOp = keyof ModelOps;
export type ModelRequestMessage = { [K in ModelOp]: { id: number; op: K; args: ModelOps[K]['args'] } }[ModelOp];
export type ModelReplyMessage = { id: number; result: unknown } | { id: number; error: ModelErrorData };

function nodeDetails(a: ModelOps['nodeDetails']['args']): NodeDetailsResult | null {
  const e = cachedModel(a.path, a.dims);
  const d = describeNode(e.model, e.analysis, a.node, sitesOf(e));
  if (!d) return null;
  const n = findNode(e.model, a.node)!;
  const weights = n.inputs.flatMap((v, i) => {
    const t = v?.constant;
    return t ? [statsOf(e, t, i, weightStats)] : [];
  });
  return { ...d, weights };
}

function summaryOf(a: Analysis): ModelSummaryResult {
  const t = a.cost.totals;
  return { nodes: a.report.model.nodeCount, macs: t.macs, flops: t.flops, params: t.params, weightBytes: t.weightBytes, totalsIncomplete: a.cost.totalsIncomplete };
}

function run(m: ModelRequestMessage): unknown {
  switch (m.op) {
    case 'graphView': {
      const e = cachedModel(m.args.path, m.args.dims);
      return { json: viewJsonOf(e), summary: summaryOf(e.analysis) } satisfies GraphViewText;
    }
    case 'exportMetrics': {
      const { path, dims, format, metric, latency, profile } = m.args;
      const e = cachedModel(path, dims);
      return exportMetrics(figureTree(e.model, e.analysis), format, {
        ...(latency ? { latency } : {}),
        ...(metric ? { metric } : {}),
        json: { path, ...(profile ? { profile } : {}) },
      }) satisfies ExportMetricsResult;
    }
    case 'nodeDetails':
      return nodeDetails(m.args);
    case 'listFixes': {
      const e = cachedModel(m.args.path, m.args.dims);
      return { fixes: fixesIn(sitesOf(e), m.args.node) } satisfies ListFixesResult;
    }
    case 'modelSummary':
      return summaryOf(cachedModel(m.args.path, m.args.dims).analysis);
    case 'invalidate':
      return { dropped: invalidate(m.args.path) };
  }
}

parentPort?.on('message', (m: ModelRequestMessage) => {
  let reply: ModelReplyMessage;
  try {
    reply = { id: m.id, result: run(m) };
  } catch (e) {
    const error: ModelErrorData = e instanceof LayerLensError ? { name: e.name, message: e.message } : { name: 'Error', message: String((e as Error)?.message ?? e) };
    reply = { id: m.id, error };
  }
  parentPort!.postMessage(reply);
});
