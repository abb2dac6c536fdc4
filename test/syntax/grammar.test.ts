// The TextMate grammar of the text form, tokenized by vscode-textmate with the Oniguruma engine VS
// Code itself uses, on text our printer produces.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import * as oniguruma from 'vscode-oniguruma';
import * as textmate from 'vscode-textmate';
import { printModel } from '../../src/core/onnx/text/printer';
import { readModel } from '../../src/core/onnx/reader';
import { ROOT, SAMPLE } from '../support/models';

async function registry(): Promise<textmate.Registry> {
  const wasm = readFileSync(join(ROOT, 'node_modules/vscode-oniguruma/release/onig.wasm'));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  return new textmate.Registry({
    onigLib: Promise.resolve({ createOnigScanner: (p) => new oniguruma.OnigScanner(p), createOnigString: (s) => new oniguruma.OnigString(s) }),
    loadGrammar: async () => textmate.parseRawGrammar(readFileSync(join(ROOT, 'syntaxes/onnxtxt.tmLanguage.json'), 'utf8'), 'onnxtxt.tmLanguage.json'),
  });
}

test('the grammar scopes header keys, types, operators, attributes, names, numbers, strings and comments', async () => {
  const grammar = (await (await registry()).loadGrammar('source.onnxtxt'))!;
  const text = printModel(readModel(readFileSync(SAMPLE))).text;
  const scopes = new Map<string, Set<string>>();
  let state = textmate.INITIAL;
  for (const line of text.split('\n')) {
    const r = grammar.tokenizeLine(line, state);
    for (const t of r.tokens) {
      const word = line.slice(t.startIndex, t.endIndex).trim();
      if (!word) continue;
      const set = scopes.get(word) ?? new Set<string>();
      t.scopes.forEach((s) => set.add(s));
      scopes.set(word, set);
    }
    state = r.ruleStack;
  }
  const has = (word: string, scope: string): void => assert.ok(scopes.get(word)?.has(scope), `${word}: ${[...(scopes.get(word) ?? [])].join(' ')}`);
  has('ir_version', 'keyword.other.header.onnxtxt');
  has('Conv', 'entity.name.function.operator.onnxtxt');
  has('BatchNormalization', 'entity.name.function.operator.onnxtxt');
  has('kernel_shape', 'variable.parameter.attribute.onnxtxt');
  has('float', 'storage.type.onnxtxt');
  has('image', 'variable.other.value.onnxtxt');
  has('17', 'constant.numeric.onnxtxt');
  has('/features/block1/conv_out', 'string.quoted.double.onnxtxt');
  assert.ok([...scopes.keys()].some((k) => k.startsWith('#') && scopes.get(k)!.has('comment.line.number-sign.onnxtxt')), 'comments');
});
