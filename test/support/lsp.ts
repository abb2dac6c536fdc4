// Helpers of the language-server suites (test/server/): URIs, temp folders, a text view opened as the
// extension opens it, and the typed-error check every custom request's failure must pass.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { MessageConnection } from 'vscode-languageserver-protocol/node';
import { TextViewRequest, textViewUriFor } from '../../src/protocol/requests';
import { type ModelErrorData } from '../../src/protocol/rpc';

export const uriOf = (path: string): string => pathToFileURL(path).href;
export const tmp = (prefix = 'll-server-'): string => mkdtempSync(join(tmpdir(), prefix));

/**
 * Opens the text view of `fileUri` as the extension does (textView, then didOpen with its text) and
 * waits for its first diagnostics; `diagnosed` is the suite's map of waiters by document URI.
 */
export async function openTextView(conn: MessageConnection, diagnosed: Map<string, (p: unknown) => void>, fileUri: string): Promise<{ uri: string; text: string }> {
  const { text } = await conn.sendRequest(TextViewRequest.type, { uri: fileUri });
  const uri = textViewUriFor(fileUri);
  const got = new Promise<unknown>((r) => diagnosed.set(uri, r));
  await conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'onnxtxt', version: 1, text } });
  await got;
  return { uri, text };
}

/** The request fails with the typed error: code RequestFailed, `Name: message`, data {name, message}. */
export async function rejectsTyped(p: Promise<unknown>, name: string | RegExp, message?: RegExp): Promise<ModelErrorData> {
  let data: ModelErrorData | undefined;
  await assert.rejects(p, (e: { code?: number; message: string; data?: ModelErrorData }) => {
    assert.equal(e.code, -32803, e.message);
    assert.ok(e.data, `no data on ${e.message}`);
    assert.equal(e.message, `${e.data.name}: ${e.data.message}`);
    if (typeof name === 'string') assert.equal(e.data.name, name, e.message);
    else assert.match(e.data.name, name, e.message);
    if (message) assert.match(e.data.message, message);
    data = e.data;
    return true;
  });
  return data!;
}
