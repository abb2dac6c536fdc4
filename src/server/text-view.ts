// The text view of a binary model, produced in a worker thread (text-view-worker.ts): the main thread
// stays free for other requests while a large model is read, decoded and printed.
import { startWorker } from './worker-file';

export function textView(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const w = startWorker('text-view-worker');
    w.once('message', (m: { text?: string; error?: string }) => {
      void w.terminate();
      if (m.error !== undefined) reject(new Error(m.error));
      else resolve(m.text!);
    });
    w.once('error', (e) => reject(e));
    w.postMessage({ path });
  });
}
