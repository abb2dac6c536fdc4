// Model -> ONNX textual syntax (the grammar of ONNX's docs/Syntax.md), with a map from text ranges
// to nodes and values for the language server. Tensors with more than `maxElements` elements are not
// written out, initializers and Constant-node values alike: they appear as declarations (type and
// shape, no data; an initializer with a comment giving its size), and their bytes stay in the model —
// so a detection model's megabytes of constants never become megabyte-long lines of text.
// tensorValuesText() writes a tensor's values for whoever wants to see them.
import type { Attribute } from '../../ir/attribute';
import { DataType, dataTypeName, storageBytes } from '../../ir/data-type';
import type { Graph, Node, Value } from '../../ir/graph';
import type { FunctionDef, Model } from '../../ir/model';
import type { Shape, ValueType } from '../../ir/shape';
import { Tensor } from '../../ir/tensor';
import { emptyMap, type Range, type TextMap } from './ranges';
import { formatNumber, quoteId, quoteString } from './syntax';

export interface PrintOptions {
  /** Largest tensor printed with its values (default 16). */
  maxElements?: number;
}

class Writer {
  readonly lines: string[] = [''];
  readonly map: TextMap = emptyMap();

  get pos() {
    return { line: this.lines.length - 1, character: this.lines[this.lines.length - 1]!.length };
  }

  write(s: string): Range {
    const start = this.pos;
    const parts = s.split('\n');
    this.lines[this.lines.length - 1] += parts[0]!;
    for (const p of parts.slice(1)) this.lines.push(p);
    return { start, end: this.pos };
  }

  newline(indent: string): void {
    this.lines.push(indent);
  }
}

function dims(shape: Shape): string {
  return shape.map((d) => (d === null ? '?' : typeof d === 'number' ? String(d) : quoteId(d))).join(',');
}

export function typeText(t: ValueType | null): string {
  if (!t) return 'float';
  switch (t.kind) {
    case 'tensor':
      return `${dataTypeName(t.elemType)}${t.shape ? `[${dims(t.shape)}]` : ''}`;
    case 'sparse_tensor':
      return `sparse_tensor(${dataTypeName(t.elemType)}${t.shape ? `[${dims(t.shape)}]` : ''})`;
    case 'sequence':
      return `seq(${typeText(t.elem)})`;
    case 'optional':
      return `optional(${typeText(t.elem)})`;
    case 'map':
      return `map(${dataTypeName(t.keyType)}, ${typeText(t.value)})`;
    case 'opaque':
      return `opaque(${[t.domain, t.name].filter(Boolean).join(', ')})`;
  }
}

/** The first `count` elements of `t` as a tensor of their own (external data is read now). */
function head(t: Tensor, count: number): Tensor {
  if (count >= t.elementCount) return t;
  if (t.storage.kind === 'string') return new Tensor(t.name, t.dataType, [count], { kind: 'string', values: t.storage.values.slice(0, count) });
  const bytes = storageBytes(t.dataType, count);
  if (bytes === undefined) return t;
  return new Tensor(t.name, t.dataType, [count], { kind: 'raw', bytes: t.rawBytes().subarray(0, bytes) });
}

/** The values of `t` as the text syntax writes them, the first `limit` of them at most. */
export function tensorValuesText(t: Tensor, limit = t.elementCount): string {
  return tensorValues(head(t, limit));
}

/** `float[3,3]` and, when it is small and has data, ` {1.0, …}`: larger tensors are declared only. */
function tensorLiteral(t: Tensor, maxElements: number): string {
  const shown = t.storage.kind !== 'declared' && t.storage.kind !== 'external' && t.elementCount <= maxElements;
  return `${dataTypeName(t.dataType)}[${t.dims.join(',')}]${shown ? ` {${tensorValues(t)}}` : ''}`;
}

function tensorValues(t: Tensor): string {
  if (t.dataType === DataType.STRING) return t.toStrings().map(quoteString).join(', ');
  const double = t.dataType === DataType.DOUBLE;
  if (t.dataType === DataType.INT64 || t.dataType === DataType.UINT64) return t.toBigInts().join(', ');
  return Array.from(t.toNumbers(), (v) => formatNumber(v, double)).join(', ');
}

/** A float attribute always reads back as a float: 1 is written 1.0. */
function floatText(v: number): string {
  const s = formatNumber(v);
  return /[.eEna]/.test(s) ? s : `${s}.0`;
}

class Printer {
  private readonly w = new Writer();
  constructor(private readonly maxElements: number) {}

  model(m: Model): { text: string; map: TextMap } {
    const w = this.w;
    const header: string[] = [`ir_version: ${m.irVersion}`, `opset_import: [${m.opsetImports.map((o) => `${quoteString(o.domain)} : ${o.version}`).join(', ')}]`];
    if (m.producerName) header.push(`producer_name: ${quoteString(m.producerName)}`);
    if (m.producerVersion) header.push(`producer_version: ${quoteString(m.producerVersion)}`);
    if (m.domain) header.push(`domain: ${quoteString(m.domain)}`);
    if (m.modelVersion) header.push(`model_version: ${m.modelVersion}`);
    if (m.docString) header.push(`doc_string: ${quoteString(m.docString)}`);
    w.write(`<\n  ${header.join(',\n  ')}\n>\n`);
    this.graph(m.graph, '');
    for (const f of m.functions) {
      w.write('\n\n');
      this.function(f);
    }
    w.write('\n');
    return { text: w.lines.join('\n'), map: w.map };
  }

  private valueDef(v: Value, type: ValueType | null): void {
    this.w.write(`${typeText(type)} `);
    this.w.map.definitions.push({ value: v, range: this.w.write(quoteId(v.name)) });
  }

