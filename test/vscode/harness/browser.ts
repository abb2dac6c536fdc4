// Debian's Chromium, headless, driven by playwright-core (no browser download: never
// `npx playwright install`), with a fresh profile in the given folder.
import { mkdirSync } from 'node:fs';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { CHROMIUM } from './paths';

// The flags found to work on these machines (ENVIRONMENT.md).
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

export interface Browser {
  context: BrowserContext;
  page: Page;
  /** The browser's profile folder (its --user-data-dir: bench/renderer-memory.ts finds it by that). */
  profileDir: string;
  /** Browser console errors and page errors, first line of each. */
  consoleErrors: string[];
  close(): Promise<void>;
}

export async function launchChromium(profileDir: string, o: { viewport?: { width: number; height: number }; extraArgs?: string[] } = {}): Promise<Browser> {
  mkdirSync(profileDir, { recursive: true });
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: [...CHROMIUM_ARGS, ...(o.extraArgs ?? [])],
    viewport: o.viewport ?? { width: 1400, height: 900 },
    // the workbench relies on no download prompts, no permission prompts: nothing to set
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const consoleErrors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text().split('\n')[0]!.slice(0, 300));
  });
  page.on('pageerror', (e) => consoleErrors.push(`pageerror: ${e.message.split('\n')[0]}`));
  let closed = false;
  return {
    context,
    page,
    profileDir,
    consoleErrors,
    async close() {
      if (closed) return;
      closed = true;
      await context.close().catch(() => {});
    },
  };
}
