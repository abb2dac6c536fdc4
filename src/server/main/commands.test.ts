// The server's LSP commands are registered as VS Code commands by vscode-languageclient (its
// executeCommandProvider). A server command with the name of a command the extension contributes
// makes the client's start fail ("command already exists") and with it every feature of the editor.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { COMMANDS } from './commands';

test('no server command has the name of a command the extension contributes', () => {
  const manifest = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as { contributes: { commands: { command: string }[] } };
  const contributed = new Set(manifest.contributes.commands.map((c) => c.command));
  assert.ok(contributed.size > 5, 'the manifest lists the extension commands');
  assert.ok(COMMANDS.length >= 5, 'the server lists its commands');
  assert.deepEqual(COMMANDS.filter((c) => contributed.has(c)), []);
});
