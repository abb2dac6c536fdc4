// The token cursor under the model-text parser (parser.ts): look-ahead, expectations that throw a
// ParseError with the token's exact range, diagnostics, and recovery to the next line.
import type { Range } from './ranges';
import type { Token } from './lexer';

export interface Diagnostic {
  range: Range;
  message: string;
  severity: 'error' | 'warning';
}

export class ParseError extends Error {
  constructor(
    message: string,
    readonly range: Range,
  ) {
    super(message);
  }
}

export class TokenCursor {
  protected i = 0;
  readonly diagnostics: Diagnostic[] = [];
  protected readonly enc = new TextEncoder();

  constructor(protected readonly t: Token[]) {}

  protected peek(k = 0): Token {
    return this.t[Math.min(this.i + k, this.t.length - 1)]!;
  }

  protected next(): Token {
    const tok = this.peek();
    if (tok.kind !== 'eof') this.i++;
    return tok;
  }

  protected is(text: string, k = 0): boolean {
    const tok = this.peek(k);
    return (tok.kind === 'punct' || tok.kind === 'id') && tok.text === text;
  }

  protected expect(text: string, what = `'${text}'`): Token {
    const tok = this.peek();
    if (!this.is(text)) throw new ParseError(`expected ${what}, found ${tok.kind === 'eof' ? 'the end of the text' : `'${tok.text}'`}`, tok.range);
    return this.next();
  }

  protected accept(text: string): boolean {
    if (this.is(text)) {
      this.next();
      return true;
    }
    return false;
  }

  protected quotableId(what = 'a name'): Token {
    const tok = this.peek();
    if (tok.kind !== 'id' && tok.kind !== 'string') throw new ParseError(`expected ${what}, found ${tok.kind === 'eof' ? 'the end of the text' : `'${tok.text}'`}`, tok.range);
    return this.next();
  }

  protected number(): { value: number; isFloat: boolean; tok: Token } {
    const tok = this.peek();
    if (tok.kind === 'number' || (tok.kind === 'id' && (tok.text === 'nan' || tok.text === 'inf'))) {
      this.next();
      const text = tok.text;
      const value = text === 'nan' ? NaN : text === 'inf' ? Infinity : text === '-inf' ? -Infinity : Number(text);
      return { value, isFloat: /[.eEn]/.test(text) || !Number.isFinite(value), tok };
    }
    throw new ParseError(`expected a number, found '${tok.text}'`, tok.range);
  }

  error(message: string, range: Range): void {
    this.diagnostics.push({ message, range, severity: 'error' });
  }

  /** Skips to the first token on a later line (or a closing brace), after an error. */
  protected recover(fromLine: number): void {
    while (this.peek().kind !== 'eof' && this.peek().range.start.line <= fromLine && !this.is('}')) this.next();
  }

}
