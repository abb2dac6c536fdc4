// What every fuzz case must satisfy, whatever the input: a typed `Name: message` when refused, and
// no file created, changed or removed anywhere under the corpus folder.
import { lstatSync, readdirSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';

/** `SomethingError: message` on its first line: the form every refusal takes (CLI stderr, LSP error message). */
export const TYPED = /^[A-Z][A-Za-z]*Error: \S/;

/** Names a refusal may carry. ModelWorkerError (a worker died) and plain Error (unforeseen) are crashes, not refusals. */
export const REFUSAL_NAMES = new Set(['ModelFormatError', 'ModelGraphError', 'ExternalDataError', 'ShapeError', 'UsageError', 'ModelLimitError']);

/** Every entry under `dir` (links not followed) with its kind, size and mtime: compared before and after a run. */
export function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      const st = lstatSync(p);
      if (st.isSymbolicLink()) out.set(p, `link ${readlinkSync(p)}`);
      else if (st.isDirectory()) {
        out.set(p, 'dir');
        walk(p);
      } else out.set(p, `${st.isFIFO() ? 'fifo' : 'file'} ${st.size} ${st.mtimeMs}`);
    }
  };
  walk(dir);
  return out;
}

/** The differences between two snapshots, as lines. */
export function changes(before: Map<string, string>, after: Map<string, string>): string[] {
  const out: string[] = [];
  for (const [p, v] of after) if (before.get(p) !== v) out.push(`${before.has(p) ? 'changed' : 'new'}: ${p} (${v})`);
  for (const p of before.keys()) if (!after.has(p)) out.push(`removed: ${p}`);
  return out;
}
