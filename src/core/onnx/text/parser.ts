// ONNX textual syntax -> Model, for the text view and hand-written .onnxtxt files. It never throws
// on bad text: problems become diagnostics with exact ranges, and parsing resumes at the next line
// so that a user typing sees every error. Weights declared without data get a 'declared' tensor
// (type and shape, no bytes), which analysis can cost and the writer refuses until filled.
import type { Attribute } from '../../ir/attribute';
import { DataType, parseDataTypeName, storageBytes } from '../../ir/data-type';
import { Graph, Node } from '../../ir/graph';
import { Model, type OpsetImport } from '../../ir/model';
import type { Dim, ValueType } from '../../ir/shape';
import { Tensor } from '../../ir/tensor';
import { emptyMap, type Range, type TextMap } from './ranges';
import { tokenize, type Token } from './lexer';
import { nameNodes } from '../node-facts';

export interface Diagnostic {
  range: Range;
  message: string;
  severity: 'error' | 'warning';
}

export interface ParseResult {
  model: Model | null;
  diagnostics: Diagnostic[];
  map: TextMap;
}

class ParseError extends Error {
  constructor(
    message: string,
    readonly range: Range,
  ) {
    super(message);
  }
}

const MAX_DECLARED_ELEMENTS = 2 ** 40;

class Parser {
  private i = 0;
  readonly diagnostics: Diagnostic[] = [];
  readonly map = emptyMap();
  private readonly enc = new TextEncoder();

  constructor(private readonly t: Token[]) {}

  private peek(k = 0): Token {
    return this.t[Math.min(this.i + k, this.t.length - 1)]!;
  }

  private next(): Token {
    const tok = this.peek();
    if (tok.kind !== 'eof') this.i++;
    return tok;
  }

  private is(text: string, k = 0): boolean {
    const tok = this.peek(k);
    return (tok.kind === 'punct' || tok.kind === 'id') && tok.text === text;
  }

  private expect(text: string, what = `'${text}'`): Token {
    const tok = this.peek();
    if (!this.is(text)) throw new ParseError(`expected ${what}, found ${tok.kind === 'eof' ? 'the end of the text' : `'${tok.text}'`}`, tok.range);
    return this.next();
  }

  private accept(text: string): boolean {
    if (this.is(text)) {
      this.next();
      return true;
    }
    return false;
  }

  private quotableId(what = 'a name'): Token {
    const tok = this.peek();
    if (tok.kind !== 'id' && tok.kind !== 'string') throw new ParseError(`expected ${what}, found ${tok.kind === 'eof' ? 'the end of the text' : `'${tok.text}'`}`, tok.range);
    return this.next();
  }

