// Iterates Debian's libonnx-testdata: every model folder with its test_data_set_0 inputs/outputs.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fromBinary } from '@bufbuild/protobuf';
import { TensorProtoSchema, type TensorProto } from '../../src/core/onnx/gen/layerlens/onnx/onnx_pb';
import { TESTDATA } from './models';

export interface TestCase {
  name: string;
  dir: string;
  modelPath: string;
  /** input_*.pb / output_*.pb of test_data_set_0, in index order. */
  inputs: TensorProto[];
  outputs: TensorProto[];
}

function readPbs(dir: string, prefix: string): TensorProto[] {
  if (!existsSync(dir)) return [];
  const files = readdirSync(dir)
    .filter((f) => f.startsWith(prefix) && f.endsWith('.pb'))
    .sort((a, b) => Number(a.replace(/\D/g, '')) - Number(b.replace(/\D/g, '')));
  const out: TensorProto[] = [];
  for (const f of files) {
    try {
      out.push(fromBinary(TensorProtoSchema, readFileSync(join(dir, f))));
    } catch {
      // Sequence/optional/map outputs are other protos; callers skip those cases.
      return [];
    }
  }
  return out;
}

export function testCases(): TestCase[] {
  if (!existsSync(TESTDATA)) throw new Error(`${TESTDATA} is missing: run 'npm run setup' (apt-get install libonnx-testdata)`);
  const cases: TestCase[] = [];
  for (const group of readdirSync(TESTDATA).sort()) {
    const gdir = join(TESTDATA, group);
    for (const name of readdirSync(gdir).sort()) {
      const dir = join(gdir, name);
      const modelPath = join(dir, 'model.onnx');
      if (!existsSync(modelPath)) continue;
      const set0 = join(dir, 'test_data_set_0');
      cases.push({ name: `${group}/${name}`, dir, modelPath, inputs: readPbs(set0, 'input_'), outputs: readPbs(set0, 'output_') });
    }
  }
  return cases;
}
