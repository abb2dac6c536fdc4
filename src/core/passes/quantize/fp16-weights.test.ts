// float16 weight storage: refusals (the CLI run on a real model is in test/passes/quantize-cli.test.ts).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { newModel } from '../../ir/builder';
import { runPass, fp16Weights } from '../index';
import { DataType } from '../../ir/data-type';

const F = DataType.FLOAT;

test('fp16 storage refusal says why: an initializer that is also a graph input', () => {
  const m2 = newModel('fp16-input');
  const x2 = m2.b.input('x', F, [2, 64]);
  const w2 = m2.b.initializer('w', F, [64, 64], new Array(4096).fill(0.1));
  m2.model.graph.inputs.push(w2); // an initializer that is also a graph input (overridable)
  const [y2] = m2.b.node('MatMul', [x2, w2], {}, { name: 'mm' });
  m2.b.output(y2!, F, [2, 64]);
  assert.match(runPass(m2.model, [fp16Weights()]).refused[0]!.reason, /'w' is also a graph input/);
});
