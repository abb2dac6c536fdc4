// The shape of the code (docs/architecture.md), checked on every run: no import circles among the
// project's modules, imports only down the floors (core <- node <- {server, cli}; protocol <- {server,
// extension, webview}), and no source file over 400 lines except generated code.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';
import { ROOT } from './support/models';

function sources(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) sources(p, out);
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts') && !name.endsWith('.test.ts') && !name.endsWith('.spec.ts')) out.push(p);
  }
  return out;
}

const files = [...sources(join(ROOT, 'src')), ...sources(join(ROOT, 'webview'))];
const generated = (f: string): boolean => /\/gen\//.test(f);

/** Relative imports of a module: value imports and re-exports (`import type` cannot form a cycle at run time). */
function imports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const out: string[] = [];
  const re = /^\s*(import|export)\s+(type\s+)?[^'";]*?from\s+'(\.[^']+)'|^\s*import\s+'(\.[^']+)'/gm;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (m[2]) continue; // type-only
    const spec = m[3] ?? m[4]!;
    const base = resolve(dirname(file), spec);
    const target = [`${base}.ts`, join(base, 'index.ts')].find((p) => files.includes(p));
    if (target) out.push(target);
  }
  return out;
}

test('no import circles among the modules of src/ and webview/', () => {
  const graph = new Map(files.map((f) => [f, imports(f)]));
  // Tarjan's strongly connected components: any component of more than one module is a circle.
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const on = new Set<string>();
  const circles: string[][] = [];
  const visit = (v: string): void => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const comp: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        on.delete(w);
        comp.push(relative(ROOT, w));
      } while (w !== v);
      if (comp.length > 1) circles.push(comp);
    }
  };
  for (const f of files) if (!idx.has(f)) visit(f);
  assert.deepEqual(circles, [], `import circles: ${circles.map((c) => c.join(' -> ')).join('; ')}`);
});

test('imports go down the floors only', () => {
  const floor = (f: string): string => relative(ROOT, f).split('/').slice(0, 2).join('/');
  // What each floor may import (value or type) from the project.
  const allowed: Record<string, string[]> = {
    'src/core': ['src/core'],
    'src/node': ['src/core', 'src/node'],
    'src/protocol': ['src/core', 'src/protocol'],
    'src/server': ['src/core', 'src/node', 'src/protocol', 'src/server'],
    'src/cli': ['src/core', 'src/node', 'src/cli'],
    'src/extension': ['src/core', 'src/protocol', 'src/extension'],
    'webview/': ['src/core', 'src/protocol', 'webview/'],
  };
  const bad: string[] = [];
  for (const f of files) {
    const from = floor(f).startsWith('webview') ? 'webview/' : floor(f);
    const text = readFileSync(f, 'utf8');
    for (const m of text.matchAll(/from\s+'(\.[^']+)'/g)) {
      const to = relative(ROOT, resolve(dirname(f), m[1]!));
      const target = to.startsWith('webview') ? 'webview/' : to.split('/').slice(0, 2).join('/');
      if (!(allowed[from] ?? []).includes(target)) bad.push(`${relative(ROOT, f)} imports ${to}`);
    }
  }
  assert.deepEqual(bad, []);
});

test('no source file over 400 lines, except generated code', () => {
  const long = files.filter((f) => !generated(f)).map((f) => [relative(ROOT, f), readFileSync(f, 'utf8').split('\n').length] as const).filter(([, n]) => n > 400);
  assert.deepEqual(long, []);
});
