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

/** How a hover offers the whole value: a command link for a client that said it has one (VS Code's extension does). */
export interface ValuesLink {
  command: string;
  /** The document the hover is in. */
  uri: string;
}

/** Markdown lines about `t` (the value named `name`), or none when the text shows its values already. */
export function constantLines(t: Tensor, name: string, stats?: (t: Tensor) => WeightStats, link?: ValuesLink): string[] {
  if (t.elementCount <= SHOWN_ELEMENTS && t.storage.kind !== 'external') return [];
  const all = link ? `[show all values](command:${link.command}?${encodeURIComponent(JSON.stringify([link.uri, name]))})` : 'request layerlens/tensorValues gives them all';
  const lines = [`value ${'`'}${dataTypeName(t.dataType)}[${t.dims.join(',')}]${'`'}: ${t.elementCount.toLocaleString('en-US')} values, not written in the text (${all})`];
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
