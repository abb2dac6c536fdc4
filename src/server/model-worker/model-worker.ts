// The model worker process: binary .onnx files are read, decoded, analysed, printed as text and kept
// here (model-cache.ts), so the language server's main thread never touches a model file itself. It
// answers the graph view, node details, list fixes, model summary and tensor values for `file:` URIs,
// and everything about a model's text view (text-view.ts). It runs within the limits the server set
// (main/worker-process.ts, shared/worker-child.ts): a model that blows them ends this process, not the
// server. Requests are answered one at a time, in order; see shared/model-protocol.ts.
import { figureTree } from '../../core/analysis/figure-tree';
import { exportMetrics } from '../../core/export';
import type { ListFixesResult } from '../../protocol/fixes';
import type { ExportMetricsResult, GraphViewGzip, GraphViewText, NodeDetailsResult } from '../../protocol/requests';
import { errorData } from '../shared/errors';
import { TEXT_VIEW_OPS, type ModelOps, type ModelReplyMessage, type ModelRequestMessage, type TextViewOp } from '../shared/model-protocol';
import { overMemoryLimit, startWatchdog, toServer } from '../shared/worker-child';
import { describeNode, findNode, fixesIn } from '../features/details';
import { predictionResult } from '../features/predict';
import { summaryOf } from '../features/summary';
import { cachedModel, invalidate, loadedFile, pin, onPhase, requestTimes, resetRequestTimes, sitesOf, statsOf, viewGzipOf, viewJsonOf } from './model-cache';
import { tensorValues } from './tensor-values';
import { textView, textViewOp } from './text-view';
import { weightStats } from './weight-stats';

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

const isTextViewOp = (m: ModelRequestMessage): m is Extract<ModelRequestMessage, { op: TextViewOp }> => (TEXT_VIEW_OPS as readonly string[]).includes(m.op);

function run(m: ModelRequestMessage): unknown {
  if (isTextViewOp(m)) return textViewOp(m.op, m.args);
  switch (m.op) {
    case 'textView':
      return textView(m.args.path);
    case 'graphView': {
      resetRequestTimes();
      const e = cachedModel(m.args.path, m.args.dims);
      const body = m.args.as === 'gzip' ? viewGzipOf(e) : { json: viewJsonOf(e) };
      const r = (ms: number) => Math.round(ms * 10) / 10;
      const timing = { loadMs: r(requestTimes.loadMs), analyzeMs: r(requestTimes.analyzeMs), viewMs: r(requestTimes.viewMs) };
      return { ...body, summary: summaryOf(e.analysis), timing } satisfies GraphViewText | GraphViewGzip;
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
      return { fixes: fixesIn(sitesOf(e), e.model, e.analysis, m.args.node) } satisfies ListFixesResult;
    }
    case 'modelSummary':
      return summaryOf(cachedModel(m.args.path, m.args.dims).analysis);
    case 'predict': {
      const e = cachedModel(m.args.path, m.args.dims);
      return predictionResult(e.model, e.analysis, m.args.profile, m.args.dims);
    }
    case 'tensorValues':
      return tensorValues(loadedFile(m.args.path).model, m.args.name, m.args.limit);
    case 'invalidate':
      return { dropped: invalidate(m.args.path) };
    case 'pin':
      pin(m.args.path, m.args.pinned);
      return null;
  }
}

startWatchdog();
process.on('message', (m: ModelRequestMessage) => {
  const send = (r: ModelReplyMessage): void => toServer(r);
  onPhase((phase) => send({ id: m.id, phase }));
  send({ id: m.id, phase: 'start' });
  let reply: ModelReplyMessage;
  try {
    reply = { id: m.id, result: run(m) };
  } catch (e) {
    reply = { id: m.id, error: errorData(e) };
  }
  const over = overMemoryLimit();
  if (!over) return send(reply);
  toServer({ id: m.id, stopped: over } satisfies ModelReplyMessage, () => process.exit(0));
});
