// Reader + writer against ONNX's operator tests and the real models: load -> save -> load gives the
// same graph, and the saved file runs in ONNX Runtime with bitwise-identical outputs.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { test } from 'node:test';
import { readModel } from '../../src/core/onnx/reader';
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
  const diffs: string[] = [];
  for (const c of testCases()) {
    const m = readModel(readFileSync(c.modelPath));
    read++;
    if (dump(readModel(writeModel(m))) === dump(m)) same++;
    else diffs.push(c.name);
  }
  const { status, crashed } = await runOrtCases();
  const count = (s: string): number => [...status.values()].filter((v) => v === s).length;
  const differs = [...status].filter(([, s]) => s === 'differs').map(([n]) => n);
  console.log(
    `round trip: ${read} read, ${same} identical after save+load; ORT ran ${count('identical') + count('differs') + count('nondeterministic')} ` +
      `(${count('identical')} identical outputs, ${count('nondeterministic')} whose original differs from itself, ${differs.length} differ), ` +
      `${count('ort-rejects')} rejected by ORT, ${count('ort-wrong')} where ORT's own output shape is not the test's, ${crashed.length} crash ORT itself (${crashed.join(', ')})`,
  );
  assert.equal(same, read, `not identical after round trip: ${diffs.join(', ')}`);
  assert.deepEqual(differs, []);
  assert.ok(count('identical') > 700, `only ${count('identical')} compared`);
});

for (const m of manifest().filter((x) => x.file.endsWith('.onnx'))) {
  test(`${m.file}: load -> save -> load is the same model`, () => {
    const model = readModel(readFileSync(realModelPath(m.file)));
    const again = readModel(writeModel(model));
    assert.equal(dump(again), dump(model));
  });
}
