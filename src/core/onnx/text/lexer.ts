// Tokens of ONNX's textual syntax, each with its range. Comments run from '#' to the end of the line.
import type { Range } from './ranges';

export type TokenKind = 'id' | 'string' | 'number' | 'punct' | 'eof';

export interface Token {
  kind: TokenKind;
  text: string;
  /** For strings: the unescaped value. */
  value: string;
  range: Range;
}

export interface LexError {
  message: string;
  range: Range;
}

const PUNCT = new Set(['<', '>', '(', ')', '[', ']', '{', '}', ',', ':', '=', '@', '.', '?']);

export function tokenize(text: string): { tokens: Token[]; errors: LexError[] } {
  const tokens: Token[] = [];
  const errors: LexError[] = [];
  let i = 0;
  let line = 0;
  let col = 0;
  const pos = () => ({ line, character: col });
  const advance = (n: number): void => {
    for (let k = 0; k < n; k++) {
      if (text[i] === '\n') {
        line++;
        col = 0;
      } else col++;
      i++;
    }
  };
  while (i < text.length) {
    const c = text[i]!;
    if (c === '\n' || c === ' ' || c === '\t' || c === '\r') {
      advance(1);
      continue;
    }
    if (c === '#') {
      while (i < text.length && text[i] !== '\n') advance(1);
      continue;
    }
    const start = pos();
    if (c === '=' && text[i + 1] === '>') {
      advance(2);
      tokens.push({ kind: 'punct', text: '=>', value: '=>', range: { start, end: pos() } });
      continue;
    }
    const num = /^-?(?:\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?|inf\b|nan\b)/.exec(text.slice(i, i + 64));
    if (num && (c === '-' || (c >= '0' && c <= '9') || (c === '.' && /\d/.test(text[i + 1] ?? '')))) {
      advance(num[0].length);
      tokens.push({ kind: 'number', text: num[0], value: num[0], range: { start, end: pos() } });
      continue;
    }
    if (PUNCT.has(c)) {
      advance(1);
      tokens.push({ kind: 'punct', text: c, value: c, range: { start, end: pos() } });
      continue;
    }
    if (c === '"') {
      let value = '';
      let j = i + 1;
      let closed = false;
      while (j < text.length) {
        const d = text[j]!;
        if (d === '\\' && j + 1 < text.length) {
          const e = text[j + 1]!;
          value += e === 'n' ? '\n' : e;
          j += 2;
          continue;
        }
        if (d === '"') {
          closed = true;
          break;
        }
        if (d === '\n') break;
        value += d;
        j++;
      }
      const raw = text.slice(i, closed ? j + 1 : j);
      advance(raw.length);
      if (!closed) errors.push({ message: 'unterminated string: add the closing "', range: { start, end: pos() } });
      tokens.push({ kind: 'string', text: raw, value, range: { start, end: pos() } });
      continue;
    }
    const id = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i, i + 1024));
    if (id) {
      advance(id[0].length);
      tokens.push({ kind: 'id', text: id[0], value: id[0], range: { start, end: pos() } });
      continue;
    }
    advance(1);
    errors.push({ message: `unexpected character '${c}'`, range: { start, end: pos() } });
  }
  const end = pos();
  tokens.push({ kind: 'eof', text: '', value: '', range: { start: end, end } });
  return { tokens, errors };
}
