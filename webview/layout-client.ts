// Starts the layout workers from the extension's bundled script. Webviews cannot start a worker from a
// resource URL of another origin, so the script is fetched and started from a blob URL (the CSP
// allows `worker-src blob:` and `connect-src` to the extension's own files only). Two workers: sibling
// containers (laid out concurrently by layout.ts) use both cores.
import type { LayoutRequest, LayoutResult } from './layout-types';

export function startLayoutWorker(url: string, count = Math.max(1, Math.min(2, navigator.hardwareConcurrency || 1))): (req: Omit<LayoutRequest, 'id'>) => Promise<LayoutResult> {
  let next = 1;
  const waiting = new Map<number, { resolve: (r: LayoutResult) => void; reject: (e: Error) => void }>();
  const busy: number[] = [];
  const pool = fetch(url)
    .then((r) => {
      if (!r.ok) throw new Error(`layout worker script: HTTP ${r.status}`);
      return r.text();
    })
    .then((src) => {
      const blob = URL.createObjectURL(new Blob([src], { type: 'text/javascript' }));
      return Array.from({ length: count }, (_, i) => {
        const w = new Worker(blob);
        busy[i] = 0;
        w.onmessage = (e: MessageEvent<LayoutResult>) => {
          busy[i]!--;
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
    });
  return async (req) => {
    const workers = await pool;
    const id = next++;
    // The least busy worker takes it.
    let k = 0;
    for (let i = 1; i < workers.length; i++) if (busy[i]! < busy[k]!) k = i;
    busy[k]!++;
    return new Promise((resolve, reject) => {
      waiting.set(id, { resolve, reject });
      workers[k]!.postMessage({ ...req, id });
    });
  };
}
