// Reads LSP frames (`Content-Length: N\r\n…\r\n\r\n` + N bytes of JSON) from the server's stdin and
// survives bad ones. vscode-jsonrpc's reader, after a bad header (a length that is not a number, a
// line without ':', a length far larger than what follows), reports an error and then reads every
// later frame out of step, so the server lives on but never answers again. Here a bad frame is
// reported — the server answers it with JSON-RPC's Parse error (-32700, id null), the one answer the
// spec allows for a message it could not read, and logs it — and reading resumes at the next header:
//  - a header block that is not `Name: value` lines, lacks a Content-Length, or gives one that is not
//    a whole number up to MAX_BODY: skipped up to the next `Content-Length:`;
//  - a body that is not JSON: skipped (it was framed right, or its length was too short: then what is
//    left of it comes before the next header and is skipped too);
//  - a length longer than what the client sent: a raw `Content-Length: <digits>\r\n` inside the body
//    cannot belong to a JSON text (JSON strings hold no raw line breaks, and outside strings that is no
//    JSON), so it marks the next frame, where reading resumes.
// Written by hand because vscode-jsonrpc's reader cannot be told to resynchronise; everything else of
// the connection is vscode-jsonrpc's.
import { AbstractMessageReader, type DataCallback, type Disposable, type Message, type MessageReader } from 'vscode-languageserver/node';

/** The largest body accepted (a JavaScript string cannot hold much more). */
export const MAX_BODY = 512 * 2 ** 20;
const MAX_HEADER = 8192;
const HEADER_END = Buffer.from('\r\n\r\n');
const HEADER_NAMES = ['Content-Length:', 'content-length:', 'CONTENT-LENGTH:'].map((n) => Buffer.from(n));
const NEXT_HEADER = /^content-length:[ \t]*\d+\r\n/i;

/** Frames and problems found in a stream of bytes, fed chunk by chunk. */
export class FrameParser {
  private buf: Buffer = Buffer.alloc(0);
  /** Body length of the frame being read, or -1 while reading a header. */
  private length = -1;
  /** Bytes of the current body already searched for a following header. */
  private searched = 0;
  /** Dropping bytes up to the next header (after a bad one). */
  private discarding = false;

  /** Feeds `chunk`; `message` gets each JSON body, `problem` each bad frame. */
  push(chunk: Buffer, message: (m: unknown) => void, problem: (why: string) => void): void {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    for (;;) {
      if (this.discarding) {
        // After a bad header: its body, if any, up to the next header.
        const next = this.nextHeader(0);
        if (next < 0) {
          this.buf = this.buf.subarray(Math.max(0, this.buf.length - 40));
          return;
        }
        this.buf = this.buf.subarray(next);
        this.discarding = false;
      }
      if (this.length < 0) {
        const end = this.buf.indexOf(HEADER_END);
        if (end < 0) {
          if (this.buf.length > MAX_HEADER) this.bad(problem, `a header of more than ${MAX_HEADER} bytes without its blank line`, this.buf.length);
          if (this.discarding) continue;
          return;
        }
        const header = this.parseHeader(this.buf.subarray(0, end).toString('latin1'));
        if (typeof header === 'string') {
          // The rest of a body whose length was too short, then a good header: resume at that header.
          const inside = this.nextHeader(1, end);
          if (inside > 0) {
            problem(header);
            this.buf = this.buf.subarray(inside);
          } else this.bad(problem, header, end + HEADER_END.length);
          continue;
        }
        this.buf = this.buf.subarray(end + HEADER_END.length);
        this.length = header;
        this.searched = 0;
      }
      // A header inside what should be the body: the length was wrong; resume at that header.
      const next = this.nextHeader(this.searched, Math.min(this.length, this.buf.length));
      if (next >= 0) {
        problem('Content-Length said more bytes than the client sent before its next message');
        this.buf = this.buf.subarray(next);
        this.length = -1;
        continue;
      }
      if (this.buf.length < this.length) {
        this.searched = Math.max(0, this.buf.length - 40);
        return;
      }
      const body = this.buf.subarray(0, this.length);
      this.buf = this.buf.subarray(this.length);
      this.length = -1;
      let m: unknown;
      try {
        m = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body));
      } catch (e) {
        problem(`the body is not JSON text in UTF-8 (${(e as Error).message})`);
        continue;
      }
      message(m);
    }
  }

  /** Reports a bad header, drops its first `drop` bytes and what follows up to the next header. */
  private bad(problem: (why: string) => void, why: string, drop: number): void {
    problem(why);
    this.buf = this.buf.subarray(drop);
    this.discarding = true;
  }

  /** The length of a header block, or why it is bad. */
  private parseHeader(text: string): number | string {
    let length: number | undefined;
    for (const line of text.split('\r\n')) {
      const colon = line.indexOf(':');
      if (colon <= 0) return `a header line without 'Name: value' (${JSON.stringify(line.slice(0, 80))})`;
      const name = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim();
      if (name === 'content-length') {
        if (!/^\d{1,15}$/.test(value)) return `Content-Length ${JSON.stringify(value.slice(0, 40))} is not a whole number`;
        length = Number(value);
        if (length > MAX_BODY) return `Content-Length ${length} is more than the ${MAX_BODY} bytes a message may have`;
      } else if (name === 'content-type' && /charset=/i.test(value) && !/charset=["']?utf-?8["']?/i.test(value)) {
        return `${value}: only UTF-8 is understood`;
      }
    }
    return length ?? 'a header without Content-Length';
  }

  /** Where the next header starts at or after `from` (and before `to`), or -1. */
  private nextHeader(from: number, to = this.buf.length): number {
    let best = -1;
    for (const name of HEADER_NAMES) {
      for (let i = this.buf.indexOf(name, from); i >= 0 && i < to && (best < 0 || i < best); i = this.buf.indexOf(name, i + 1)) {
        if (NEXT_HEADER.test(this.buf.subarray(i, i + 40).toString('latin1'))) {
          best = i;
          break;
        }
      }
    }
    return best;
  }
}

/** A MessageReader over `stream` that survives bad frames; `onBadFrame` answers and logs each. */
export class FrameReader extends AbstractMessageReader implements MessageReader {
  constructor(
    private readonly stream: NodeJS.ReadableStream,
    private readonly onBadFrame: (why: string) => void,
  ) {
    super();
  }

  listen(callback: DataCallback): Disposable {
    const parser = new FrameParser();
    const onData = (chunk: Buffer): void => {
      try {
        parser.push(chunk, (m) => callback(m as Message), this.onBadFrame);
      } catch (e) {
        this.onBadFrame(`unreadable input (${(e as Error).message})`);
      }
    };
    this.stream.on('data', onData);
    this.stream.on('error', (e) => this.fireError(e));
    this.stream.on('close', () => this.fireClose());
    return { dispose: () => void this.stream.off('data', onData) };
  }
}