  private number(): { value: number; isFloat: boolean; tok: Token } {
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
  private recover(fromLine: number): void {
    while (this.peek().kind !== 'eof' && this.peek().range.start.line <= fromLine && !this.is('}')) this.next();
  }

  model(): Model {
    const m = new Model(new Graph(''));
    if (this.is('<')) this.header(m);
    if (!m.opsetImports.length) m.opsetImports = [{ domain: '', version: 17 }];
    if (!m.irVersion) m.irVersion = 8;
    m.graph = this.graph(null, null);
    while (this.peek().kind !== 'eof') {
      try {
        this.function(m);
      } catch (e) {
        if (!(e instanceof ParseError)) throw e;
        this.error(e.message, e.range);
        this.recover(this.peek().range.start.line);
        if (this.peek().kind !== 'eof') this.next();
      }
    }
    return m;
  }

  private header(m: Model | { opsetImports: OpsetImport[]; domain: string }): void {
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

  private elemType(tok: Token): DataType {
    const t = parseDataTypeName(tok.value);
    if (t === undefined || t === DataType.UNDEFINED) throw new ParseError(`unknown element type '${tok.value}' (float, int64, float16, …)`, tok.range);
    return t;
  }

  private dims(): Dim[] {
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

  private type(): ValueType {
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
  private tensorData(name: string, type: ValueType, at: Range): Tensor {
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

  private graph(parent: Graph | null, owner: Node | null, into?: Graph): Graph {
    const nameTok = this.quotableId('a graph name');
    const g = into ?? new Graph(nameTok.value, parent, owner);
    g.name = nameTok.value;
    // inputs (optionally with data: initializers that are also inputs)
    this.expect('(');
    while (!this.is(')')) {
      const type = this.type();
      const id = this.quotableId('an input name');
      const v = g.define(id.value);
      v.type = type;
      g.inputs.push(v);
      this.map.definitions.push({ value: v, range: id.range });
      if (this.accept('=')) {
        const t = this.tensorData(id.value, type, id.range);
        g.initializers.push(t);
        v.initializer = t;
      }
      if (!this.accept(',')) break;
    }
    this.expect(')');
    this.expect('=>', "'=>'");
    this.expect('(');
    const outputs: { type: ValueType; tok: Token }[] = [];
    while (!this.is(')')) {
      const type = this.type();
      outputs.push({ type, tok: this.quotableId('an output name') });
      if (!this.accept(',')) break;
    }
    this.expect(')');
    if (this.is('<')) {
      this.next();
      while (!this.is('>')) {
        const type = this.type();
        const id = this.quotableId('an initializer name');
        this.accept('=');
        const t = this.tensorData(id.value, type, id.range);
        g.initializers.push(t);
        const v = g.define(id.value);
        v.initializer = t;
        this.map.definitions.push({ value: v, range: id.range });
        if (!this.accept(',')) break;
      }
      this.expect('>');
    }
    this.expect('{');
    const pending: { node: Node; inputs: Token[] }[] = [];
    while (!this.is('}') && this.peek().kind !== 'eof') {
      const line = this.peek().range.start.line;
      try {
        pending.push(this.node(g));
      } catch (e) {
        if (!(e instanceof ParseError)) throw e;
        this.error(e.message, e.range);
        this.recover(line);
      }
    }
    if (this.peek().kind === 'eof') this.error("the graph is not closed: add '}'", this.peek().range);
    else this.next();
    // Inputs are resolved once every node of the graph has defined its outputs.
    for (const { node, inputs } of pending) {
      inputs.forEach((tok, k) => {
        if (tok.value === '') return node.setInput(k, null);
        const v = g.lookup(tok.value);
        if (!v) {
          this.error(`'${tok.value}' is not defined: no input, initializer or node output has this name`, tok.range);
          node.setInput(k, g.define(tok.value));
          return;
        }
        node.setInput(k, v);
        this.map.uses.push({ value: v, node, range: tok.range });
      });
    }
    for (const o of outputs) {
      const v = g.lookup(o.tok.value);
      if (!v) {
        this.error(`graph output '${o.tok.value}' is not produced by any node`, o.tok.range);
        continue;
      }
      v.type = o.type;
      g.outputs.push(v);
      this.map.uses.push({ value: v, node: null, range: o.tok.range });
    }
    nameNodes(g); // unnamed nodes are shown and matched under ONNX Runtime's names, as when read from a file
    return g;
  }

  private node(g: Graph): { node: Node; inputs: Token[] } {
    const start = this.peek().range.start;
    let label = '';
    if (this.accept('[')) {
      label = this.quotableId('a node name').value;
      this.expect(']');
    }
    const outs: Token[] = [];
    while (!this.is('=')) {
      outs.push(this.quotableId('an output name'));
      if (!this.accept(',')) break;
    }
    this.expect('=');
    const parts = [this.quotableId('an operator')];
    while (this.accept('.')) parts.push(this.quotableId('an operator'));
    const op = parts[parts.length - 1]!.value;
    const domain = parts.slice(0, -1).map((p) => p.value).join('.');
    const n = new Node(label, op, domain, g);
    if (this.is('<')) n.attributes = this.attributes(g, n);
    this.expect('(', "'(' and the inputs");
    const inputs: Token[] = [];
    while (!this.is(')')) {
      inputs.push(this.quotableId('an input name'));
      if (!this.accept(',')) break;
    }
    const close = this.expect(')');
    if (this.is('<')) n.attributes = this.attributes(g, n);
    for (const o of outs) {
      if (o.value === '') {
        n.outputs.push(null);
        continue;
      }
      if (g.values.get(o.value)?.producer || g.values.get(o.value)?.initializer) {
        this.error(`'${o.value}' is already defined: every value has one producer`, o.range);
      }
      const v = g.define(o.value);
      v.producer = n;
      n.outputs.push(v);
      this.map.definitions.push({ value: v, range: o.range });
    }
    g.nodes.push(n);
    n.displayName = label || n.displayName;
    if (n.opType === 'Constant') {
      const value = n.attr('value');
      if (value?.kind === 'tensor') n.constantTensor = new Tensor(n.outputs[0]?.name ?? '', value.value.dataType, value.value.dims, value.value.storage);
    }
    this.map.nodes.push({ node: n, range: { start, end: close.range.end } });
    return { node: n, inputs };
  }

  private attributes(g: Graph, owner: Node): Attribute[] {
    this.expect('<');
    const out: Attribute[] = [];
    while (!this.is('>')) {
      const name = this.quotableId('an attribute name');
      let declared: string | undefined;
      if (this.accept(':')) declared = this.quotableId('an attribute type').value;
      this.expect('=');
      out.push(this.attrValue(name.value, declared, g, owner));
      if (!this.accept(',')) break;
    }
    this.expect('>');
    return out;
  }

  private isTensorStart(): boolean {
    const tok = this.peek();
    return tok.kind === 'id' && parseDataTypeName(tok.value) !== undefined && (this.is('[', 1) || this.is('{', 1));
  }

  private attrValue(name: string, declared: string | undefined, g: Graph, owner: Node): Attribute {
    if (this.accept('@')) return { name, kind: (declared ?? 'undefined') as 'int', value: 0n, refAttrName: this.quotableId().value } as Attribute;
    if (this.is('[')) {
      this.next();
      const items: (number | string | Tensor | Graph)[] = [];
      let isFloat = declared === 'floats';
      while (!this.is(']')) {
        const tok = this.peek();
        if (tok.kind === 'string') items.push(this.next().value);
        else if (this.isTensorStart()) {
          const type = this.type();
          items.push(this.tensorData('', type, tok.range));
        } else if (tok.kind === 'id' && this.is('(', 1)) items.push(this.graph(g, owner));
        else {
          const n = this.number();
          isFloat ||= n.isFloat;
          items.push(n.value);
        }
        if (!this.accept(',')) break;
      }
      this.expect(']');
      const kind = declared ?? (items.length === 0 ? 'ints' : typeof items[0] === 'string' ? 'strings' : items[0] instanceof Tensor ? 'tensors' : items[0] instanceof Graph ? 'graphs' : isFloat ? 'floats' : 'ints');
      switch (kind) {
        case 'ints':
          return { name, kind, value: items.map((v) => BigInt(Math.trunc(v as number))) };
        case 'floats':
          return { name, kind, value: (items as number[]).map(Math.fround) };
        case 'strings':
          return { name, kind, value: (items as string[]).map((s) => this.enc.encode(s)) };
        case 'tensors':
          return { name, kind, value: items as Tensor[] };
        case 'graphs':
          return { name, kind, value: items as Graph[] };
        default:
          throw new ParseError(`attribute type '${kind}' does not take a list`, this.peek().range);
      }
    }
    const tok = this.peek();
    if (tok.kind === 'string') return { name, kind: 'string', value: this.enc.encode(this.next().value) };
    if (this.isTensorStart()) {
      const type = this.type();
      return { name, kind: 'tensor', value: this.tensorData(name, type, tok.range) };
    }
    if (tok.kind === 'id' && this.is('(', 1)) return { name, kind: 'graph', value: this.graph(g, owner) };
    const n = this.number();
    // Float attributes are float32 in ONNX.
    if (declared === 'float' || (declared === undefined && n.isFloat)) return { name, kind: 'float', value: Math.fround(n.value) };
    return { name, kind: 'int', value: BigInt(Math.trunc(n.value)) };
  }

  private function(m: Model): void {
    const meta = { opsetImports: [] as OpsetImport[], domain: '' };
    if (this.is('<')) this.header(meta);
    const nameTok = this.quotableId('a function name');
    const attributeNames: string[] = [];
    const attributeDefaults: Attribute[] = [];
    if (this.is('<')) {
      this.next();
      while (!this.is('>')) {
        const id = this.quotableId('an attribute name');
        if (this.is('=') || this.is(':')) {
          let declared: string | undefined;
          if (this.accept(':')) declared = this.quotableId().value;
          this.expect('=');
          attributeDefaults.push(this.attrValue(id.value, declared, m.graph, null as unknown as Node));
        } else attributeNames.push(id.value);
        if (!this.accept(',')) break;
      }
      this.expect('>');
    }
    const body = new Graph(nameTok.value);
    const names = (): string[] => {
      const out: string[] = [];
      this.expect('(');
      while (!this.is(')')) {
        if (!this.is(',', 1) && !this.is(')', 1)) this.type();
        out.push(this.quotableId().value);
        if (!this.accept(',')) break;
      }
      this.expect(')');
      return out;
    };
    const inputs = names();
    for (const n of inputs) body.inputs.push(body.define(n));
    this.expect('=>', "'=>'");
    const outputs = names();
    this.expect('{');
    const pending: { node: Node; inputs: Token[] }[] = [];
    while (!this.is('}') && this.peek().kind !== 'eof') pending.push(this.node(body));
    this.expect('}');
    for (const { node, inputs: ins } of pending) {
      ins.forEach((tok, k) => node.setInput(k, tok.value === '' ? null : (body.lookup(tok.value) ?? body.define(tok.value))));
    }
    for (const o of outputs) {
      const v = body.lookup(o);
      if (v) body.outputs.push(v);
    }
    m.functions.push({ name: nameTok.value, domain: meta.domain, overload: '', inputs, outputs, attributeNames, attributeDefaults, body, opsetImports: meta.opsetImports, docString: '', metadata: [] });
  }
}

export function parseModel(text: string): ParseResult {
  const { tokens, errors } = tokenize(text);
  const p = new Parser(tokens);
  for (const e of errors) p.error(e.message, e.range);
  let model: Model | null = null;
  try {
    model = p.model();
  } catch (e) {
    if (!(e instanceof ParseError)) throw e;
    p.error(e.message, e.range);
  }
  return { model, diagnostics: p.diagnostics, map: p.map };
}

