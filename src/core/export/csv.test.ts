// CSV export on the hostile test model (test-model.ts): parsed back with an RFC 4180 reader written
// here, independently of csv.ts, and checked against figures derived by hand.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { toCsv } from './csv';
import { NAMES, exportModel } from './test-model';

/** RFC 4180 (section 2) as a state machine: fields split by ',', records by CRLF, "..." with "" inside. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let i = 0;
  let quoted = false;
  let wasQuoted = false;
  while (i < text.length) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i += 2;
      } else if (ch === '"') {
        quoted = false;
        i++;
        assert.ok(i >= text.length || text[i] === ',' || text[i] === '\r', `a closing quote must end the field (at ${i})`);
      } else {
        field += ch;
        i++;
      }
      continue;
    }
    if (ch === '"') {
      assert.equal(field, '', `a quote may only open a field (at ${i})`);
      quoted = wasQuoted = true;
      i++;
    } else if (ch === ',') {
      record.push(field);
      field = '';
      wasQuoted = false;
      i++;
    } else if (ch === '\r') {
      assert.equal(text[i + 1], '\n', 'records end with CRLF');
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      wasQuoted = false;
      i += 2;
    } else {
      assert.notEqual(ch, '\n', `a bare LF outside quotes (at ${i})`);
      field += ch;
      i++;
    }
  }
  assert.equal(quoted, false, 'unterminated quoted field');
  if (field !== '' || wasQuoted || record.length) {
    record.push(field);
    records.push(record);
  }
  return records;
}

/** What a spreadsheet would evaluate: a text cell starting with = + - @ tab CR (OWASP), LF or NUL. */
const dangerous = (cell: string): boolean => /^[=+\-@\t\r\n\0]/.test(cell);
/** Undoes the guard (a leading ' was added exactly when the text started with a trigger or a '). */
const unguard = (cell: string): string => (cell.startsWith("'") ? cell.slice(1) : cell);

const { tree } = exportModel();
const text = toCsv(tree);
const [header, ...rows] = parseCsv(text);
const col = (name: string): number => {
  const k = header!.indexOf(name);
  assert.ok(k >= 0, `no column ${name} in ${header!.join(' | ')}`);
  return k;
};
const rowOf = (graph: string, name: string): string[] => {
  const r = rows.find((x) => unguard(x[col('graph')]!) === graph && unguard(x[col('node')]!) === name);
  assert.ok(r, `no row for ${JSON.stringify(name)} in ${JSON.stringify(graph)}`);
  return r;
};

test('CSV: a header with every unit, one record per op node of every graph (bodies and function included)', () => {
  assert.deepEqual(header, [
    'graph', 'node', 'op_type', 'known', 'runs [count]', 'macs [MACs]', 'flops [FLOPs]', 'params [elements]', 'weights [bytes]',
    'activations [bytes]', 'intensity [FLOPs/byte]', 'latency median [us]', 'latency share [%]', 'note',
  ]);
  // main graph 8 op nodes, then branch 2, else branch 1, Loop body 2, function body 3
  assert.equal(rows.length, 8 + 2 + 1 + 2 + 3);
  assert.ok(rows.every((r) => r.length === header!.length));
  assert.ok(text.endsWith('\r\n'));
});

test('CSV: hostile names survive quoting and are guarded against formula injection', () => {
  for (const r of rows) for (const cell of r) assert.ok(!dangerous(cell), `a cell a spreadsheet would evaluate: ${JSON.stringify(cell)}`);
  // the guard is visible in the raw cell and undone by dropping one leading quote
  const relu = rows.find((r) => r[col('node')] === `'${NAMES.relu}`);
  assert.ok(relu, 'the =cmd| node is written with a leading single quote');
  assert.equal(relu[col('op_type')], 'Relu');
  assert.ok(rowOf('', NAMES.conv), 'comma and quote kept inside one field');
  assert.ok(rowOf('', NAMES.gap), 'newline and <script> kept inside one field');
  assert.equal(rowOf('', NAMES.iff)[col('node')], "'+if");
  assert.equal(rowOf('', NAMES.loop)[col('node')], "'@loop");
  assert.equal(rowOf(`${NAMES.loop}/body`, NAMES.loopMm)[col('graph')], "'@loop/body");
  assert.equal(rowOf(`${NAMES.loop}/body`, NAMES.loopMm)[col('node')], "'-mm");
  assert.equal(rowOf(`${NAMES.iff}/then_branch`, 'MatMul_0')[col('graph')], "'+if/then_branch");
  // numbers are never quoted or guarded
  assert.match(text, /,6912,14080,112,448,1024,/);
});

