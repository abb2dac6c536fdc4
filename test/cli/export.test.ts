// `layerlens export` end to end: the built CLI on real models, every format checked against
// `layerlens analyze --json` of the same model and bindings, the files it writes, its exit codes,
// and --profile on the sample model.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCli } from '../support/cli';
import { SAMPLE, realModelPath } from '../support/models';

interface AnalyzeNode {
  name: string;
  graph: string;
  opType: string;
  macs: number | null;
  flops: number | null;
  params: number;
  weightBytes: number;
  activationBytes: number | null;
}
interface Analyze {
  model: { graphName: string };
  totals: { macs: number; flops: number; params: number; weightBytes: number; activationBytes: number };
  nodes: AnalyzeNode[];
}

const CLS = ['--input', 'x=1x3x48x192'];
const VAD = ['--input', 'input=1x512', '--dim', 'batch=1'];

function analyze(model: string, bind: string[]): Analyze {
  const r = runCli(['analyze', model, ...bind, '--json']);
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as Analyze;
}

function exported(model: string, bind: string[], format: string, extra: string[] = []): string {
  const r = runCli(['export', model, ...bind, '--format', format, ...extra], { timeoutMs: 120_000 });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

/** RFC 4180 records (CRLF, quoted fields with doubled quotes), written for this test. */
function parseCsv(text: string): string[][] {
  const out: string[][] = [];
  let rec: string[] = [];
  let f = '';
  let q = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (q) {
      if (c === '"' && text[i + 1] === '"') {
        f += '"';
        i++;
      } else if (c === '"') q = false;
      else f += c;
    } else if (c === '"') q = true;
    else if (c === ',') {
      rec.push(f);
      f = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      rec.push(f);
      out.push(rec);
      rec = [];
      f = '';
      i++;
    } else f += c;
  }
  assert.equal(q, false);
  assert.equal(rec.length + f.length, 0, 'the file ends with CRLF');
  return out;
}

const key = (graph: string, name: string): string => `${graph}\u0000${name}`;

test('export csv: one record per node of analyze --json, the same figures, the same totals (ppocr-cls)', () => {
  const a = analyze(realModelPath('ppocr-cls.onnx'), CLS);
  const [header, ...rows] = parseCsv(exported(realModelPath('ppocr-cls.onnx'), CLS, 'csv'));
  const col = (n: string): number => header!.indexOf(n);
  assert.equal(rows.length, a.nodes.length);
  const byKey = new Map(a.nodes.map((n) => [key(n.graph, n.name), n]));
  let macs = 0;
  let flops = 0;
  for (const r of rows) {
    const n = byKey.get(key(r[col('graph')]!, r[col('node')]!));
    assert.ok(n, `row ${r[col('node')]} is a node of analyze`);
    const num = (c: string): number | null => (r[col(c)] === '' ? null : Number(r[col(c)]));
    assert.equal(num('macs [MACs]'), n.macs);
    assert.equal(num('flops [FLOPs]'), n.flops);
    assert.equal(num('params [elements]'), n.params);
    assert.equal(num('weights [bytes]'), n.weightBytes);
    assert.equal(num('activations [bytes]'), n.activationBytes);
    macs += num('runs [count]')! * (num('macs [MACs]') ?? 0);
    flops += num('runs [count]')! * (num('flops [FLOPs]') ?? 0);
  }
  assert.ok(a.totals.macs > 0);
  assert.equal(macs, a.totals.macs);
  assert.equal(flops, a.totals.flops);
});

test('export json: versioned, totals and per-node figures as analyze --json (ppocr-cls)', () => {
  const a = analyze(realModelPath('ppocr-cls.onnx'), CLS);
  const j = JSON.parse(exported(realModelPath('ppocr-cls.onnx'), CLS, 'json')) as {
    format: string;
    version: number;
    totals: Record<string, number>;
    nodes: { graphPath: string; name: string; macs: number | null; flops: number | null; paramElements: number }[];
  };
  assert.equal(j.format, 'layerlens.metrics');
  assert.equal(j.version, 1);
  assert.deepEqual(j.totals, { macs: a.totals.macs, flops: a.totals.flops, paramElements: a.totals.params, weightBytes: a.totals.weightBytes, activationBytes: a.totals.activationBytes });
  const byKey = new Map(a.nodes.map((n) => [key(n.graph, n.name), n]));
  assert.equal(j.nodes.length, a.nodes.length);
  for (const n of j.nodes) {
    const m = byKey.get(key(n.graphPath, n.name))!;
    assert.deepEqual([n.macs, n.flops, n.paramElements], [m.macs, m.flops, m.params]);
  }
});

test('export model-explorer: graph id = the graph name, unnamed nodes as NameFixPass names them, values = analyze MACs (ppocr-cls)', () => {
  const a = analyze(realModelPath('ppocr-cls.onnx'), CLS);
  const data = JSON.parse(exported(realModelPath('ppocr-cls.onnx'), CLS, 'model-explorer')) as Record<string, { name: string; results: Record<string, { value: number }> }>;
  assert.deepEqual(Object.keys(data), ['Model from PaddlePaddle.']);
  const g = data['Model from PaddlePaddle.']!;
  assert.equal(g.name, 'MACs (multiply-accumulates)');
  const ids = Object.keys(g.results);
  assert.equal(ids.length, a.nodes.filter((n) => n.macs !== null).length);
  assert.equal(Object.values(g.results).reduce((s, r) => s + r.value, 0), a.totals.macs);
  // ppocr-cls's 250 Constant nodes have no name: onnx_ir calls them node, node_1, … node_249
  const generated = ids.filter((id) => /^node(_\d+)?$/.test(id));
  assert.equal(generated.length, 250);
  assert.ok(generated.includes('node') && generated.includes('node_249'));
  // a named node keeps its name as id and carries analyze's MACs
  const conv = a.nodes.find((n) => n.name === 'p2o.Conv.0')!;
  assert.ok(conv.macs! > 0);
  assert.equal(g.results['p2o.Conv.0']!.value, conv.macs);
});