  private tensorDecl(t: Tensor, v: Value): void {
    this.w.write(`${dataTypeName(t.dataType)}[${t.dims.join(',')}] `);
    this.w.map.definitions.push({ value: v, range: this.w.write(quoteId(v.name)) });
    if (t.storage.kind !== 'declared' && t.elementCount <= this.maxElements && t.storage.kind !== 'external') {
      this.w.write(` = {${tensorValues(t)}}`);
    }
  }

  graph(g: Graph, indent: string): void {
    const w = this.w;
    w.write(`${quoteId(g.name || 'graph')} (`);
    const inits = new Set(g.initializers.map((t) => t.name));
    g.inputs.forEach((v, i) => {
      if (i) w.write(', ');
      if (inits.has(v.name) && v.initializer) this.tensorDecl(v.initializer, v);
      else this.valueDef(v, v.type);
    });
    w.write(') => (');
    g.outputs.forEach((v, i) => {
      if (i) w.write(', ');
      w.write(`${typeText(v.type)} `);
      w.map.uses.push({ value: v, node: null, range: w.write(quoteId(v.name)) });
    });
    w.write(')');
    const own = g.initializers.filter((t) => !g.inputs.some((v) => v.name === t.name));
    if (own.length) {
      w.write(`\n${indent}   <`);
      own.forEach((t, i) => {
        this.tensorDecl(t, g.values.get(t.name)!);
        const last = i === own.length - 1;
        // A comment runs to the end of the line, so the ',' or '>' comes before it.
        w.write(last ? '>' : ',');
        if (t.elementCount > this.maxElements || t.storage.kind === 'external') w.write(` # ${t.elementCount} values not shown`);
        if (!last) w.write(`\n${indent}    `);
      });
    }
    w.write(`\n${indent}{`);
    for (const n of g.nodes) {
      w.newline(`${indent}   `);
      this.node(n, indent + '   ');
    }
    w.write(`\n${indent}}`);
  }

  private node(n: Node, indent: string): void {
    const w = this.w;
    const start = w.pos;
    if (n.name) w.write(`[${quoteId(n.name)}] `);
    n.outputs.forEach((v, i) => {
      if (i) w.write(', ');
      const r = w.write(quoteId(v?.name ?? ''));
      if (v) w.map.definitions.push({ value: v, range: r });
    });
    w.write(` = ${n.domain ? `${n.domain}.` : ''}${n.opType}`);
    const attrs = n.attributes;
    if (attrs.length) {
      w.write(' <');
      attrs.forEach((a, i) => {
        if (i) w.write(', ');
        this.attribute(a, indent);
      });
      w.write('>');
    }
    w.write(' (');
    n.inputs.forEach((v, i) => {
      if (i) w.write(', ');
      const r = w.write(quoteId(v?.name ?? ''));
      if (v) w.map.uses.push({ value: v, node: n, range: r });
    });
    w.write(')');
    w.map.nodes.push({ node: n, range: { start, end: w.pos } });
  }

  private attribute(a: Attribute, indent: string): void {
    const w = this.w;
    if (a.refAttrName) {
      w.write(`${quoteId(a.name)}: ${a.kind} = @${a.refAttrName}`);
      return;
    }
    const emptyList = Array.isArray(a.value) && a.value.length === 0;
    w.write(`${quoteId(a.name)}${emptyList ? `: ${a.kind}` : ''} = `);
    const dec = new TextDecoder();
    switch (a.kind) {
      case 'float':
        w.write(floatText(a.value));
        return;
      case 'int':
        w.write(String(a.value));
        return;
      case 'string':
        w.write(quoteString(dec.decode(a.value)));
        return;
      case 'floats':
        w.write(`[${a.value.map(floatText).join(', ')}]`);
        return;
      case 'ints':
        w.write(`[${a.value.join(', ')}]`);
        return;
      case 'strings':
        w.write(`[${a.value.map((s) => quoteString(dec.decode(s))).join(', ')}]`);
        return;
      case 'tensor':
        w.write(tensorLiteral(a.value, this.maxElements));
        return;
      case 'tensors':
        w.write(`[${a.value.map((t) => tensorLiteral(t, this.maxElements)).join(', ')}]`);
        return;
      case 'graph':
        w.write('\n');
        w.write(indent + '   ');
        this.graph(a.value, indent + '   ');
        return;
      case 'graphs':
        w.write('[');
        a.value.forEach((g, i) => {
          if (i) w.write(', ');
          w.write(`\n${indent}   `);
          this.graph(g, indent + '   ');
        });
        w.write(']');
        return;
      default:
        w.write(`"<${a.kind}>"`);
    }
  }

  private function(f: FunctionDef): void {
    const w = this.w;
    w.write(`<\n  domain: ${quoteString(f.domain)},\n  opset_import: [${f.opsetImports.map((o) => `${quoteString(o.domain)} : ${o.version}`).join(', ')}]\n>\n`);
    w.write(quoteId(f.name));
    const attrs = [...f.attributeNames.map(quoteId)];
    if (attrs.length || f.attributeDefaults.length) {
      w.write(' <');
      w.write(attrs.join(', '));
      f.attributeDefaults.forEach((a, i) => {
        if (i || attrs.length) w.write(', ');
        this.attribute(a, '');
      });
      w.write('>');
    }
    w.write(` (${f.inputs.map(quoteId).join(', ')}) => (${f.outputs.map(quoteId).join(', ')})\n{`);
    for (const n of f.body.nodes) {
      w.newline('   ');
      this.node(n, '   ');
    }
    w.write('\n}');
  }
}

export function printModel(model: Model, opts: PrintOptions = {}): { text: string; map: TextMap } {
  return new Printer(opts.maxElements ?? 16).model(model);
}
