// `layerlens compile DESIGN.onnxtxt -o OUT.onnx [--init zeros|normal|xavier] [--seed N]`: a model
// written by hand in the text form, with weights declared by shape, becomes an .onnx file.
import type { Command } from 'commander';
import { ModelFormatError, UsageError } from '../../core/errors';
import { fillDeclaredTensors, type FillMethod } from '../../core/onnx/text/fill';
import { parseModel } from '../../core/onnx/text/parser';
import { saveModel } from '../../node/files/encode-model';
import { readModelText } from '../../node/model-file';

export function registerCompile(program: Command): void {
  program
    .command('compile')
    .description('turn a hand-written .onnxtxt model into .onnx, filling declared weights')
    .argument('<design>', 'an .onnxtxt file')
    .requiredOption('-o, --output <out>', 'the .onnx file to write')
    .option('--init <method>', 'zeros | normal | xavier', 'xavier')
    .option('--seed <n>', 'random seed', '1')
    .action((path: string, flags: { output: string; init: string; seed: string }) => {
      if (!['zeros', 'normal', 'xavier'].includes(flags.init)) throw new UsageError(`--init ${flags.init}: expected zeros, normal or xavier`);
      const text = readModelText(path);
      const r = parseModel(text);
      const errors = r.diagnostics.filter((d) => d.severity === 'error');
      if (!r.model || errors.length) {
        const first = errors[0]!;
        throw new ModelFormatError(`${path}:${first.range.start.line + 1}:${first.range.start.character + 1}: ${first.message}` + (errors.length > 1 ? ` (and ${errors.length - 1} more)` : ''));
      }
      const filled = fillDeclaredTensors(r.model, flags.init as FillMethod, Number(flags.seed) || 1);
      const saved = saveModel(r.model, flags.output);
      process.stdout.write(`wrote ${flags.output} (${saved.bytes} bytes; ${filled} declared weight(s) filled with ${flags.init})\n`);
    });
}
