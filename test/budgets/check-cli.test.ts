// `layerlens check` end to end with the built CLI in a throwaway project: exit codes (0 kept, 1 budget
// exceeded or model bad, 2 usage), the two kinds of failure told apart, growth over a baseline (MLPs
// of known MACs), latency measured by onnxruntime-node, unverifiable figures under onUnknown, the
// budget file found from a subfolder, and peak memory equal to `layerlens analyze`'s figure.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseBudgetFile } from '../../src/core/budget/validate';
import { runCli } from '../support/cli';
import { ROOT } from '../support/models';
import { mlpBytes, workspace } from './workspace';

const CNN = { image: [1, 3, 32, 32] };

interface JsonReport {
  latencySource: string | null;
  exitCode: number;
  models: { path: string; status: string; checks: { ruleId: string; status: string; actual: number | null; message: string; sharePercent?: number }[]; figures: Record<string, { value: number | null; lowerBound: boolean }>; error?: { name: string } }[];
}

function json(args: string[], cwd: string, timeoutMs?: number): { status: number | null; report: JsonReport; stderr: string } {
  const r = runCli(['check', ...args, '--format', 'json'], { cwd, ...(timeoutMs ? { timeoutMs } : {}) });
  return { status: r.status, report: r.stdout ? (JSON.parse(r.stdout) as JsonReport) : (undefined as unknown as JsonReport), stderr: r.stderr };
}

test('every budget kept: exit 0; exceeded: exit 1 with the figures; a bad model: exit 1, told apart as "model bad"', () => {
  const ws = workspace();
  ws.budget({ models: [{ files: 'models/cnn.onnx', inputs: CNN, budgets: { macs: '3M', weightBytes: '100 KiB', peakActivationBytes: '140 KiB', fileBytes: '200 KiB' } }] });
  const ok = runCli(['check'], { cwd: ws.dir });
  assert.equal(ok.status, 0, ok.stdout + ok.stderr);
  assert.match(ok.stdout, /models\/cnn\.onnx: pass/);
  assert.match(ok.stdout, /✓ model-peakActivationBytes: peak activation memory 140\.0 KiB within the budget of 140\.0 KiB/);
  assert.match(ok.stdout, /1 model\(s\): 1 passed$/m);

  ws.write('models/broken.onnx', new Uint8Array([0x08, 0x07, 0x12]));
  ws.budget({ models: [{ files: 'models/*.onnx', inputs: CNN, budgets: { macs: '1M' } }] });
  const r = runCli(['check', 'models/cnn.onnx', 'models/broken.onnx'], { cwd: ws.dir });
  assert.equal(r.status, 1);
  assert.match(r.stdout, /models\/cnn\.onnx: FAIL \(budget exceeded\)/);
  assert.match(r.stdout, /✗ model-macs: MACs 2\.80 MMACs exceeds the budget of 1\.00 MMACs \(models\[0\]\) by 180\.\d %/);
  assert.match(r.stdout, /models\/broken\.onnx: MODEL BAD \(not a budget verdict; no budget checked\)\n {2}! ModelFormatError: /);
  assert.match(r.stdout, /2 model\(s\): 0 passed, 1 failed \(budget exceeded\), 1 could not be checked \(model bad\)/);
});

