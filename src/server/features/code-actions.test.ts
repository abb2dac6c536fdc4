// The text view's code actions: quick fixes at the selected nodes ranked by expected benefit and
// titled with it, fix-all per rule ranked over the model, and the whole-model source actions read
// from the one list the editor offers (protocol/optimizations.ts).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { test } from 'node:test';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { readModel } from '../../core/onnx/reader';
import { printModel } from '../../core/onnx/text/printer';
import { newModel } from '../../core/ir/builder';
import { DataType } from '../../core/ir/data-type';
import { OPTIMIZATIONS } from '../../protocol/optimizations';
import { type ApplyFixArgs } from '../../protocol/fixes';
import { textViewUriFor } from '../../protocol/requests';
import { SAMPLE } from '../../../test/support/models';
import { codeActions } from './code-actions';
import { stateOf } from '../main/documents';

const F = DataType.FLOAT;

test('code actions: ranked quick fixes with their gain, ranked fix-all, and the whole-model list from protocol/optimizations', () => {
  const uri = textViewUriFor(pathToFileURL(SAMPLE).href);
  const { text } = printModel(readModel(readFileSync(SAMPLE)));
  const state = stateOf(TextDocument.create(uri, 'onnxtxt', 1, text));
  const line = text.split('\n').findIndex((l) => l.includes('["/features/block2/bn"]'));
  const actions = codeActions(state, uri, { start: { line, character: 0 }, end: { line, character: 5 } });

  const quick = actions.filter((a) => a.kind === 'quickfix');
  assert.deepEqual(quick.map((a) => (a.command!.arguments![0] as ApplyFixArgs).anchor), ['/features/block2/bn']);
  assert.match(quick[0]!.title, /^Fold BatchNormalization into the preceding Conv — (file −[\d.]+ %|no latency gain with ORT) \(verified in ONNX Runtime, new file\)$/);

  // Fix-all per rule, ranked over the model: a Conv + Sub fold (a real gain: ORT does not do it) before
  // the BN fold and the dead node (tiny).
  const { model, b } = newModel('three');
  const x = b.input('x', F, [1, 3, 16, 16]);
  const [c1] = b.node('Conv', [x, b.initializer('w1', F, [8, 3, 1, 1], new Array(24).fill(0.1))], { kernel_shape: [1, 1] }, { name: 'c1' });
  const p = (n: string, v: number) => b.initializer(n, F, [8], new Array(8).fill(v));
  const [bn] = b.node('BatchNormalization', [c1!, p('g', 1), p('be', 0), p('mu', 0), p('var', 1)], {}, { name: 'bn' });
  const [c2] = b.node('Conv', [bn!, b.initializer('w2', F, [8, 8, 1, 1], new Array(64).fill(0.1))], { kernel_shape: [1, 1] }, { name: 'c2' });
  const [y] = b.node('Sub', [c2!, b.initializer('k', F, [8, 1, 1], new Array(8).fill(0.5))], {}, { name: 'sub' });
  b.node('Relu', [x], {}, { name: 'dead' });
  b.output(y!, F, null);
  const uri2 = textViewUriFor(pathToFileURL('/tmp/three.onnx').href);
  const state2 = stateOf(TextDocument.create(uri2, 'onnxtxt', 1, printModel(model).text));
  const fixAll = codeActions(state2, uri2, { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }).filter((a) => a.kind === 'source.fixAll');
  assert.deepEqual(fixAll.map((a) => (a.command!.arguments![0] as ApplyFixArgs).ruleId), ['fuse-conv-affine', 'fuse-conv-batchnorm', 'cleanup-dead-code']);
  assert.match(fixAll[0]!.title, /^Fold a per-channel Mul, Add, Sub or Div into the preceding Conv: everywhere — −\d+ % of the memory traffic$/);

  const source = actions.filter((x) => x.kind === 'source.layerlens');
  const offered = OPTIMIZATIONS.filter((o) => o.family !== 'fuse');
  assert.deepEqual(source.map((x) => x.title), offered.map((o) => o.label));
  assert.deepEqual(source.map((x) => x.command!.arguments![0] as ApplyFixArgs).map((x) => [x.ruleId, x.options]), offered.map((o) => [o.ruleId, o.options]));
});
