// The compile command: an .onnxtxt file becomes an .onnx beside it, declared weights filled.
import { fileURLToPath } from 'node:url';
import { fillDeclaredTensors } from '../core/onnx/text/fill';
import { parseModel } from '../core/onnx/text/parser';
import { saveModel } from '../node/files/encode-model';
import { readModelText } from '../node/model-file';
import type { CompileArgs, CompileResult } from '../protocol/requests';

export function compile(args: CompileArgs): CompileResult {
  const path = fileURLToPath(args.uri);
  const r = parseModel(readModelText(path));
  const first = r.diagnostics.find((d) => d.severity === 'error');
  if (!r.model || first) throw new Error(`${path}:${(first?.range.start.line ?? 0) + 1}:${(first?.range.start.character ?? 0) + 1}: ${first?.message ?? 'cannot parse'}`);
  const filled = fillDeclaredTensors(r.model, args.init ?? 'xavier', args.seed ?? 1);
  const written = path.replace(/\.onnxtxt$/, '') + '.onnx';
  saveModel(r.model, written);
  return { written, filled };
}
