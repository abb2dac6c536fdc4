// The frame parser on its own: good frames in any chunking, and each kind of bad frame reported once
// with reading resumed at the next good frame. (test/server/transport.test.ts sends the same bad
// frames to the real server over stdio.)
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FrameParser, MAX_BODY } from './frame-reader';

const frame = (body: string, header = `Content-Length: ${Buffer.byteLength(body)}`): Buffer => Buffer.from(`${header}\r\n\r\n${body}`);
const msg = (id: number): string => JSON.stringify({ jsonrpc: '2.0', id, method: 'ping', params: { text: 'é ✓ Content-Length: 3\\r\\n' } });

function parse(chunks: Buffer[]): { messages: unknown[]; problems: string[] } {
  const p = new FrameParser();
  const messages: unknown[] = [];
  const problems: string[] = [];
  for (const c of chunks) p.push(c, (m) => messages.push(m), (why) => problems.push(why));
  return { messages, problems };
}

const ids = (ms: unknown[]): number[] => ms.map((m) => (m as { id: number }).id);

test('good frames, whole or split at every byte, with a Content-Type and multi-byte text', () => {
  const all = Buffer.concat([frame(msg(1)), frame(msg(2), `Content-Length: ${Buffer.byteLength(msg(2))}\r\nContent-Type: application/vscode-jsonrpc; charset=utf-8`), frame(msg(3))]);
  assert.deepEqual(ids(parse([all]).messages), [1, 2, 3]);
  const bytes = [...all].map((b) => Buffer.from([b]));
  const r = parse(bytes);
  assert.deepEqual(ids(r.messages), [1, 2, 3]);
  assert.deepEqual(r.problems, []);
  assert.deepEqual((r.messages[0] as { params: unknown }).params, JSON.parse(msg(1)).params);
});

test('each bad frame is reported once and the next good frame is read', () => {
  const cases: [string, Buffer, RegExp][] = [
    ['length not a number', frame(msg(90), 'Content-Length: abc'), /not a whole number/],
    ['negative length', frame(msg(90), 'Content-Length: -5'), /not a whole number/],
    ['a header line without a colon', frame(msg(90), `Content-Length ${msg(90).length}`), /without 'Name: value'/],
    ['no Content-Length', frame(msg(90), 'Content-Type: application/json'), /without Content-Length/],
    ['a huge length', frame(msg(90), 'Content-Length: 99999999999999'), new RegExp(`more than the ${MAX_BODY} bytes`)],
    ['a length longer than the body', frame(msg(90), 'Content-Length: 100000'), /more bytes than the client sent/],
    ['a body that is not JSON', frame('{"jsonrpc": 2.0, oops'), /not JSON/],
    ['a length shorter than the body', frame(msg(90), 'Content-Length: 10'), /not JSON/],
    ['not UTF-8', frame(msg(90), `Content-Length: ${msg(90).length}\r\nContent-Type: application/json; charset=latin1`), /only UTF-8/],
    ['garbage without any header end', Buffer.from('x'.repeat(9000)), /without its blank line/],
  ];
  for (const [what, bad, why] of cases) {
    for (const split of [false, true]) {
      const chunks = [frame(msg(1)), bad, frame(msg(2)), frame(msg(3))];
      const r = parse(split ? [...Buffer.concat(chunks)].map((b) => Buffer.from([b])) : chunks);
      assert.deepEqual(ids(r.messages), [1, 2, 3], `${what}${split ? ' (byte by byte)' : ''}: ${r.problems.join('; ')}`);
      // A length too short splits one bad frame in two: its head is not JSON, its tail no header.
      assert.equal(r.problems.length, what === 'a length shorter than the body' ? 2 : 1, `${what}: ${r.problems.join('; ')}`);
      assert.match(r.problems[0]!, why, what);
    }
  }
});
