// The built language server (dist/server.js) as a real process over stdio, initialized, with a real
// JSON-RPC client: shared by the LSP test suites and the language-server benchmarks. The client is
// vscode-languageserver-protocol's (the copy of vscode-jsonrpc the server and the extension use), so
// the typed requests of src/protocol/requests.ts work with it. Its workspace folders are the repo and
// the system's temp folder (the server reads nothing outside them and what the client opened).
// LAYERLENS_TEST_SERVER=<path of a server.js> runs the suites against another build (e.g. main's, to
// see a new test fail there).
import { spawn, type ChildProcess } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection, type PublishDiagnosticsParams } from 'vscode-languageserver-protocol/node';
import { ROOT } from './models';

export interface ServerProcess {
  conn: MessageConnection;
  child: ChildProcess;
  close(): void;
}

/** Starts the server; `onDiagnostics` sees every publishDiagnostics (registered before listening). */
export async function startServer(o: { onDiagnostics?: (p: PublishDiagnosticsParams) => void; env?: Record<string, string>; folders?: string[]; initializationOptions?: object } = {}): Promise<ServerProcess> {
  const { onDiagnostics } = o;
  const child = spawn(process.execPath, [process.env.LAYERLENS_TEST_SERVER ?? join(ROOT, 'dist', 'server.js'), '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'], ...(o.env ? { env: { ...process.env, ...o.env } } : {}) });
  const conn = createMessageConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
  if (onDiagnostics) conn.onNotification('textDocument/publishDiagnostics', onDiagnostics);
  conn.listen();
  const workspaceFolders = (o.folders ?? [ROOT, tmpdir()]).map((f) => ({ uri: pathToFileURL(f).href, name: f }));
  await conn.sendRequest('initialize', { processId: process.pid, rootUri: null, workspaceFolders, capabilities: {}, ...(o.initializationOptions ? { initializationOptions: o.initializationOptions } : {}) });
  await conn.sendNotification('initialized', {});
  return {
    conn,
    child,
    close() {
      conn.dispose();
      child.kill();
    },
  };
}