test('export model-explorer: If bodies at any depth are flattened into the main graph as If/branch/name (silero-vad-legacy)', () => {
  const a = analyze(realModelPath('silero-vad-legacy.onnx'), VAD);
  const data = JSON.parse(exported(realModelPath('silero-vad-legacy.onnx'), VAD, 'model-explorer', ['--metric', 'flops'])) as Record<string, { results: Record<string, { value: number }> }>;
  assert.deepEqual(Object.keys(data), ['torch_jit']);
  const results = data['torch_jit']!.results;
  const lstm = a.nodes.find((n) => n.name === 'LSTM_719')!;
  assert.equal(lstm.graph, 'If_25/else_branch/If_651/then_branch');
  assert.equal(results['If_25/else_branch/If_651/then_branch/LSTM_719']!.value, lstm.flops);
  // every node of analyze with known FLOPs is there, under <graph path>/<name>
  const known = a.nodes.filter((n) => n.flops !== null);
  assert.equal(Object.keys(results).length, known.length);
  for (const n of known) assert.equal(results[n.graph ? `${n.graph}/${n.name}` : n.name]?.value, n.flops, n.name);
});

test('export netron: signature, model totals, named nodes by name, unnamed ones on their output value (ppocr-cls)', () => {
  const a = analyze(realModelPath('ppocr-cls.onnx'), CLS);
  const dir = mkdtempSync(join(tmpdir(), 'layerlens-export-'));
  const out = join(dir, 'ppocr-cls.netron.json');
  const r = runCli(['export', realModelPath('ppocr-cls.onnx'), ...CLS, '--format', 'netron', '-o', out]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, '');
  assert.deepEqual(readdirSync(dir), ['ppocr-cls.netron.json'], 'no temp file left beside it');
  const data = JSON.parse(readFileSync(out, 'utf8')) as { signature: string; metrics: { kind: string; target: string; name: string; value: number }[] };
  assert.equal(data.signature, 'netron:attachment');
  const metric = (kind: string, target: string, name: string): number | undefined => data.metrics.find((m) => m.kind === kind && m.target === target && m.name === name)?.value;
  assert.equal(metric('model', '', 'total MACs (multiply-accumulates)'), a.totals.macs);
  const macs = data.metrics.filter((m) => m.name === 'MACs (multiply-accumulates)');
  assert.equal(macs.length, a.nodes.filter((n) => n.macs !== null).length);
  assert.equal(macs.reduce((s, m) => s + m.value, 0), a.totals.macs);
  assert.ok(data.metrics.some((m) => m.kind === 'value'), 'unnamed nodes are reached through their outputs');
});

test('export -o on a missing folder, --metric misuse and a bad format are usage errors (exit 2); a bad model exits 1', () => {
  const bad = (args: string[], re: RegExp, code = 2): void => {
    const r = runCli(['export', ...args]);
    assert.equal(r.status, code, r.stderr);
    assert.match(r.stderr, re);
    assert.doesNotMatch(r.stderr, /at .*\.js:\d+/, 'no stack trace');
  };
  bad([SAMPLE, '--format', 'xml'], /xml/);
  bad([SAMPLE], /--format/);
  bad([SAMPLE, '--format', 'csv', '-o', join(tmpdir(), 'no-such-folder-layerlens', 'x.csv')], /UsageError: .*does not exist/);
  bad([SAMPLE, '--format', 'csv', '--metric', 'flops'], /UsageError: --metric applies to --format model-explorer only/);
  bad([SAMPLE, '--format', 'model-explorer', '--metric', 'latency'], /UsageError: --metric latency is measured: add --profile/);
  const dir = mkdtempSync(join(tmpdir(), 'layerlens-export-'));
  const junk = join(dir, 'junk.onnx');
  writeFileSync(junk, Buffer.from('not a model at all'));
  bad([junk, '--format', 'csv'], /ModelFormatError/, 1);
});

test('export --profile: measured latency in µs and share in % per node, shares adding up to 100 (sample)', () => {
  const r = runCli(['export', SAMPLE, '--input', 'image=1x3x32x32', '--format', 'csv', '--profile', '--runs', '3', '--mode', 'per-node'], { timeoutMs: 180_000 });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /profile: /);
  const [header, ...rows] = parseCsv(r.stdout);
  const lat = header!.indexOf('latency median [us]');
  const share = header!.indexOf('latency share [%]');
  const measured = rows.filter((x) => x[lat] !== '');
  assert.ok(measured.length >= rows.length - 1, `most nodes measured in per-node mode (${measured.length} of ${rows.length})`);
  for (const x of measured) assert.ok(Number(x[lat]) >= 0 && Number(x[share]) >= 0);
  const total = measured.reduce((s, x) => s + Number(x[share]), 0);
  assert.ok(Math.abs(total - 100) < 1e-6, `shares add up to 100 %, got ${total}`);
  // model-explorer defaults to latency when profiled
  const me = runCli(['export', SAMPLE, '--input', 'image=1x3x32x32', '--format', 'model-explorer', '--profile', '--runs', '3'], { timeoutMs: 180_000 });
  assert.equal(me.status, 0, me.stderr);
  const data = JSON.parse(me.stdout) as Record<string, { name: string; results: Record<string, { value: number }> }>;
  assert.equal(data['tiny-cnn']!.name, 'latency, median (µs)');
  assert.ok(Object.keys(data['tiny-cnn']!.results).length > 0);
});
