// The `layerlens` command line: analyze | profile | optimize | compile | export | machine | check | sensitivity |
// calibrate | predict.
// Start-up is part of every run, so only the command being run is loaded: each command module is
// imported on demand (esbuild makes those imports lazy initialisers of the one bundle), and what it
// does not use never runs its module code — `analyze` of an ONNX file does not set up ONNX Runtime's
// wrapper, the rewrite rules or the TFLite reader. `--version` loads no command; help, an unknown
// command or no command at all load every one, so that commander can list them and suggest names.
import { Command } from 'commander';
import { endQuietlyOnClosedPipe, exitWithError } from './errors';

type Register = (program: Command) => void;

const COMMANDS: Record<string, () => Promise<Register>> = {
  analyze: async () => (await import('./commands/analyze')).registerAnalyze,
  profile: async () => (await import('./commands/profile')).registerProfile,
  optimize: async () => (await import('./commands/optimize')).registerOptimize,
  compile: async () => (await import('./commands/compile')).registerCompile,
  export: async () => (await import('./commands/export')).registerExport,
  machine: async () => (await import('./commands/machine')).registerMachine,
  check: async () => (await import('./commands/check')).registerCheck,
  sensitivity: async () => (await import('./commands/sensitivity')).registerSensitivity,
  calibrate: async () => (await import('./commands/calibrate')).registerCalibrate,
  predict: async () => (await import('./commands/predict')).registerPredict,
};

/** The commands a command line needs registered (see the module comment). */
function commandsFor(args: readonly string[]): string[] {
  const name = args.find((a) => !a.startsWith('-'));
  if (name !== undefined && Object.hasOwn(COMMANDS, name)) return [name];
  if (name === undefined && args.some((a) => a === '--version' || a === '-V')) return [];
  return Object.keys(COMMANDS);
}

async function main(argv: string[]): Promise<void> {
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
  for (const name of commandsFor(argv.slice(2))) (await COMMANDS[name]!())(program);
  await program.parseAsync(argv);
}

main(process.argv).catch(exitWithError);
