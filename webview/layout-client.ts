// Starts the layout worker from the extension's bundled script. Webviews cannot start a worker from a
// resource URL of another origin, so the script is fetched and started from a blob URL (the CSP
// allows `worker-src blob:` and `connect-src` to the extension's own files only).
import type { LayoutRequest, LayoutResult } from './layout-types';

export function startLayoutWorker(url: string): (req: Omit<LayoutRequest, 'id'>) => Promise<LayoutResult> {
  let next = 1;
  const waiting = new Map<number, { resolve: (r: LayoutResult) => void; reject: (e: Error) => void }>();
  const worker = fetch(url)
    .then((r) => {
      if (!r.ok) throw new Error(`layout worker script: HTTP ${r.status}`);
      return r.text();
    })
    .then((src) => {
      const w = new Worker(URL.createObjectURL(new Blob([src], { type: 'text/javascript' })));
      w.onmessage = (e: MessageEvent<LayoutResult>) => {
        const p = waiting.get(e.data.id);
        waiting.delete(e.data.id);
        p?.resolve(e.data);
      };
      w.onerror = (e) => {
        for (const p of waiting.values()) p.reject(new Error(`layout worker failed: ${e.message}`));
        waiting.clear();
      };
      return w;
    });
  return async (req) => {
    const w = await worker;
    const id = next++;
    return new Promise((resolve, reject) => {
      waiting.set(id, { resolve, reject });
      w.postMessage({ ...req, id });
    });
  };
}
