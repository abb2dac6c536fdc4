// `npm run editor` (scripts/editor.ts): it starts code-server, prints the URL, and that URL is a
// real VS Code with the extension loaded and the sample model painted in the LayerLens graph editor
// (Debian's Chromium through the UI harness's launcher); Ctrl-C (SIGINT) stops the server's whole
// process group and removes its state folder. Needs `npm run build` and the installed host (setup.sh).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { launchChromium } from '../vscode/harness/browser';
import { makeRunDir, REPO, requireBuiltExtension, requireHost } from '../vscode/harness/paths';
import { groupMembers, killGroup } from '../vscode/harness/processes';

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

test('npm run editor: the printed URL is VS Code with the sample model painted in the graph editor; Ctrl-C stops it', { timeout: 240_000 }, async () => {
  requireHost();
  requireBuiltExtension(REPO);
  // its own process group, so a failing test can still stop whatever the script left running
  const child = spawn(process.execPath, ['--import', 'tsx', join(REPO, 'scripts', 'editor.ts'), '--no-build'], { cwd: REPO, detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NODE_OPTIONS: '' } });
  after(() => killGroup(child.pid!, 500));
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | string>((r) => child.once('exit', (c, s) => r(c ?? s ?? 'exit')));

  const end = Date.now() + 90_000;
  let url: string | undefined;
  while (!url && Date.now() < end) {
    url = out.match(/http:\/\/127\.0\.0\.1:\d+\/\?\S+/)?.[0];
    if (!url) await new Promise((r) => setTimeout(r, 100));
  }
  assert.ok(url, `no URL printed within 90 s; stdout: ${out}\nstderr: ${err}`);
  const origin = new URL(url).origin;
  const state = out.match(/state in (\S+?)\)/)?.[1];
  assert.ok(state && existsSync(state), `the state folder is named and exists: ${out}`);

  // code-server answers, without a password
  const page = await fetch(url);
  assert.equal(page.status, 200);
  assert.match(await page.text(), /workbench/i);
  const payload = JSON.parse(new URL(url).searchParams.get('payload')!) as [string, string][];
  assert.deepEqual(payload, [['extensionDevelopmentPath', `vscode-remote://${new URL(url).host}${REPO}`]]);

  // and it is the product: the sample's graph painted in the LayerLens editor, nothing else clicked
  const browser = await launchChromium(makeRunDir('editor-cmd'));
  try {
    await browser.page.goto(url, { waitUntil: 'domcontentloaded', timeout: 60_000 });
    const view = browser.page.locator('iframe.webview.ready').last().contentFrame().locator('#active-frame').contentFrame();
    await view.locator('svg.graph g.kind-node').first().waitFor({ timeout: 120_000 });
    assert.equal(await view.locator('svg.graph g.kind-node').count(), 17, 'the sample: 15 nodes, its input and output');
    // its batch dim bound by the workspace the script made: figures, not unknown
    await browser.page.locator('.part.statusbar .statusbar-item', { hasText: /15 nodes · 2\.80 MMACs/ }).first().waitFor({ timeout: 30_000 });
  } finally {
    await browser.close();
  }

  // Ctrl-C: the script stops code-server's group (extension host, language server) and cleans up
  const serverPid = Number(err.match(/code-server pid (\d+)/)?.[1] ?? NaN);
  process.kill(child.pid!, 'SIGINT');
  assert.equal(await exited, 0);
  assert.equal(await fetch(origin + '/healthz').then(() => 'answers', () => 'closed'), 'closed');
  if (!Number.isNaN(serverPid)) assert.deepEqual(groupMembers(serverPid), [], 'no process of the server group is left');
  assert.ok(!existsSync(state!), 'the state folder is removed');
  assert.ok(!alive(child.pid!));
});
