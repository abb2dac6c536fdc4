// `layerlens check [MODEL…] [--budget FILE] [--baseline OLD] [--format text|json|sarif|junit|github]`:
// models against the budgets of layerlens.budget.json (docs/budgets.md), for CI. Exit 0: every budget
// kept; 1: a budget exceeded, or a model bad (its typed error; the output says which of the two);
// 2: usage (flags, the budget file). Latency limits are measured here with onnxruntime-node; latency
// predicted on a device profile (--device FILE|ID, docs/prediction.md).
import { InvalidArgumentError, Option, type Command } from 'commander';
import { hostname } from 'node:os';
import { exitCodeOf, type CheckReport } from '../../core/budget/report';
import { toJunit } from '../../core/budget/formats/junit';
import { toSarif } from '../../core/budget/formats/sarif';
import { deviceLatency, measuredLatency } from '../../node/budgets/measured-latency';
import { writeFileAtomic } from '../../node/files/atomic-file';
import { runCheck } from '../../node/budgets/run-check';
import { toGithub, toJson, toText } from '../check-output';
import { bindingsFrom, type BindingFlags, withBindingOptions } from '../options';

/** package.json's repository: where SARIF viewers send people to learn about the tool. */
const INFORMATION_URI = 'https://example.invalid/layerlens';

const FORMATS = ['text', 'json', 'sarif', 'junit', 'github'] as const;
type Format = (typeof FORMATS)[number];

interface CheckFlags extends BindingFlags {
  budget?: string;
  baseline?: string;
  format: Format;
  report?: [Format, string][];
  device?: string;
  skipLatency?: boolean;
}

/** `--report sarif=layerlens.sarif` (repeatable): another format written to a file. */
function parseReport(text: string, prev: [Format, string][] = []): [Format, string][] {
  const eq = text.indexOf('=');
  const format = text.slice(0, eq) as Format;
  if (eq <= 0 || eq === text.length - 1 || !FORMATS.includes(format)) {
    throw new InvalidArgumentError(`expected FORMAT=FILE with FORMAT one of ${FORMATS.join(', ')}, e.g. sarif=layerlens.sarif (got '${text}')`);
  }
  return [...prev, [format, text.slice(eq + 1)]];
}

function render(format: Format, report: CheckReport, version: string, seconds: number): string {
  switch (format) {
    case 'json':
      return toJson(report);
    case 'sarif':
      return JSON.stringify(toSarif(report, { version, informationUri: INFORMATION_URI }), null, 2);
    case 'junit':
      return toJunit(report, { timestamp: new Date().toISOString().slice(0, 19), hostname: hostname(), seconds });
    case 'github':
      return toGithub(report);
    default:
      return toText(report);
  }
}


export function registerCheck(program: Command): void {
  withBindingOptions(program.command('check'))
    .description('check models against budgets (layerlens.budget.json): exit 0 all kept, 1 a budget exceeded or a model bad, 2 usage')
    .argument('[models...]', '.onnx or .onnxtxt models (default: every model the budget file names)')
    .option('--budget <file>', 'the budget file (default: layerlens.budget.json here or in a parent folder)')
    .option('--baseline <path>', 'baseline for maxIncreasePercent limits: a model (one model checked) or a folder mirroring this one')
    .addOption(new Option('--format <format>', 'output format on stdout').choices([...FORMATS]).default('text'))
    .option('--report <format=file>', 'also write a format to a file, e.g. sarif=layerlens.sarif (repeatable)', parseReport)
    .option('--device <profile>', 'judge latency budgets on a target device: a device profile from `layerlens calibrate`, or a catalog id (rpi5, …; an estimate), predicted without running the model')
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
      const seconds = (performance.now() - started) / 1000;
      // Each report file is written whole or not at all (the one write path: private file, flush, rename).
      for (const [format, file] of flags.report ?? []) writeFileAtomic(file, [new TextEncoder().encode(render(format, report, version, seconds).replace(/\n?$/, '\n'))]);
      const out = render(flags.format, report, version, seconds);
      process.stdout.write(out.endsWith('\n') ? out : `${out}\n`);
      process.exitCode = exitCodeOf(report);
    });
}