test('usage errors exit 2 with a typed message: bad budget file, none found, model not covered, --device, baseline missing', () => {
  const ws = workspace();
  const none = runCli(['check', 'models/cnn.onnx'], { cwd: ws.dir });
  assert.equal(none.status, 2);
  assert.match(none.stderr, /^UsageError: no budget file: pass --budget FILE, or put a layerlens\.budget\.json in /);

  ws.budget({ models: [{ files: 'models/*.onnx', budgets: { macs: 1, weightBytes: { max: '1 MiB', maxIncreasePercnt: 5 } } }] });
  const typo = runCli(['check'], { cwd: ws.dir });
  assert.equal(typo.status, 2);
  assert.match(typo.stderr, /^BudgetFileError: .*layerlens\.budget\.json: unknown key 'maxIncreasePercnt' in models\[0\]\.budgets\.weightBytes; expected one of: max, maxIncreasePercent/);

  ws.budget({ models: [{ files: 'models/mlp.onnx', budgets: { macs: { maxIncreasePercent: 5 } } }] });
  const uncovered = runCli(['check', 'models/cnn.onnx'], { cwd: ws.dir });
  assert.equal(uncovered.status, 2);
  assert.match(uncovered.stderr, /UsageError: models\/cnn\.onnx matches no entry of .* \(its globs: models\/mlp\.onnx\)/);
  const noBaseline = runCli(['check'], { cwd: ws.dir });
  assert.equal(noBaseline.status, 2);
  assert.match(noBaseline.stderr, /UsageError: models\[0\]\.budgets\.macs\.maxIncreasePercent needs a baseline model: add "baseline" to models\[0\]/);
  const device = runCli(['check', '--device', 'stm32h7'], { cwd: ws.dir });
  assert.equal(device.status, 2);
  assert.match(device.stderr, /UsageError: 'stm32h7' is neither a catalog device \(rpi4, rpi5,.*\) nor a device-profile file path/);
  assert.equal(runCli(['check', '--format', 'xml'], { cwd: ws.dir }).status, 2);

  ws.budget({ models: [{ files: 'nets/*.onnx', budgets: { macs: 1 } }] });
  const empty = runCli(['check'], { cwd: ws.dir });
  assert.equal(empty.status, 2);
  assert.match(empty.stderr, /BudgetFileError: .*models\[0\]\.files \(nets\/\*\.onnx\) matches no file/);
});

test('growth over a baseline: +10 % MACs fails a 5 % limit and keeps a 15 % one (file, folder and per-entry baselines)', () => {
  const ws = workspace(); // models/mlp.onnx: hidden 220 -> 24,200 MACs
  ws.write('base/models/mlp.onnx', mlpBytes(200)); // 22,000 MACs
  ws.budget({ models: [{ files: 'models/mlp.onnx', budgets: { macs: { maxIncreasePercent: 5 }, params: { maxIncreasePercent: 15 } } }] });
  for (const baseline of ['base/models/mlp.onnx', 'base']) {
    const r = json(['--baseline', baseline], ws.dir);
    assert.equal(r.status, 1, r.stderr);
    const [macs, params] = r.report.models[0]!.checks;
    assert.equal(macs!.ruleId, 'model-macs-increase');
    assert.equal(macs!.status, 'fail');
    assert.match(macs!.message, /22\.00 kMACs → 24\.20 kMACs, \+10\.0 %/);
    assert.equal(params!.status, 'pass'); // 22,000 -> 24,200 weights: +10 % <= 15 %
  }
  ws.budget({ models: [{ files: 'models/mlp.onnx', baseline: 'base/models/mlp.onnx', budgets: { macs: { maxIncreasePercent: 10.5 } } }] });
  assert.equal(runCli(['check'], { cwd: ws.dir }).status, 0);
  // A model the baseline folder lacks is new: its increase limits are left out, and the output says so.
  mkdirSync(join(ws.dir, 'empty'));
  const added = runCli(['check', '--baseline', 'empty'], { cwd: ws.dir });
  assert.equal(added.status, 0, added.stdout);
  assert.match(added.stdout, /- skipped: increase limits of models\[0\] \(a new model: not in the baseline folder empty\)/);
  const nowhere = runCli(['check', '--baseline', 'no-such-folder'], { cwd: ws.dir });
  assert.equal(nowhere.status, 2);
  assert.match(nowhere.stderr, /UsageError: --baseline no-such-folder: no such file or folder/);
  writeFileSync(join(ws.dir, 'base', 'models', 'mlp.onnx'), 'corrupt');
  const bad = json([], ws.dir);
  assert.equal(bad.status, 1);
  assert.match(JSON.stringify(bad.report.models[0]!.error), /ModelFormatError/);
});

