// A minimal spec runner for webview logic inside Chromium (node:assert does not exist there):
// specs register here, test/webview/logic.test.ts bundles them, runs them in the page and reports
// each as a node:test case.
export interface SpecResult {
  name: string;
  ok: boolean;
  error?: string;
}

const specs: { name: string; fn: () => void | Promise<void> }[] = [];

export function spec(name: string, fn: () => void | Promise<void>): void {
  specs.push({ name, fn });
}

export function eq(actual: unknown, expected: unknown, what = ''): void {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  if (a !== e) throw new Error(`${what ? what + ': ' : ''}expected ${e}, got ${a}`);
}

export function ok(cond: unknown, what: string): void {
  if (!cond) throw new Error(what);
}

export function throws(f: () => unknown, pattern: RegExp, what: string): void {
  try {
    f();
  } catch (e) {
    if (pattern.test(String((e as Error).message))) return;
    throw new Error(`${what}: threw '${(e as Error).message}', expected ${pattern}`);
  }
  throw new Error(`${what}: did not throw`);
}

(window as unknown as { __runSpecs: () => Promise<SpecResult[]> }).__runSpecs = async () => {
  const out: SpecResult[] = [];
  for (const s of specs) {
    try {
      await s.fn();
      out.push({ name: s.name, ok: true });
    } catch (e) {
      out.push({ name: s.name, ok: false, error: (e as Error).stack ?? String(e) });
    }
  }
  return out;
};
