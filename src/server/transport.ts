// The server's connection. Over --stdio (how the extension starts it) responses are written by a
// message writer that splices pre-serialised JSON results (RawJson: the model worker's cached graph
// view, megabytes for a large model) into the message text as they are, so the main thread neither
// parses nor re-serialises them. Other transports (node IPC, sockets) serialise with JSON.stringify,
// which goes through RawJson.toJSON (a parse) and so gives the same message.
import { format } from 'node:util';
import { createConnection, ProposedFeatures, StreamMessageReader, StreamMessageWriter, type Connection, type Message } from 'vscode-languageserver/node';

/** A result already serialised as JSON text. */
export class RawJson {
  constructor(readonly json: string) {}

  toJSON(): unknown {
    return JSON.parse(this.json);
  }
}

/** application/json, writing a RawJson result verbatim. */
const encoder = {
  name: 'application/json',
  encode(msg: Message, options: { charset: BufferEncoding }): Promise<Uint8Array> {
    try {
      const result = (msg as { result?: unknown }).result;
      if (!(result instanceof RawJson)) return Promise.resolve(Buffer.from(JSON.stringify(msg), options.charset));
      const rest: Record<string, unknown> = { ...msg };
      delete rest.result;
      const head = JSON.stringify(rest);
      return Promise.resolve(Buffer.from(`${head.slice(0, -1)}${head.length > 2 ? ',' : ''}"result":${result.json}}`, options.charset));
    } catch (e) {
      return Promise.reject(e as Error);
    }
  },
};

export function serverConnection(): Connection {
  if (!process.argv.includes('--stdio')) return createConnection(ProposedFeatures.all);
  const writer = new StreamMessageWriter(process.stdout, { charset: 'utf-8', contentTypeEncoder: encoder });
  const connection = createConnection(ProposedFeatures.all, new StreamMessageReader(process.stdin), writer);
  // What createConnection does itself for --stdio: stdout carries the protocol, so console output goes
  // to the client's log; and the server ends with its client (a clean `exit` notification ends it before).
  console.log = console.info = console.debug = (...a: unknown[]) => connection.console.log(format(...a));
  console.warn = (...a: unknown[]) => connection.console.warn(format(...a));
  console.error = (...a: unknown[]) => connection.console.error(format(...a));
  process.stdin.on('end', () => process.exit(1));
  process.stdin.on('close', () => process.exit(1));
  return connection;
}