test('latency measured here with onnxruntime-node: a model total and node shares of the measured time', () => {
  const ws = workspace();
  ws.budget({ models: [{ files: 'models/cnn.onnx', inputs: CNN, latency: { runs: 5, warmup: 1 }, budgets: { latencyMs: 10_000 }, nodeBudgets: { latencyMs: { maxSharePercent: 100 } } }] });
  const r = json([], ws.dir, 180_000);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.report.latencySource!, /^measured here: onnxruntime-node, deployed mode, median of 5 runs/);
  const ms = r.report.models[0]!.figures.latencyMs!.value!;
  assert.ok(ms > 0 && ms < 10_000, `latency ${ms} ms`);
  assert.deepEqual(r.report.models[0]!.checks.map((c) => [c.ruleId, c.status]), [['model-latencyMs', 'pass'], ['node-latencyMs-share', 'pass']]);
  // --skip-latency: the model is not run and the output says so.
  const skipped = runCli(['check', '--skip-latency'], { cwd: ws.dir });
  assert.equal(skipped.status, 0);
  assert.match(skipped.stdout, /- skipped: latency limits of models\[0\] \(--skip-latency\)/);
  // Latency needs concrete input shapes: without the binding it is a usage error.
  ws.budget({ models: [{ files: 'models/cnn.onnx', budgets: { latencyMs: 10_000 } }] });
  const unbound = runCli(['check'], { cwd: ws.dir, timeoutMs: 120_000 });
  assert.equal(unbound.status, 2, unbound.stdout);
  assert.match(unbound.stderr, /UsageError: input 'image' has shape \[batch,3,32,32\]: bind its symbolic dims/);
});

test('latency predicted on a target device (--device): the figure `layerlens predict` gives, judged against the budget; the model is not run', () => {
  const ws = workspace();
  const predicted = JSON.parse(runCli(['predict', join(ws.dir, 'models/cnn.onnx'), '--input', 'image=1x3x32x32', '--device', 'rpi5', '--json']).stdout) as { latency: { predictedMs: number } };
  const ms = predicted.latency.predictedMs;
  assert.ok(ms > 0, `predicted ${ms} ms`);
  ws.budget({ models: [{ files: 'models/cnn.onnx', inputs: CNN, budgets: { latencyMs: ms * 2 } }] });
  const ok = json(['--device', 'rpi5'], ws.dir);
  assert.equal(ok.status, 0, ok.stderr);
  assert.match(ok.report.latencySource!, /^estimated on .*\(rpi5\)/);
  assert.equal(ok.report.models[0]!.figures.latencyMs!.value, ms);
  ws.budget({ models: [{ files: 'models/cnn.onnx', inputs: CNN, budgets: { latencyMs: ms / 2 } }] });
  const over = json(['--device', 'rpi5'], ws.dir);
  assert.equal(over.status, 1);
  assert.deepEqual(over.report.models[0]!.checks.map((c) => [c.ruleId, c.status]), [['model-latencyMs', 'fail']]);
});

test('a figure that cannot be verified fails under onUnknown "error" and warns under "warning"', () => {
  const ws = workspace();
  // No binding for the symbolic batch: no activation size is known.
  ws.budget({ models: [{ files: 'models/cnn.onnx', budgets: { peakActivationBytes: '1 MiB', weightBytes: '1 MiB' } }] });
  const strict = runCli(['check'], { cwd: ws.dir });
  assert.equal(strict.status, 1);
  assert.match(strict.stdout, /\? model-peakActivationBytes: peak activation memory unknown, cannot be checked against the budget of 1\.00 MiB \(models\[0\]\): \d+ tensor\(s\) of unknown size, e\.g\. 'image': its shape is \[batch,3,32,32\]/);
  assert.match(strict.stdout, /failed \(budget exceeded or not verifiable\)/);
  ws.budget({ onUnknown: 'warning', models: [{ files: 'models/cnn.onnx', budgets: { peakActivationBytes: '1 MiB', weightBytes: '1 MiB' } }] });
  const lenient = runCli(['check'], { cwd: ws.dir });
  assert.equal(lenient.status, 0, lenient.stdout);
  assert.match(lenient.stdout, /\? \(warning\) model-peakActivationBytes/);
  // --dim binds it: the figure is exact again (the CLI's bindings apply on top of the entry's).
  const bound = json(['--dim', 'batch=1'], ws.dir);
  assert.equal(bound.report.models[0]!.figures.peakActivationBytes!.lowerBound, false);
});

