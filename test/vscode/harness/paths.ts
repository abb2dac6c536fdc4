// Where the VS Code end-to-end harness finds things (docs/testing-vscode.md): the repo, the
// code-server that scripts/setup-vscode-host.sh installs into .cache/vscode-host, Chromium, and
// where screenshots go.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, copyFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';

export const REPO = resolve(__dirname, '..', '..', '..');
export const CODE_SERVER_VERSION = '4.100.3';
export const HOST_DIR = resolve(process.env.LAYERLENS_VSCODE_HOST_DIR ?? join(REPO, '.cache', 'vscode-host'));
export const CODE_SERVER_ENTRY = join(HOST_DIR, 'cs', 'node_modules', 'code-server', 'out', 'node', 'entry.js');
export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
export const ARTIFACTS = join(REPO, 'test-artifacts', 'vscode');
export const SAMPLE_MODEL = join(REPO, 'samples', 'tiny-cnn.onnx');
/** The extension the tests load (extensionDevelopmentPath): the repo, or LAYERLENS_E2E_EXTENSION. */
export const EXTENSION_UNDER_TEST = resolve(process.env.LAYERLENS_E2E_EXTENSION ?? REPO);
/** Keep run dirs (server logs, state, browser profiles) after the run: LAYERLENS_E2E_KEEP=1. */
export const KEEP_RUN_DIRS = !!process.env.LAYERLENS_E2E_KEEP;

export class HostMissingError extends Error {
  override name = 'HostMissingError';
}

/** Throws a clear message when setup has not been run (never skip silently). */
export function requireHost(): void {
  const marker = join(HOST_DIR, 'installed');
  const problems: string[] = [];
  if (!existsSync(marker) || readFileSync(marker, 'utf8').trim() !== `code-server@${CODE_SERVER_VERSION}` || !existsSync(CODE_SERVER_ENTRY)) {
    problems.push(`code-server ${CODE_SERVER_VERSION} is not installed in ${HOST_DIR}`);
  }
  if (!existsSync(CHROMIUM)) problems.push(`Chromium is not at ${CHROMIUM} (apt-get install chromium)`);
  if (problems.length) {
    throw new HostMissingError(`${problems.join('; ')}. Run \`bash scripts/setup.sh\` (or just \`bash scripts/setup-vscode-host.sh\`) first.`);
  }
}

export interface ExtensionManifest {
  name: string;
  publisher?: string;
  main?: string;
  contributes?: { customEditors?: { viewType: string }[]; commands?: { command: string; title: string }[] };
}

export function readManifest(extensionPath: string): ExtensionManifest {
  return JSON.parse(readFileSync(join(extensionPath, 'package.json'), 'utf8')) as ExtensionManifest;
}

/** The extension's id as VS Code spells it (publisher.name), after checking that it can be loaded. */
export function requireBuiltExtension(extensionPath: string): string {
  const m = readManifest(extensionPath);
  if (!m.publisher) throw new Error(`${extensionPath}/package.json has no "publisher": it is not a VS Code extension manifest (yet)`);
  if (!m.main) throw new Error(`${extensionPath}/package.json has no "main"`);
  const main = resolve(extensionPath, m.main);
  if (!existsSync(main) && !existsSync(`${main}.js`)) throw new Error(`${main} is missing: run \`npm run build\` first`);
  return `${m.publisher}.${m.name}`;
}

/** A fresh run folder (server state, logs, browser profile) under the system temp dir. */
export function makeRunDir(prefix: string): string {
  return mkdtempSync(join(process.env.LAYERLENS_E2E_TMP ?? tmpdir(), `layerlens-e2e-${prefix}-`));
}

/**
 * A fresh workspace folder holding copies of `files` (absolute paths, copied under their base name)
 * and text files (`{ name: contents }`). Tests may write into it freely.
 */
export function makeWorkspace(files: string[] = [SAMPLE_MODEL], texts: Record<string, string> = {}): string {
  const dir = makeRunDir('ws');
  for (const f of files) copyFileSync(f, join(dir, basename(f)));
  for (const [name, text] of Object.entries(texts)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}
