// A throwaway project folder for budget tests: real model files (the sample CNN, its text form, two
// small MLPs of known MACs, a corrupt file), and a budget file written by the test.
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newModel } from '../../src/core/ir/builder';
import { DataType } from '../../src/core/ir/data-type';
import { printModel } from '../../src/core/onnx/text/printer';
import { writeModel } from '../../src/core/onnx/writer';
import { loadModelFile } from '../../src/node/model-file';
import { SAMPLE } from '../support/models';

/**
 * An MLP [1,100] -> MatMul [100,hidden] -> Relu -> MatMul [hidden,10]: 100·hidden + 10·hidden MACs,
 * 110·hidden weights (4 bytes each); hidden 200 -> 22,000 MACs, hidden 220 -> 24,200 (+10 %).
 */
export function mlpBytes(hidden: number): Uint8Array {
  const { model, b } = newModel('mlp');
  const x = b.input('x', DataType.FLOAT, [1, 100]);
  const w1 = b.initializer('w1', DataType.FLOAT, [100, hidden], new Array<number>(100 * hidden).fill(0.01));
  const w2 = b.initializer('w2', DataType.FLOAT, [hidden, 10], new Array<number>(10 * hidden).fill(0.01));
  const [h] = b.node('MatMul', [x, w1], {}, { name: 'fc1' });
  const [r] = b.node('Relu', [h!], {}, { name: 'relu' });
  const [y] = b.node('MatMul', [r!, w2], {}, { name: 'fc2' });
  b.output(y!, DataType.FLOAT, [1, 10]);
  return writeModel(model);
}

export interface Workspace {
  dir: string;
  write(rel: string, content: string | Uint8Array): string;
  budget(json: unknown, name?: string): string;
}

const made: string[] = [];
// The folders go when the test file's process ends: a budget file left in the temporary folder would
// be found by every language server that has it as a workspace folder.
process.once('exit', () => made.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** models/cnn.onnx (sample: 2.80 MMACs, symbolic batch), models/cnn.onnxtxt (its text form), models/mlp.onnx (hidden 220). */
export function workspace(): Workspace {
  const dir = mkdtempSync(join(tmpdir(), 'layerlens-budget-'));
  made.push(dir);
  mkdirSync(join(dir, 'models'));
  copyFileSync(SAMPLE, join(dir, 'models', 'cnn.onnx'));
  writeFileSync(join(dir, 'models', 'cnn.onnxtxt'), printModel(loadModelFile(SAMPLE).model).text);
  writeFileSync(join(dir, 'models', 'mlp.onnx'), mlpBytes(220));
  const write = (rel: string, content: string | Uint8Array): string => {
    const p = join(dir, rel);
    mkdirSync(join(p, '..'), { recursive: true });
    writeFileSync(p, content);
    return p;
  };
  return { dir, write, budget: (json, name = 'layerlens.budget.json') => write(name, JSON.stringify(json, null, 2)) };
}
