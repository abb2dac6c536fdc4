// The `layerlens` command line: analyze | profile | optimize | sensitivity | export | check | machine | calibrate | predict | compile.
import { Command } from 'commander';
import { registerAnalyze } from './commands/analyze';
import { registerProfile } from './commands/profile';
import { registerOptimize } from './commands/optimize';
import { registerCompile } from './commands/compile';
import { registerExport } from './commands/export';
import { registerCheck } from './commands/check';
import { registerMachine } from './commands/machine';
import { registerSensitivity } from './commands/sensitivity';
import { registerCalibrate } from './commands/calibrate';
import { registerPredict } from './commands/predict';
import { endQuietlyOnClosedPipe, exitWithError } from './errors';

endQuietlyOnClosedPipe();

const program = new Command();
program
  .name('layerlens')
  .description('Cost, profile and slim ONNX models for edge devices.')
  .version('0.1.0')
  .showHelpAfterError()
  .configureOutput({ writeErr: (s) => process.stderr.write(s) })
  .exitOverride((err) => {
    // commander's own usage errors (unknown option, bad value) exit 2; --help/--version exit 0.
    process.exit(err.exitCode === 0 ? 0 : 2);
  });

registerAnalyze(program);
registerProfile(program);
registerOptimize(program);
registerCompile(program);
registerExport(program);
registerMachine(program);
registerCheck(program);
registerSensitivity(program);
registerCalibrate(program);
registerPredict(program);

program.parseAsync(process.argv).catch(exitWithError);
