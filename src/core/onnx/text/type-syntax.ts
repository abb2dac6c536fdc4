// Types, dims, constants and the model header of the ONNX textual syntax, on the token cursor: the
// layer under the graph and node syntax of parser.ts.
import { DataType, parseDataTypeName, storageBytes } from '../../ir/data-type';
import { Model, type OpsetImport } from '../../ir/model';
import type { Dim, ValueType } from '../../ir/shape';
import { Tensor } from '../../ir/tensor';
import type { Token } from './lexer';
import type { Range } from './ranges';
import { ParseError, TokenCursor } from './token-cursor';

const MAX_DECLARED_ELEMENTS = 2 ** 40;

export class TypeSyntax extends TokenCursor {
  protected header(m: Model | { opsetImports: OpsetImport[]; domain: string }): void {
    this.expect('<');
    while (!this.is('>') && this.peek().kind !== 'eof') {
      const key = this.quotableId('a header key (ir_version, opset_import, ...)');
      this.expect(':');
      if (key.value === 'opset_import') {
        this.expect('[');
        const list: OpsetImport[] = [];
        while (!this.is(']')) {
          const d = this.quotableId('a domain string');
          this.expect(':');
          list.push({ domain: d.value, version: this.number().value });
          if (!this.accept(',')) break;
        }
        this.expect(']');
        m.opsetImports = list;
      } else {
        const v = this.peek();
        if (v.kind === 'string') {
          this.next();
          if (m instanceof Model) {
            if (key.value === 'producer_name') m.producerName = v.value;
            else if (key.value === 'producer_version') m.producerVersion = v.value;
            else if (key.value === 'doc_string') m.docString = v.value;
            else if (key.value === 'domain') m.domain = v.value;
          } else if (key.value === 'domain') m.domain = v.value;
        } else {
          const n = this.number().value;
          if (m instanceof Model) {
            if (key.value === 'ir_version') m.irVersion = n;
            else if (key.value === 'model_version') m.modelVersion = n;
            else this.diagnostics.push({ message: `unknown header key '${key.value}' is ignored`, range: key.range, severity: 'warning' });
          }
        }
      }
      if (!this.accept(',')) break;
    }
    this.expect('>');
  }

  protected elemType(tok: Token): DataType {
    const t = parseDataTypeName(tok.value);
    if (t === undefined || t === DataType.UNDEFINED) throw new ParseError(`unknown element type '${tok.value}' (float, int64, float16, …)`, tok.range);
    return t;
  }

  protected dims(): Dim[] {
    const out: Dim[] = [];
    this.expect('[');
    while (!this.is(']')) {
      const tok = this.peek();
      if (tok.kind === 'number') {
        this.next();
        const v = Number(tok.text);
        if (!Number.isSafeInteger(v) || v < 0) throw new ParseError(`dim ${tok.text} must be a whole number >= 0`, tok.range);
        out.push(v);
      } else if (tok.text === '?') {
        this.next();
        out.push(null);
      } else if (tok.kind === 'id' || tok.kind === 'string') {
        this.next();
        out.push(tok.value);
      } else if (tok.kind === 'punct' && tok.text === '?') {
        this.next();
        out.push(null);
      } else throw new ParseError(`expected a dim (a number, a symbol or ?), found '${tok.text}'`, tok.range);
      if (!this.accept(',')) break;
    }
    this.expect(']');
    return out;
  }

  protected type(): ValueType {
    const tok = this.quotableId('a type (e.g. float[N,3,224,224])');
    switch (tok.value) {
      case 'seq':
        this.expect('(');
        return ((elem) => (this.expect(')'), { kind: 'sequence', elem }) as ValueType)(this.type());
      case 'optional':
        this.expect('(');
        return ((elem) => (this.expect(')'), { kind: 'optional', elem }) as ValueType)(this.type());
      case 'map': {
        this.expect('(');
        const key = this.elemType(this.quotableId());
        this.expect(',');
        const value = this.type();
        this.expect(')');
        return { kind: 'map', keyType: key, value };
      }
      case 'sparse_tensor': {
        this.expect('(');
        const inner = this.type();
        this.expect(')');
        if (inner.kind !== 'tensor') throw new ParseError('sparse_tensor takes a tensor type', tok.range);
        return { kind: 'sparse_tensor', elemType: inner.elemType, shape: inner.shape };
      }
      default: {
        const elemType = this.elemType(tok);
        return { kind: 'tensor', elemType, shape: this.is('[') ? this.dims() : null };
      }
    }
  }

  /** `{ v, v, … }` as a tensor of `type`, or a declared tensor when `data` is false. */
  protected tensorData(name: string, type: ValueType, at: Range): Tensor {
    if (type.kind !== 'tensor' || !type.shape || !type.shape.every((d) => typeof d === 'number')) {
      throw new ParseError(`constant '${name}' needs a tensor type with concrete dims`, at);
    }
    const dims = type.shape as number[];
    const count = dims.reduce((a, d) => a * d, 1);
    if (!this.is('{')) {
      if (count > MAX_DECLARED_ELEMENTS) throw new ParseError(`'${name}' declares ${count} elements: the shape is absurd`, at);
      return new Tensor(name, type.elemType, dims, { kind: 'declared' });
    }
    const open = this.expect('{');
    const values: number[] = [];
    const strings: Uint8Array[] = [];
    while (!this.is('}')) {
      if (type.elemType === DataType.STRING) strings.push(this.enc.encode(this.quotableId('a string').value));
      else values.push(this.number().value);
      if (!this.accept(',')) break;
    }
    const close = this.expect('}');
    const n = type.elemType === DataType.STRING ? strings.length : values.length;
    if (n !== count) throw new ParseError(`'${name}' has shape [${dims.join(',')}] (${count} values) but ${n} values are given`, { start: open.range.start, end: close.range.end });
    if (type.elemType === DataType.STRING) return new Tensor(name, type.elemType, dims, { kind: 'string', values: strings });
    if (type.elemType === DataType.INT64) return new Tensor(name, type.elemType, dims, { kind: 'int64', values: values.map((v) => BigInt(Math.trunc(v))) });
    if (storageBytes(type.elemType, 1) === undefined) throw new ParseError(`cannot write constants of this type`, at);
    return Tensor.fromNumbers(name, type.elemType, dims, values);
  }
}
