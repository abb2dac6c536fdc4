// The text view of a binary model, produced in a worker thread (text-view-worker.ts): the main thread
// stays free for other requests while a large model is read, decoded and printed.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';

function workerFile(): { file: string; execArgv: string[] } {
  const js = join(__dirname, 'text-view-worker.js');
  return existsSync(js) ? { file: js, execArgv: [] } : { file: join(__dirname, 'text-view-worker.ts'), execArgv: ['--import', 'tsx'] };
}

export function textView(path: string): Promise<string> {
  const { file, execArgv } = workerFile();
  return new Promise((resolve, reject) => {
    const w = new Worker(file, { execArgv });
    w.once('message', (m: { text?: string; error?: string }) => {
      void w.terminate();
      if (m.error !== undefined) reject(new Error(m.error));
      else resolve(m.text!);
    });
    w.once('error', (e) => reject(e));
    w.postMessage({ path });
  });
}
