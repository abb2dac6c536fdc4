// The built language server (dist/server.js) as a real process over stdio, initialized, with a real
// JSON-RPC client: shared by the LSP test suites and the language-server benchmarks.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import type { PublishDiagnosticsParams } from 'vscode-languageserver-protocol';
import { ROOT } from './models';

export interface ServerProcess {
  conn: MessageConnection;
  child: ChildProcess;
  close(): void;
}

/** Starts the server; `onDiagnostics` sees every publishDiagnostics (registered before listening). */
export async function startServer(o: { onDiagnostics?: (p: PublishDiagnosticsParams) => void; env?: Record<string, string>; workspaceFolders?: { uri: string; name: string }[] } = {}): Promise<ServerProcess> {
  const { onDiagnostics } = o;
  const child = spawn(process.execPath, [join(ROOT, 'dist', 'server.js'), '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'], ...(o.env ? { env: { ...process.env, ...o.env } } : {}) });
  const conn = createMessageConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
  if (onDiagnostics) conn.onNotification('textDocument/publishDiagnostics', onDiagnostics);
  conn.listen();
  await conn.sendRequest('initialize', { processId: process.pid, rootUri: null, capabilities: {}, ...(o.workspaceFolders ? { workspaceFolders: o.workspaceFolders } : {}) });
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