test('CSV: figures as derived by hand; unknown is an empty field, never 0', () => {
  const num = (r: string[], c: string): number | null => (r[col(c)] === '' ? null : Number(r[col(c)]));
  const conv = rowOf('', NAMES.conv);
  // Conv 3->4, 3x3, pad 1 on 8x8: 1·4·8·8·3·3·3 = 6,912 MACs; 2·6,912 + 4·64 bias adds = 14,080 FLOPs
  assert.equal(num(conv, 'macs [MACs]'), 6912);
  assert.equal(num(conv, 'flops [FLOPs]'), 14080);
  // weights 4·3·3·3 = 108 + bias 4 = 112 floats = 448 bytes; output 4·8·8 floats = 1,024 bytes
  assert.equal(num(conv, 'params [elements]'), 112);
  assert.equal(num(conv, 'weights [bytes]'), 448);
  assert.equal(num(conv, 'activations [bytes]'), 1024);
  // moved: 448 weights + 3·8·8·4 = 768 input + 1,024 output = 2,240 bytes
  assert.ok(Math.abs(num(conv, 'intensity [FLOPs/byte]')! - 14080 / 2240) < 1e-12);
  // GlobalAveragePool: 1 per input element (256) + 1 per output element (4)
  assert.equal(num(rowOf('', NAMES.gap), 'flops [FLOPs]'), 260);
  // the If's then branch (larger, counted once), else branch (not counted), the Loop body (3 runs)
  assert.equal(num(rowOf(`${NAMES.iff}/then_branch`, 'MatMul_0'), 'macs [MACs]'), 16);
  assert.equal(num(rowOf(`${NAMES.iff}/then_branch`, 'MatMul_0'), 'runs [count]'), 1);
  assert.equal(num(rowOf(`${NAMES.iff}/else_branch`, 'Identity_0'), 'runs [count]'), 0);
  assert.equal(num(rowOf(`${NAMES.loop}/body`, NAMES.loopMm), 'runs [count]'), 3);
  // the function body's input has no shape: its MatMul and the call are unknown, not 0
  const inner = rowOf('fn:local.Block', 'inner');
  assert.equal(inner[col('macs [MACs]')], '');
  assert.equal(inner[col('known')], 'true');
  assert.equal(num(inner, 'params [elements]'), 16);
  assert.equal(rowOf('', NAMES.call)[col('macs [MACs]')], '');
  assert.match(rowOf('', NAMES.call)[col('note')]!, /local\.Block/);
  // no profile: the latency fields are empty
  assert.ok(rows.every((r) => r[col('latency median [us]')] === '' && r[col('latency share [%]')] === ''));
});

test('CSV: Σ runs × MACs over the records is the model total', () => {
  let macs = 0;
  for (const r of rows) if (r[col('macs [MACs]')] !== '') macs += Number(r[col('runs [count]')]) * Number(r[col('macs [MACs]')]);
  // Conv 6,912 + then-branch MatMul 16 + Loop body MatMul 3 × 16 = 6,976
  assert.equal(macs, 6976);
  assert.equal(tree.totals.macs, 6976);
});

test('CSV: latency entries land on their nodes, share in percent', () => {
  const t = toCsv(tree, [
    { name: NAMES.conv, medianUs: 12.5, share: 0.625 },
    { name: NAMES.loopMm, graph: `${NAMES.loop}/body`, medianUs: 3, share: 0.15 },
    { name: 'no such node', medianUs: 1, share: 0.05 },
  ]);
  const [h, ...rs] = parseCsv(t);
  const lat = h!.indexOf('latency median [us]');
  const share = h!.indexOf('latency share [%]');
  const conv = rs.find((r) => r[1] === NAMES.conv)!;
  assert.equal(conv[lat], '12.5');
  assert.equal(conv[share], '62.5');
  const mm = rs.find((r) => r[1] === "'-mm")!;
  assert.equal(mm[lat], '3');
  assert.equal(mm[share], '15');
  assert.equal(rs.filter((r) => r[lat] !== '').length, 2);
});
