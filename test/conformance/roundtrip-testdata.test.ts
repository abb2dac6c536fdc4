// Reader + writer against ONNX's operator tests and the real models: load -> save -> load gives the
// same graph, and the saved file runs in ONNX Runtime with bitwise-identical outputs. Models read the
// way files are (tensor payloads left in the file, loaded on demand: core/onnx/skeleton.ts) are the
// same models as when the whole file is decoded at once, and save to the same bytes.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { test } from 'node:test';
import { readModel, readModelFile } from '../../src/core/onnx/reader';
import { memoryFile } from '../../src/core/onnx/skeleton';
import { loadModelFile } from '../../src/node/model-file';
import { writeModel } from '../../src/core/onnx/writer';
import type { Model } from '../../src/core/ir/model';
import { formatAttribute } from '../../src/core/ir/attribute';
import { formatType } from '../../src/core/ir/shape';
import { manifest, realModelPath } from '../support/models';
import { testCases } from '../support/testdata';

/** A structural dump that two equal models share (names, ops, attributes, types, weights' bytes). */
function dump(m: Model): string {
  const lines: string[] = [`ir ${m.irVersion} ${JSON.stringify(m.opsetImports)} ${m.producerName} ${m.producerVersion} ${JSON.stringify(m.metadata)}`];
  const graph = (g: Model['graph'], indent: string): void => {
    lines.push(`${indent}graph ${g.name} in ${g.inputs.map((v) => `${v.name}:${formatType(v.type)}`)} out ${g.outputs.map((v) => `${v.name}:${formatType(v.type)}`)}`);
    for (const t of g.initializers) lines.push(`${indent}init ${t.name} ${t.dataType} [${t.dims}] ${t.storage.kind === 'string' ? t.toStrings().join('|') : Buffer.from(t.rawBytes()).toString('base64')}`);
    for (const v of g.valueInfo) lines.push(`${indent}vi ${v.name}:${formatType(v.type)}`);
    for (const n of g.nodes) {
      lines.push(`${indent}${n.domain}.${n.opType} '${n.name}' (${n.inputs.map((v) => v?.name ?? '')}) -> (${n.outputs.map((v) => v?.name ?? '')}) ${n.attributes.map((a) => `${a.name}=${formatAttribute(a)}`).join(' ')}`);
      for (const sub of n.subgraphs()) graph(sub, indent + '  ');
    }
  };
  graph(m.graph, '');
  for (const f of m.functions) {
    lines.push(`function ${f.domain}.${f.name}(${f.inputs}) -> (${f.outputs}) attrs ${f.attributeNames}`);
    graph(f.body, '  ');
  }
  return lines.join('\n');
}

/**
 * Runs the ORT half in a child process. A few malformed test models crash ORT itself or hang it;
 * the worker is then killed (no progress for 15 s) and restarted after that case, which is noted.
 */
async function runOrtCases(): Promise<{ status: Map<string, string>; crashed: string[] }> {
  const status = new Map<string, string>();
  const crashed: string[] = [];
  let start = 0;
  for (;;) {
    const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'ort-roundtrip-worker.ts'), String(start)], {
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    let last: { i: number; name: string; status: string } | undefined;
    let timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    createInterface({ input: child.stdout }).on('line', (line) => {
      last = JSON.parse(line) as { i: number; name: string; status: string };
      status.set(last.name, last.status);
      clearTimeout(timer);
      timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    clearTimeout(timer);
    if (code === 0) return { status, crashed };
    if (!last) throw new Error('the ORT worker failed before its first case');
    crashed.push(last.name);
    status.set(last.name, 'ort-crashed');
    start = last.i + 1;
  }
}

test('libonnx-testdata: every model round-trips; saved models run in ORT with identical outputs', async () => {
  let read = 0;
  let same = 0;
  let onDemand = 0;
  const diffs: string[] = [];
  const lazyDiffs: string[] = [];
  for (const c of testCases()) {
    const bytes = readFileSync(c.modelPath);
    const m = readModel(bytes);
    read++;
    if (dump(readModel(writeModel(m))) === dump(m)) same++;
    else diffs.push(c.name);
    // Every payload of 16 bytes or more left in the file: loaded on demand, bitwise the same data.
    const lazy = readModelFile(memoryFile(bytes), { minPayload: 16 });
    onDemand += lazy.decoded.cuts.length;
    if (dump(lazy.model) !== dump(m) || !Buffer.from(writeModel(lazy.model)).equals(Buffer.from(writeModel(m)))) lazyDiffs.push(c.name);
  }
  const { status, crashed } = await runOrtCases();
  const count = (s: string): number => [...status.values()].filter((v) => v === s).length;
  const differs = [...status].filter(([, s]) => s === 'differs').map(([n]) => n);
  console.log(
    `round trip: ${read} read, ${same} identical after save+load; ORT ran ${count('identical') + count('differs') + count('nondeterministic')} ` +
      `(${count('identical')} identical outputs, ${count('nondeterministic')} whose original differs from itself, ${differs.length} differ), ` +
      `${count('ort-rejects')} rejected by ORT, ${count('ort-wrong')} where ORT's own output shape is not the test's, ${crashed.length} crash ORT itself (${crashed.join(', ')}); ` +
      `${onDemand} tensor payloads left in the file and loaded on demand`,
  );
  assert.equal(same, read, `not identical after round trip: ${diffs.join(', ')}`);
  assert.deepEqual(lazyDiffs, [], 'read with payloads left in the file, these differ from the whole-file read');
  // Most test models take their data as inputs: 82 of their tensors hold 16 bytes or more.
  assert.ok(onDemand > 50, `only ${onDemand} payloads were left in the file: the on-demand path was hardly exercised`);
  assert.deepEqual(differs, []);
  assert.ok(count('identical') > 700, `only ${count('identical')} compared`);
});

for (const m of manifest().filter((x) => x.file.endsWith('.onnx'))) {
  test(`${m.file}: load -> save -> load is the same model; loaded from the file (weights on demand) it is the same, bitwise`, () => {
    const path = realModelPath(m.file);
    const model = readModel(readFileSync(path));
    const again = readModel(writeModel(model));
    assert.equal(dump(again), dump(model));
    const fromFile = loadModelFile(path, { wholeFileMax: 0 }); // the pass, whatever the size
    const lazy = fromFile.model.graph.initializers.concat(...[...fromFile.model.graph.allNodes()].flatMap((n) => (n.constantTensor ? [n.constantTensor] : [])));
    assert.ok(lazy.some((t) => t.storage.kind === 'in-file'), 'no weight was left in the file');
    assert.equal(dump(fromFile.model), dump(model));
    assert.ok(Buffer.from(writeModel(fromFile.model)).equals(Buffer.from(writeModel(model))), 'saved from the file, the bytes differ');
    // Every payload of 16 bytes or more (every dtype and form these models use) left in the file.
    const all = readModelFile(memoryFile(readFileSync(path)), { minPayload: 16 });
    assert.ok(all.decoded.cuts.length >= lazy.filter((t) => t.storage.kind === 'in-file').length);
    assert.equal(dump(all.model), dump(model));
    assert.ok(Buffer.from(writeModel(all.model)).equals(Buffer.from(writeModel(model))), 'read with small payloads on demand, the saved bytes differ');
  });
}
