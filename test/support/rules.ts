// Shared by the rewrite-rule tests beside each rule (src/core/passes/**/<rule>.test.ts): rules by id,
// deterministic weights, a small model every exact rule touches, and the ORT comparisons that check a
// rewritten model against the original (ONNX Runtime in process, optimizations off).
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newModel, type GraphBuilder } from '../../src/core/ir/builder';
import { DataType } from '../../src/core/ir/data-type';
import type { Value } from '../../src/core/ir/graph';
import type { Model } from '../../src/core/ir/model';
import { writeModel } from '../../src/core/onnx/writer';
import { RULES, runPass } from '../../src/core/passes';
import type { RewriteRule } from '../../src/core/passes/types';
import { makeInputs, runOrt } from './ort';

const F = DataType.FLOAT;

/** The rule registered under `id`, with its default options. */
export const rule = (id: string): RewriteRule => RULES.find((r) => r.id === id)!;

/** Deterministic weights: sin(i·k + phase) / 2. */
export const vals = (n: number, k = 1, phase = 0): number[] => Array.from({ length: n }, (_, i) => Math.sin(i * k + phase) * 0.5);

/** Writes `model` to a fresh temporary folder; returns its path. */
export function save(model: Model, name: string): string {
  const p = join(mkdtempSync(join(tmpdir(), 'll-q-')), name);
  writeFileSync(p, writeModel(model));
  return p;
}

export type InputSpec = { name: string; elemType: DataType; shape: number[] };

/** Asserts that every output element agrees within `tol` × max|output| (both models run in ORT on the same inputs). */
export async function sameOutputs(before: Model, after: Model, inputs: InputSpec[], tol = 1e-4): Promise<void> {
  const feeds = makeInputs(inputs, 3);
  const a = await runOrt(writeModel(before), feeds);
  const b = await runOrt(writeModel(after), makeInputs(inputs, 3));
  for (const k of Object.keys(a)) {
    const x = a[k]!.data as Float32Array;
    const y = b[k]!.data as Float32Array;
    const scale = Math.max(...Array.from(x, Math.abs));
    for (let i = 0; i < x.length; i++) assert.ok(Math.abs(x[i]! - y[i]!) <= tol * scale, `${k}[${i}]: ${x[i]} vs ${y[i]}`);
  }
}

/** Max |a−b| / max|a| over every output, both models run in ORT (optimizations off) on the same inputs. */
export async function relError(before: Model, after: Model, inputs: InputSpec[]): Promise<number> {
  const a = await runOrt(writeModel(before), makeInputs(inputs, 7));
  const b = await runOrt(writeModel(after), makeInputs(inputs, 7));
  let worst = 0;
  for (const k of Object.keys(a)) {
    const x = a[k]!.data as Float32Array;
    const y = b[k]!.data as Float32Array;
    assert.equal(y.length, x.length, `output ${k} keeps its size`);
    const scale = Math.max(...Array.from(x, Math.abs)) || 1;
    for (let i = 0; i < x.length; i++) worst = Math.max(worst, Math.abs(x[i]! - y[i]!) / scale);
  }
  return worst;
}

/** Runs rule `id` on `m`, asserts that it applies nowhere and reports a refusal; returns the first reason. */
export function refusal(m: Model, id: string): string {
  const r = runPass(m, [rule(id)]);
  assert.equal(r.applied.length, 0, `${id} must refuse`);
  assert.ok(r.refused.length > 0, `${id} reports a refusal`);
  return r.refused[0]!.reason;
}

/** x -> Conv -> BN -> Transpose(perm) -> Transpose(inverse) -> Identity -> y, plus a dead Relu. */
export function chain(): Model {
  const { model, b } = newModel('chain');
  const x = b.input('x', F, [1, 2, 4, 4]);
  const [c] = b.node('Conv', [x, b.initializer('w', F, [3, 2, 1, 1], [1, 2, 3, 4, 5, 6])], { kernel_shape: [1, 1] }, { name: 'conv' });
  const p = (n: string, v: number[]) => b.initializer(n, F, [3], v);
  const [bn] = b.node('BatchNormalization', [c!, p('g', [1, 2, 3]), p('b', [0, 1, 0]), p('m', [0.5, 0, 0]), p('v', [1, 1, 4])], {}, { name: 'bn' });
  const [t1] = b.node('Transpose', [bn!], { perm: [0, 2, 3, 1] }, { name: 't1' });
  const [t2] = b.node('Transpose', [t1!], { perm: [0, 3, 1, 2] }, { name: 't2' });
  const [y] = b.node('Identity', [t2!], {}, { name: 'id', outputs: ['y'] });
  b.node('Relu', [x], {}, { name: 'dead_relu' });
  b.output(y!, F, [1, 3, 4, 4]);
  return model;
}

/** The erf GELU of `x` as exporters write it: Div √2 → Erf → Add 1 → Mul x → Mul 0.5; returns its output. */
export function geluChain(b: GraphBuilder, x: Value): Value {
  const [d] = b.node('Div', [x, b.initializer('sqrt2', F, [], [Math.SQRT2])], {}, { name: 'div' });
  const [e] = b.node('Erf', [d!], {}, { name: 'erf' });
  const [a] = b.node('Add', [e!, b.initializer('one', F, [], [1])], {}, { name: 'add' });
  const [m] = b.node('Mul', [x, a!], {}, { name: 'mul' });
  return b.node('Mul', [m!, b.initializer('half', F, [], [0.5])], {}, { name: 'half' })[0]!;
}

/** x [2, 8] -> the erf GELU -> y, at the given opset. */
export function geluModel(opset: number, shape = [2, 8]): Model {
  const { model, b } = newModel(`gelu${opset}`, [{ domain: '', version: opset }]);
  b.output(geluChain(b, b.input('x', F, shape)), F, shape);
  return model;
}
