// Timing marks of the open path (docs/benchmarks.md, "open path in VS Code"): with LAYERLENS_OPEN_TRACE
// set to a file path in the extension host's environment, each step of opening a model in the graph
// editor appends one JSON line { ev, t (epoch ms), uri?, ... } to it; bench/open-path.ts reads them.
// Unset (users): one environment read at load, nothing written.
import { appendFileSync } from 'node:fs';

const file = process.env.LAYERLENS_OPEN_TRACE;

export function mark(ev: string, extra: Record<string, unknown> = {}): void {
  if (!file) return;
  try {
    appendFileSync(file, `${JSON.stringify({ ev, t: performance.timeOrigin + performance.now(), ...extra })}\n`);
  } catch {
    // a benchmark aid: never in the way of the editor
  }
}
