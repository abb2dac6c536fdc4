// A Chromium page's renderer memory, the same way for LayerLens's webview and for Netron (issue 13:
// "memory of the webview ≤ 1/4 of Netron's renderer"): the resident set (VmRSS) of the largest
// renderer process of the browser started with `profileDir` — the page's own in a browser that holds
// one page besides about:blank — read from /proc (Linux), with the page's JS heap after a garbage
// collection from the Chrome DevTools Protocol. The DOM and layout of an SVG graph live in Blink's
// memory, not in the JS heap, which is why the RSS is the figure compared.
import { readdirSync, readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';

export interface RendererMemory {
  /** JS heap used after a GC, MB of 2^20 bytes. */
  heapMB: number;
  /** The renderer process's resident set, MB of 2^20 bytes; null where /proc cannot tell. */
  rssMB: number | null;
}

export async function rendererMemory(page: Page, profileDir: string): Promise<RendererMemory> {
  const s = await page.context().newCDPSession(page);
  try {
    await s.send('HeapProfiler.collectGarbage');
    const heap = (await s.send('Runtime.getHeapUsage')) as { usedSize: number };
    return { heapMB: heap.usedSize / 2 ** 20, rssMB: largestRendererRssMB(profileDir) };
  } finally {
    await s.detach();
  }
}

function largestRendererRssMB(profileDir: string): number | null {
  const procs = new Map<number, { ppid: number; cmd: string }>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      procs.set(Number(d), { ppid, cmd: readFileSync(`/proc/${d}/cmdline`, 'utf8').replace(/\0/g, ' ') });
    } catch {
      // the process ended meanwhile
    }
  }
  const browser = [...procs].find(([, p]) => p.cmd.includes(`--user-data-dir=${profileDir}`) && !p.cmd.includes('--type='));
  if (!browser) return null;
  const under = (pid: number): boolean => {
    for (let p = procs.get(pid), n = 0; p && n < 10; p = procs.get(p.ppid), n++) if (p.ppid === browser[0]) return true;
    return false;
  };
  let best: number | null = null;
  for (const [pid, p] of procs) {
    if (!p.cmd.includes('--type=renderer') || !under(pid)) continue;
    try {
      const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
      if (kb && (best === null || kb / 1024 > best)) best = kb / 1024;
    } catch {
      // ended meanwhile
    }
  }
  return best;
}
