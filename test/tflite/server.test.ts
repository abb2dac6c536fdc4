// .tflite files through the built language server (real JSON-RPC client over stdio): the graph view,
// node details and the summary are served like an ONNX model's, with the figures of the in-process
// analysis; profiling and fixes, which need ONNX Runtime, are refused up front with a typed error
// (not ONNX Runtime's "protobuf parsing failed").
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { analyzeModel } from '../../src/core/analysis/analyze';
import { loadModelFile } from '../../src/node/model-file';
import { ApplyFixCommand } from '../../src/protocol/fixes';
import { GraphViewRequest, ModelSummaryRequest, NodeDetailsRequest, OpenModelNotification, ProfileRequest } from '../../src/protocol/requests';
import type { ViewModel } from '../../src/protocol/view-model';
import { rejectsTyped, uriOf } from '../support/lsp';
import { realModelPath } from '../support/models';
import { startServer, type ServerProcess } from '../support/server';

let server: ServerProcess;
before(async () => {
  server = await startServer();
});
after(() => server.close());

const file = realModelPath('face-detection-short.tflite');
const uri = uriOf(file);

test('graph view, summary and node details of a .tflite file', async () => {
  await server.conn.sendNotification(OpenModelNotification.type, { uri });
  const expected = analyzeModel(loadModelFile(file).model);
  const view = (await server.conn.sendRequest(GraphViewRequest.type, { uri })) as ViewModel;
  assert.equal(view.nodes.filter((n) => n.kind === 'op').length, 164);
  assert.equal(view.totals.macs, expected.cost.totals.macs);
  assert.equal(view.totalsIncomplete, false);
  assert.ok(view.nodes.filter((n) => n.kind === 'op').every((n) => n.opType.startsWith('tflite.')), 'TFLite op types keep their domain');
  const summary = await server.conn.sendRequest(ModelSummaryRequest.type, { uri });
  assert.equal(summary?.macs, expected.cost.totals.macs);
  const conv = view.nodes.find((n) => n.opType === 'tflite.CONV_2D')!;
  const d = await server.conn.sendRequest(NodeDetailsRequest.type, { uri, node: conv.name });
  assert.equal(d?.macs, conv.macs);
  assert.ok(d!.inputs.length >= 2);
});

test('profiling and fixes of a .tflite are refused with a typed error that says what LayerLens does with TFLite', async () => {
  await rejectsTyped(server.conn.sendRequest(ProfileRequest.type, { uri }), 'UsageError', /profiling needs an ONNX model, and this is a TFLite file/);
  await rejectsTyped(
    server.conn.sendRequest(ApplyFixCommand.request, ApplyFixCommand.params({ modelUri: uri, ruleId: 'fuse-identity' })),
    'UsageError',
    /needs an ONNX model/,
  );
});
