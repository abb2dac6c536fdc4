// The compile command (in the jobs worker): an .onnxtxt file becomes an .onnx beside it, declared
// weights filled. Text that does not parse is a ModelFormatError naming the first error's place.
import { fileURLToPath } from 'node:url';
import { ModelFormatError } from '../../core/errors';
import { fillDeclaredTensors } from '../../core/onnx/text/fill';
import { parseModel } from '../../core/onnx/text/parser';
import { saveModel } from '../../node/files/encode-model';
import { readModelText } from '../../node/model-file';
import type { CompileArgs, CompileResult } from '../../protocol/requests';

export function compile(args: CompileArgs): CompileResult {
  const path = fileURLToPath(args.uri);
  const r = parseModel(readModelText(path));
  const first = r.diagnostics.find((d) => d.severity === 'error');
  if (!r.model || first) throw new ModelFormatError(`${path}:${(first?.range.start.line ?? 0) + 1}:${(first?.range.start.character ?? 0) + 1}: ${first?.message ?? 'cannot parse'}: fix the text, then compile again`);
  const filled = fillDeclaredTensors(r.model, args.init ?? 'xavier', args.seed ?? 1);
  const written = path.replace(/\.onnxtxt$/, '') + '.onnx';
  saveModel(r.model, written);
  return { written, filled };
}
