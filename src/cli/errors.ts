// How errors leave the CLI: a LayerLensError prints `Name: message` and its exit code (1 bad model,
// 2 usage); anything else is a bug, printed with its stack and exit code 3 so it is not mistaken
// for a verdict on the model.
import { LayerLensError } from '../core/errors';

export function exitWithError(e: unknown): never {
  if (e instanceof LayerLensError) {
    process.stderr.write(`${e.name}: ${e.message}\n`);
    process.exit(e.exitCode);
  }
  process.stderr.write(`layerlens: internal error (please report): ${(e as Error)?.stack ?? String(e)}\n`);
  process.exit(3);
}
