// `layerlens check [MODEL…] [--budget FILE] [--baseline OLD] [--format text|json|sarif|junit|github]`:
// models against the budgets of layerlens.budget.json (docs/budgets.md), for CI. Exit 0: every budget
// kept; 1: a budget exceeded, or a model bad (its typed error; the output says which of the two);
// 2: usage (flags, the budget file). Latency limits are measured here with onnxruntime-node; latency
// predicted on a device profile (--device) comes with issue #14.
import { Option, type Command } from 'commander';
import { hostname } from 'node:os';
import { exitCodeOf } from '../../core/budget/report';
import { toJunit } from '../../core/budget/formats/junit';
import { toSarif } from '../../core/budget/formats/sarif';
import { deviceLatency, measuredLatency } from '../../node/budgets/measured-latency';
import { runCheck } from '../../node/budgets/run-check';
import { toGithub, toJson, toText } from '../check-output';
import { bindingsFrom, type BindingFlags, withBindingOptions } from '../options';

/** package.json's repository: where SARIF viewers send people to learn about the tool. */
const INFORMATION_URI = 'https://example.invalid/layerlens';

interface CheckFlags extends BindingFlags {
  budget?: string;
  baseline?: string;
  format: 'text' | 'json' | 'sarif' | 'junit' | 'github';
  device?: string;
  skipLatency?: boolean;
}

export function registerCheck(program: Command): void {
  withBindingOptions(program.command('check'))
    .description('check models against budgets (layerlens.budget.json): exit 0 all kept, 1 a budget exceeded or a model bad, 2 usage')
    .argument('[models...]', '.onnx or .onnxtxt models (default: every model the budget file names)')
    .option('--budget <file>', 'the budget file (default: layerlens.budget.json here or in a parent folder)')
    .option('--baseline <path>', 'baseline for maxIncreasePercent limits: a model (one model checked) or a folder mirroring this one')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json', 'sarif', 'junit', 'github']).default('text'))
    .option('--device <profile>', 'predict latency on a device profile (comes with `layerlens calibrate`, not available yet)')
    .option('--skip-latency', 'leave latency limits out (the models are not run)')
    .action(async (models: string[], flags: CheckFlags) => {
      const latency = flags.device !== undefined ? deviceLatency(flags.device) : flags.skipLatency ? null : measuredLatency;
      const started = performance.now();
      const report = await runCheck({
        models,
        ...(flags.budget ? { budget: flags.budget } : {}),
        ...(flags.baseline ? { baseline: flags.baseline } : {}),
        bindings: bindingsFrom(flags),
        latency,
        cwd: process.cwd(),
      });
      const version = program.version() ?? '0.0.0';
      let out: string;
      switch (flags.format) {
        case 'json':
          out = toJson(report);
          break;
        case 'sarif':
          out = JSON.stringify(toSarif(report, { version, informationUri: INFORMATION_URI }), null, 2);
          break;
        case 'junit':
          out = toJunit(report, { timestamp: new Date().toISOString().slice(0, 19), hostname: hostname(), seconds: (performance.now() - started) / 1000 });
          break;
        case 'github':
          out = toGithub(report);
          break;
        default:
          out = toText(report);
      }
      process.stdout.write(out.endsWith('\n') ? out : `${out}\n`);
      process.exitCode = exitCodeOf(report);
    });
}
