// The model worker thread: binary .onnx files are loaded, analysed and kept here (model-cache.ts), so
// the language server's main thread never decodes or analyses a model file itself. It answers the
// graph view, node details, list fixes and model summary requests for `file:` URIs.
// Protocol: {id, op, args} in; {id, result} or {id, error: {name, message}} out, in order.
import { parentPort } from 'node:worker_threads';
import { LayerLensError } from '../core/errors';
import type { DimBindings, ListFixesResult, ModelErrorData, ModelSummaryResult, NodeDetailsResult } from '../protocol/requests';
import { describeNode, findNode, fixesIn } from './details';
import { cachedModel, invalidate, sitesOf, statsOf, viewJsonOf } from './model-cache';
import { weightStats } from './weight-stats';

/** Each operation's arguments and result. */
export interface ModelOps {
  /** The ViewModel (src/core/view/view-model.ts) as JSON text. */
  graphView: { args: { path: string; dims: DimBindings }; result: string };
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

function run(m: ModelRequestMessage): unknown {
  switch (m.op) {
    case 'graphView':
      return viewJsonOf(cachedModel(m.args.path, m.args.dims));
    case 'nodeDetails':
      return nodeDetails(m.args);
    case 'listFixes': {
      const e = cachedModel(m.args.path, m.args.dims);
      return { fixes: fixesIn(sitesOf(e), m.args.node) } satisfies ListFixesResult;
    }
    case 'modelSummary': {
      const r = cachedModel(m.args.path, m.args.dims).analysis.report;
      return { nodes: r.model.nodeCount, macs: r.totals.macs, flops: r.totals.flops, params: r.totals.params, totalsIncomplete: r.totalsIncomplete } satisfies ModelSummaryResult;
    }
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