test('found from a subfolder; globs relative to the budget file; peak memory is analyze\'s figure; text models read too', () => {
  const ws = workspace();
  ws.budget({ models: [{ files: ['models/cnn.onnx', 'models/cnn.onnxtxt'], inputs: CNN, budgets: { peakActivationBytes: '1 MiB', macs: '10M' } }] });
  const r = json([], join(ws.dir, 'models'));
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(r.report.models.map((m) => m.path), ['cnn.onnx', 'cnn.onnxtxt']);
  const analyzed = JSON.parse(runCli(['analyze', join(ws.dir, 'models', 'cnn.onnx'), '--input', 'image=1x3x32x32', '--json']).stdout) as { peakActivationBytes: number; totals: { macs: number } };
  for (const m of r.report.models) {
    assert.equal(m.figures.peakActivationBytes!.value, analyzed.peakActivationBytes);
    assert.equal(m.figures.macs!.value, analyzed.totals.macs);
  }
});

test('--report writes other formats to files in the same run (the SARIF file is what --format sarif prints)', () => {
  const ws = workspace();
  ws.budget({ models: [{ files: 'models/mlp.onnx', budgets: { macs: '20k' } }] }); // 24.2 k: exceeded
  const r = runCli(['check', '--format', 'github', '--report', 'sarif=out.sarif', '--report', 'junit=junit.xml'], { cwd: ws.dir });
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stdout, /^::error file=models\/mlp\.onnx,title=LayerLens budget model-macs exceeded::/m);
  const sarif = runCli(['check', '--format', 'sarif'], { cwd: ws.dir });
  assert.equal(readFileSync(join(ws.dir, 'out.sarif'), 'utf8'), sarif.stdout);
  assert.match(readFileSync(join(ws.dir, 'junit.xml'), 'utf8'), /<failure type="budget-exceeded" message="MACs 24\.20 kMACs exceeds the budget of 20\.00 kMACs/);
  // A report that cannot be written is the project's typed file-system error (exit 1), nothing half-written.
  const unwritable = runCli(['check', '--report', 'sarif=no/such/folder/x.sarif'], { cwd: ws.dir });
  assert.equal(unwritable.status, 1);
  assert.match(unwritable.stderr, /^FileSystemError: cannot write no\/such\/folder\/x\.sarif: the folder no\/such\/folder does not exist/);
  assert.equal(runCli(['check', '--report', 'pdf=x.pdf'], { cwd: ws.dir }).status, 2);
});

test('docs/ci: the example budget file is valid, and the workflow uses only flags `layerlens check` has', () => {
  const example = readFileSync(join(ROOT, 'docs', 'ci', 'budget.example.json'), 'utf8');
  const b = parseBudgetFile(example, 'docs/ci/budget.example.json');
  assert.equal(b.targets.length, 2);
  assert.deepEqual(b.targets[0]!.model.peakActivationBytes, { max: 256 * 1024 });
  const help = runCli(['check', '--help']).stdout;
  const workflow = readFileSync(join(ROOT, 'docs', 'ci', 'layerlens-check.yml'), 'utf8');
  const command = /npx layerlens check([\s\S]*?)\n\n/.exec(workflow)![1]!;
  const flags = [...command.matchAll(/--[a-z-]+/g)].map((m) => m[0]);
  assert.ok(flags.length >= 3, command);
  for (const f of flags) assert.ok(help.includes(f), `${f} is a flag of layerlens check`);
  assert.match(workflow, /uses: github\/codeql-action\/upload-sarif@v3/);
});
