// What a hover says about a constant tensor the text view does not write out (more than 16 elements:
// initializers and Constant-node values alike): its type and size, its first values, and — where the
// thread holds the model's data (the model worker) — min, max, mean and std; the whole value comes
// from the layerlens/tensorValues request.
import { dataTypeName } from '../../core/ir/data-type';
import type { Tensor } from '../../core/ir/tensor';
import { tensorValuesText } from '../../core/onnx/text/printer';
import type { WeightStats } from '../../protocol/requests';

/** Tensors with more elements than this are declared only in the text (the printer's default). */
export const SHOWN_ELEMENTS = 16;
const FIRST = 8;

const num = (x: number | null): string => (x === null ? '–' : Number(x.toPrecision(6)).toString());

/** Markdown lines about `t`, or none when the text shows its values already. */
export function constantLines(t: Tensor, stats?: (t: Tensor) => WeightStats): string[] {
  if (t.elementCount <= SHOWN_ELEMENTS && t.storage.kind !== 'external') return [];
  const lines = [`value ${'`'}${dataTypeName(t.dataType)}[${t.dims.join(',')}]${'`'}: ${t.elementCount.toLocaleString('en-US')} values, not written in the text (request layerlens/tensorValues gives them all)`];
  if (t.storage.kind === 'declared') return [...lines, '_declared by type and shape only: no data yet_'];
  try {
    lines.push(`first values: ${'`'}${tensorValuesText(t, FIRST)}${t.elementCount > FIRST ? ', …' : ''}${'`'}`);
  } catch (e) {
    return [...lines, `_${(e as Error).message}_`];
  }
  const s = stats?.(t);
  if (s && s.error === undefined && s.note === undefined) lines.push(`min ${num(s.min)} · max ${num(s.max)} · mean ${num(s.mean)} · std ${num(s.std)} · zeros ${(100 * (s.zeroFraction ?? 0)).toFixed(1)} %`);
  return lines;
}
