// Starts one of the server's worker threads: the bundled `<name>.js` beside the running server
// (dist/), or, when the server itself runs from TypeScript (tsx), `<name>.ts` with tsx's CommonJS
// hook (`--import tsx` does not reach worker threads on Node 20; `--require tsx/cjs` does).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker, type WorkerOptions } from 'node:worker_threads';

export function startWorker(name: string, opts: WorkerOptions = {}): Worker {
  const js = join(__dirname, `${name}.js`);
  return existsSync(js) ? new Worker(js, opts) : new Worker(join(__dirname, `${name}.ts`), { ...opts, execArgv: [...(opts.execArgv ?? []), '--require', 'tsx/cjs'] });
}
