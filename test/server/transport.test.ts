// The built server over stdio spoken to by a raw client that writes bytes, so that it can send what
// no JSON-RPC library would: after each kind of bad frame the server answers JSON-RPC's Parse error
// (-32700, id null) and then answers the next good request (before, it lived on but never answered
// again).
import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ROOT } from '../support/models';

let child: ChildProcessWithoutNullStreams;
const received: { id?: number | null; result?: unknown; error?: { code: number; message: string } }[] = [];
let wake: () => void = () => undefined;

/** Reads frames from the server's stdout (its frames are well formed). */
function readFrames(): void {
  let buf = Buffer.alloc(0);
  child.stdout.on('data', (chunk: Buffer) => {
    buf = Buffer.concat([buf, chunk]);
    for (;;) {
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      const length = Number(/Content-Length: (\d+)/i.exec(buf.subarray(0, end).toString())![1]);
      if (buf.length < end + 4 + length) return;
      received.push(JSON.parse(buf.subarray(end + 4, end + 4 + length).toString('utf8')));
      buf = buf.subarray(end + 4 + length);
      wake();
    }
  });
}

const frame = (body: string, header = `Content-Length: ${Buffer.byteLength(body)}`): string => `${header}\r\n\r\n${body}`;
const request = (id: number, method: string, params: unknown): string => JSON.stringify({ jsonrpc: '2.0', id, method, params });

/** The first message matching `f` (waiting up to 20 s). */
async function next(f: (m: (typeof received)[number]) => boolean, what: string): Promise<(typeof received)[number]> {
  const end = Date.now() + 20_000;
  for (;;) {
    const i = received.findIndex(f);
    if (i >= 0) return received.splice(i, 1)[0]!;
    if (Date.now() > end) throw new Error(`no ${what} within 20 s (received: ${JSON.stringify(received).slice(0, 500)})`);
    await new Promise<void>((r) => {
      wake = r;
      setTimeout(r, 200);
    });
  }
}

before(async () => {
  child = spawn(process.execPath, [join(ROOT, 'dist', 'server.js'), '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
  child.stderr.resume();
  readFrames();
  child.stdin.write(frame(request(1, 'initialize', { processId: process.pid, rootUri: null, capabilities: {} })));
  await next((m) => m.id === 1, 'initialize result');
  child.stdin.write(frame(JSON.stringify({ jsonrpc: '2.0', method: 'initialized', params: {} })));
});

after(() => child.kill());

test('after each kind of bad frame the server answers a Parse error and then the next request', async () => {
  const body = request(99, 'shutdown', null);
  const bad: [string, string][] = [
    ['Content-Length that is not a number', frame(body, 'Content-Length: abc')],
    ['a header line without a colon', frame(body, `Content-Length ${body.length}`)],
    ['a huge Content-Length', frame(body, 'Content-Length: 99999999999999')],
    ['a Content-Length longer than what follows', frame(body, 'Content-Length: 100000')],
    ['a body that is not JSON', frame('{"jsonrpc": "2.0", "id": 98, ')],
  ];
  let id = 10;
  for (const [what, bytes] of bad) {
    child.stdin.write(bytes);
    // Symbols of a document nobody opened: an empty answer, quickly, when the server still reads.
    const ask = ++id;
    child.stdin.write(frame(request(ask, 'textDocument/documentSymbol', { textDocument: { uri: 'file:///nowhere.onnxtxt' } })));
    const error = await next((m) => m.id === null && m.error !== undefined, `Parse error after ${what}`);
    assert.equal(error.error!.code, -32700, what);
    assert.match(error.error!.message, /could not be read and was skipped/, what);
    const answer = await next((m) => m.id === ask, `the answer after ${what}`);
    assert.deepEqual(answer.result, [], what);
  }
  assert.ok(!received.some((m) => m.id === 99 || m.id === 98), 'the bad frames were not run');
  assert.equal(child.exitCode, null, 'the server is alive');
});
