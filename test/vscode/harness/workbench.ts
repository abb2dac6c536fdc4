// A page object for UI scenarios: the VS Code workbench served by code-server, in headless
// Chromium (playwright-core). Open it for a folder with an extension under development (or on a
// server that has a .vsix installed), then drive it the way a user does: status bar, command
// palette, quick open, the custom editor's webview, hovers, the Explorer's context menu,
// notifications and progress. Screenshots go to test-artifacts/vscode/<scenario>-<NN>-<step>.png.
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { FrameLocator, Locator, Page } from 'playwright-core';
import { launchChromium, type Browser } from './browser';
import { CodeServer } from './code-server';
import { ARTIFACTS, KEEP_RUN_DIRS, makeRunDir, requireHost } from './paths';

export interface WorkbenchOptions {
  /** Names the screenshots: test-artifacts/vscode/<scenario>-<NN>-<step>.png. */
  scenario: string;
  /** The folder the window opens. */
  folder: string;
  /** Extension(s) under development, loaded through the URL payload. */
  extensionDevelopmentPath?: string | string[];
  /** A running server to reuse (one per test file is enough); else one is started for this window. */
  server?: CodeServer;
  /** For a server of its own: install this .vsix first. */
  vsix?: string;
  /** For a server of its own: user settings. */
  settings?: Record<string, unknown>;
  /** Default timeout of waits and actions, ms (default 20 s). */
  timeoutMs?: number;
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const exactly = (s: string | RegExp) => (typeof s === 'string' ? new RegExp(`^\\s*${escapeRe(s)}\\s*$`) : s);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class Workbench {
  private step = 0;
  private closed = false;
  readonly timeoutMs: number;

  private constructor(
    readonly server: CodeServer,
    private readonly ownsServer: boolean,
    private readonly browser: Browser,
    private readonly profileDir: string,
    readonly options: WorkbenchOptions,
  ) {
    this.timeoutMs = options.timeoutMs ?? 20_000;
    browser.page.setDefaultTimeout(this.timeoutMs);
  }

  get page(): Page {
    return this.browser.page;
  }
  get consoleErrors(): string[] {
    return this.browser.consoleErrors;
  }

  /** Starts (or reuses) a server, opens Chromium on the workbench and waits until it has loaded. */
  static async open(o: WorkbenchOptions): Promise<Workbench> {
    requireHost();
    if (o.server && (o.vsix || o.settings)) throw new Error('vsix/settings need a server of its own: do not pass `server`');
    const profileDir = makeRunDir('chromium');
    // a server of its own and the browser take 1-2 s each: start them side by side
    const [s, b] = await Promise.allSettled([o.server ?? CodeServer.start({ vsix: o.vsix, settings: o.settings }), launchChromium(profileDir)]);
    if (s.status === 'rejected' || b.status === 'rejected') {
      if (b.status === 'fulfilled') await b.value.close();
      if (s.status === 'fulfilled' && !o.server) await s.value.stop();
      rmSync(profileDir, { recursive: true, force: true });
      throw s.status === 'rejected' ? s.reason : (b as PromiseRejectedResult).reason;
    }
    const server = s.value;
    const browser = b.value;
    const wb = new Workbench(server, !o.server, browser, profileDir, o);
    mkdirSync(ARTIFACTS, { recursive: true });
    for (const f of readdirSync(ARTIFACTS)) if (f.startsWith(`${o.scenario}-`) && f.endsWith('.png')) rmSync(join(ARTIFACTS, f));
    try {
      await wb.load();
    } catch (e) {
      await wb.close({ failed: true });
      throw e;
    }
    return wb;
  }

  private async load(): Promise<void> {
    const url = this.server.workbenchUrl({ folder: this.options.folder, extensionDevelopmentPath: this.options.extensionDevelopmentPath });
    await this.page.goto(url, { waitUntil: 'domcontentloaded', timeout: 60_000 });
    await this.page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    await this.page.locator('.part.statusbar').waitFor({ timeout: 60_000 });
    // the Explorer's tree is there once the remote connection and its file service work
    await this.page.locator('.explorer-folders-view .monaco-list').first().waitFor({ timeout: 60_000 });
  }

  // ---- Explorer -------------------------------------------------------------------------------

  explorerItem(name: string): Locator {
    return this.page.locator('.explorer-folders-view .monaco-list-row').filter({ has: this.page.locator('.label-name', { hasText: exactly(name) }) });
  }

  async waitForExplorerItem(name: string, timeoutMs = this.timeoutMs): Promise<Locator> {
    const item = this.explorerItem(name).first();
    await item.waitFor({ timeout: timeoutMs });
    return item;
  }

  /** The names the Explorer shows now (visible rows). */
  async explorerItems(): Promise<string[]> {
    return (await this.page.locator('.explorer-folders-view .monaco-list-row .label-name').allInnerTexts()).map((s) => s.trim());
  }

  /**
   * Right-clicks `file` in the Explorer and picks `item` (its title as menus show it: without the
   * command's category). An extension's menu entries appear once the extension host has read its
   * manifest, a few seconds after the window loads: the menu is reopened until the item is there.
   */
  async explorerContextMenu(file: string, item: string | RegExp, timeoutMs = this.timeoutMs): Promise<void> {
    const row = await this.waitForExplorerItem(file, timeoutMs);
    const menu = this.page.locator('.context-view .monaco-menu');
    const entry = menu.locator('.action-item').filter({ has: this.page.locator('.action-label', { hasText: exactly(item) }) }).first();
    const end = Date.now() + timeoutMs;
    for (;;) {
      await row.click({ button: 'right' });
      await menu.first().waitFor();
      try {
        await entry.waitFor({ timeout: 1000 });
        await entry.click();
        // A click during the menu's opening animation can be lost (the item only highlights): the
        // menu then stays open, and Enter runs the highlighted item.
        // (Not thrown on: a retry below would run the command twice.)
        const closed = await menu.first().waitFor({ state: 'detached', timeout: 2000 }).then(() => true, () => false);
        if (!closed) await this.page.keyboard.press('Enter').catch(() => undefined);
        return;
      } catch {
        const labels = (await menu.locator('.action-label').allInnerTexts()).map((s) => s.trim()).filter(Boolean);
        await this.page.keyboard.press('Escape');
        await menu.first().waitFor({ state: 'detached', timeout: 2000 }).catch(() => {});
        if (Date.now() > end) throw new Error(`the context menu of ${file} has no "${String(item)}"; it has: ${labels.join(' | ')}`);
        await sleep(500);
      }
    }
  }

  // ---- status bar -----------------------------------------------------------------------------

  statusBarItem(text: string | RegExp): Locator {
    return this.page.locator('.part.statusbar .statusbar-item', { hasText: text });
  }

  /** Waits for a status bar item showing `text` (e.g. one the extension shows once active). */
  async waitForStatusBarItem(text: string | RegExp, timeoutMs = this.timeoutMs): Promise<Locator> {
    const item = this.statusBarItem(text).first();
    await item.waitFor({ timeout: timeoutMs });
    return item;
  }

  async statusBarTexts(): Promise<string[]> {
    return (await this.page.locator('.part.statusbar .statusbar-item').allInnerTexts()).map((s) => s.trim()).filter(Boolean);
  }

  // ---- command palette and quick open ---------------------------------------------------------

  private quickInput(): Locator {
    return this.page.locator('.quick-input-widget .quick-input-box input');
  }

  private async openQuickInput(key: string): Promise<void> {
    const box = this.quickInput();
    for (let i = 0; i < 10; i++) {
      await this.page.keyboard.press(key);
      if (await box.isVisible().catch(() => false)) return;
      await sleep(300);
    }
    await box.waitFor({ timeout: 5000 });
  }

  private quickPickRow(label: string | RegExp): Locator {
    return this.page.locator('.quick-input-list .monaco-list-row').filter({ has: this.page.locator('.label-name', { hasText: exactly(label) }) });
  }

  /**
   * Runs a command by its palette title ("LayerLens: Profile Model"). The palette's list is fixed
   * when it opens, so pass `whenActive` (a status bar text the extension shows once active) or the
   * palette is reopened until the command is listed.
   */
  async runCommand(title: string, o: { whenActive?: string | RegExp; timeoutMs?: number } = {}): Promise<void> {
    const timeoutMs = o.timeoutMs ?? this.timeoutMs;
    if (o.whenActive) await this.waitForStatusBarItem(o.whenActive, timeoutMs);
    const end = Date.now() + timeoutMs;
    for (;;) {
      await this.openQuickInput('F1');
      await this.page.keyboard.type(title, { delay: 5 }); // fill() is not picked up reliably
      const row = this.quickPickRow(title).first();
      try {
        await row.waitFor({ timeout: Math.max(1000, Math.min(3000, end - Date.now())) });
        await row.click();
        return;
      } catch {
        await this.page.keyboard.press('Escape');
        if (Date.now() > end) throw new Error(`command "${title}" is not in the command palette (is the extension active? is its "when" clause true?)`);
        await sleep(500);
      }
    }
  }

  /** Opens a workspace file through quick open (Ctrl+P), with its default editor. */
  async quickOpen(fileName: string): Promise<void> {
    await this.openQuickInput('Control+P');
    await this.page.keyboard.type(fileName, { delay: 5 });
    const row = this.quickPickRow(fileName).first();
    await row.waitFor();
    await row.click();
  }

  /** The active editor tab's label. */
  async activeTabLabel(): Promise<string> {
    return (await this.page.locator('.tabs-container .tab.active .label-name').first().innerText()).trim();
  }

  // ---- webviews (custom editors) --------------------------------------------------------------

  /**
   * The content frame of the visible webview (a custom editor's): two iframes deep, the outer
   * `iframe.webview.ready` (VS Code's host page) and `#active-frame` inside it.
   */
  webview(): FrameLocator {
    return this.page.locator('iframe.webview.ready').filter({ visible: true }).last().contentFrame().locator('#active-frame').contentFrame();
  }

  /** Waits until the visible webview shows `selector` (default: its body has content). */
  async waitForWebview(selector = 'body *', timeoutMs = this.timeoutMs): Promise<FrameLocator> {
    const frame = this.webview();
    await frame.locator(selector).first().waitFor({ timeout: timeoutMs });
    return frame;
  }

  // ---- editor hovers --------------------------------------------------------------------------

  /**
   * Hovers the first occurrence of `word` in the active text editor and returns the hover's text;
   * with `until`, hovers again until the text matches (hover providers may answer late).
   */
  async hover(word: string, o: { until?: string | RegExp; timeoutMs?: number } = {}): Promise<string> {
    const target = this.page.locator('.monaco-editor .view-lines .view-line span span', { hasText: word }).first();
    await target.waitFor();
    const hover = this.page.locator('.monaco-hover:not(.hidden)');
    const ok = (t: string) => (o.until === undefined ? t.trim().length > 0 : typeof o.until === 'string' ? t.includes(o.until) : o.until.test(t));
    const end = Date.now() + (o.timeoutMs ?? this.timeoutMs);
    let text = '';
    do {
      await this.page.mouse.move(0, 0);
      await target.hover({ position: { x: 3, y: 3 } });
      await hover.first().waitFor({ timeout: 3000 }).catch(() => {});
      text = (await hover.allInnerTexts().catch(() => [] as string[])).join('\n');
      if (ok(text)) return text;
      await sleep(300);
    } while (Date.now() < end);
    throw new Error(`hover over "${word}" did not show ${o.until === undefined ? 'anything' : String(o.until)}; last text: ${JSON.stringify(text)}`);
  }

  // ---- notifications and progress -------------------------------------------------------------

  /** One per toast; its progress bar sits beside the message (not inside .notification-list-item). */
  private toasts(): Locator {
    return this.page.locator('.notifications-toasts .notification-toast');
  }

  /** Messages of the notification toasts shown now. */
  async notifications(): Promise<string[]> {
    return (await this.toasts().locator('.notification-list-item-message').allInnerTexts()).map((s) => s.trim());
  }

  async waitForNotification(text: string | RegExp, timeoutMs = this.timeoutMs): Promise<Locator> {
    const toast = this.toasts().filter({ has: this.page.locator('.notification-list-item-message', { hasText: text }) }).first();
    await toast.waitFor({ timeout: timeoutMs });
    return toast;
  }

  /** Messages of notifications that show a running progress bar now. */
  async progress(): Promise<string[]> {
    const running = this.toasts().filter({ has: this.page.locator('.monaco-progress-container.active') });
    return (await running.locator('.notification-list-item-message').allInnerTexts()).map((s) => s.trim());
  }

  /** Waits for a progress notification matching `text`; `{ done: true }` waits for it to finish. */
  async waitForProgress(text: string | RegExp, o: { done?: boolean; timeoutMs?: number } = {}): Promise<void> {
    const timeout = o.timeoutMs ?? this.timeoutMs;
    const running = this.toasts()
      .filter({ has: this.page.locator('.notification-list-item-message', { hasText: text }) })
      .filter({ has: this.page.locator('.monaco-progress-container.active') });
    if (o.done) await running.first().waitFor({ state: 'detached', timeout });
    else await running.first().waitFor({ timeout });
  }

  // ---- screenshots, failure reports, closing --------------------------------------------------

  /** Saves test-artifacts/vscode/<scenario>-<NN>-<step>.png and returns its path. */
  async screenshot(step: string): Promise<string> {
    this.step += 1;
    const file = join(ARTIFACTS, `${this.options.scenario}-${String(this.step).padStart(2, '0')}-${step.replace(/[^\w.-]+/g, '-')}.png`);
    await this.page.screenshot({ path: file });
    return file;
  }

  /** What to print when a scenario fails: the server log's tail and the browser's console errors. */
  failureReport(): string {
    return [
      `--- ${this.options.scenario}: code-server log (${this.server.logFile}), last lines:`,
      this.server.logTail(40),
      `--- browser console errors (${this.consoleErrors.length}):`,
      ...this.consoleErrors.slice(0, 20).map((e) => `  ${e}`),
    ].join('\n');
  }

  /** Closes the browser, and the server if it is this window's own; on failure, screenshots and reports first. */
  async close(o: { failed?: boolean } = {}): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      if (o.failed) {
        const shot = await this.screenshot('failure').catch(() => '(no screenshot)');
        process.stderr.write(`${this.failureReport()}\n--- screenshot: ${shot}\n`);
      }
    } finally {
      await this.browser.close();
      rmSync(this.profileDir, { recursive: true, force: true });
      if (this.ownsServer) await this.server.stop({ keepRunDir: o.failed && KEEP_RUN_DIRS });
    }
  }
}

/** Opens a workbench, runs `fn`, and always closes (with a failure report if `fn` throws). */
export async function withWorkbench<T>(o: WorkbenchOptions, fn: (wb: Workbench) => Promise<T>): Promise<T> {
  const wb = await Workbench.open(o);
  let failed = true;
  try {
    const r = await fn(wb);
    failed = false;
    return r;
  } finally {
    await wb.close({ failed });
  }
}
