// Process groups: code-server (and the extension hosts it forks) runs in its own group, started
// detached (setsid), and is stopped by signalling the whole group. Linux only (/proc).
import { readdirSync, readFileSync } from 'node:fs';

/** Live (non-zombie) pids whose process group is `pgid`. */
export function groupMembers(pgid: number): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${name}/stat`, 'utf8');
    } catch {
      continue; // exited meanwhile
    }
    // "pid (comm) state ppid pgrp ...": comm may hold spaces and parentheses
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (fields[0] !== 'Z' && Number(fields[2]) === pgid) out.push(Number(name));
  }
  return out;
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // the group is gone
  }
}

/** SIGTERM the group, wait up to `graceMs` for it to go, then SIGKILL what is left. */
export async function killGroup(pgid: number, graceMs = 3000): Promise<void> {
  signalGroup(pgid, 'SIGTERM');
  const until = Date.now() + graceMs;
  while (Date.now() < until) {
    if (groupMembers(pgid).length === 0) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  signalGroup(pgid, 'SIGKILL');
}

// Groups still running when this process exits (a crashed test, Ctrl+C, SIGTERM) are killed on the way out.
const live = new Set<number>();
let hooked = false;
export function trackGroup(pgid: number): void {
  live.add(pgid);
  if (hooked) return;
  hooked = true;
  const killAll = () => {
    for (const g of live) signalGroup(g, 'SIGKILL');
  };
  process.on('exit', killAll);
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    const onSignal = () => {
      killAll();
      // if nobody else (playwright, test-electron) handles it, die of it as we would have
      if (process.listenerCount(sig) === 1) {
        process.removeListener(sig, onSignal);
        process.kill(process.pid, sig);
      }
    };
    process.on(sig, onSignal);
  }
}
export function untrackGroup(pgid: number): void {
  live.delete(pgid);
}

/** Live pids whose command line contains `text` (e.g. a run dir: Chromium's --user-data-dir). */
export function processesMentioning(text: string): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${name}/cmdline`, 'utf8').includes(text)) out.push(Number(name));
    } catch {
      // exited meanwhile
    }
  }
  return out;
}
