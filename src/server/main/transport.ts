// The server's connection. Over --stdio (how the extension starts it) frames are read by FrameReader,
// which survives bad frames (frame-reader.ts): each is answered with a Parse error (-32700, id null)
// and logged, and reading resumes at the next frame. Responses are written by a message writer that
// splices pre-serialised JSON results (RawJson: the model worker's cached graph view, megabytes for a
// large model) into the message text as they are, so the main thread neither parses nor re-serialises
// them. Other transports (node IPC, sockets) serialise with JSON.stringify, which goes through
// RawJson.toJSON (a parse) and so gives the same message.
import { format } from 'node:util';
import { createConnection, ErrorCodes, ProposedFeatures, StreamMessageWriter, type CancellationToken, type Connection, type Message, type RequestType } from 'vscode-languageserver/node';
import { FrameReader } from './frame-reader';

/** A result already serialised as JSON text. */
export class RawJson {
  constructor(readonly json: string) {}

  toJSON(): unknown {
    return JSON.parse(this.json);
  }
}

/**
 * Registers a request whose handler may answer with RawJson: JSON text of the request's result type,
 * which the writer below sends as it is (the one place where a RawJson stands for a result).
 */
export function onRawRequest<P, R, E>(connection: Connection, type: RequestType<P, R, E>, handler: (p: P, token: CancellationToken) => Promise<R | RawJson>): void {
  connection.onRequest(type, handler as (p: P, token: CancellationToken) => Promise<R>);
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
  const badFrame = (why: string): void => {
    void writer.write({ jsonrpc: '2.0', id: null, error: { code: ErrorCodes.ParseError, message: `LayerLens server: a message could not be read and was skipped: ${why}` } } as Message);
    process.stderr.write(`layerlens server: skipped a bad message: ${why}\n`);
  };
  const connection = createConnection(ProposedFeatures.all, new FrameReader(process.stdin, badFrame), writer);
  // What createConnection does itself for --stdio: stdout carries the protocol, so console output goes
  // to the client's log; and the server ends with its client (a clean `exit` notification ends it before).
  console.log = console.info = console.debug = (...a: unknown[]) => connection.console.log(format(...a));
  console.warn = (...a: unknown[]) => connection.console.warn(format(...a));
  console.error = (...a: unknown[]) => connection.console.error(format(...a));
  process.stdin.on('end', () => process.exit(1));
  process.stdin.on('close', () => process.exit(1));
  return connection;
}
