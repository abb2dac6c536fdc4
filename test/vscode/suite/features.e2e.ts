// The extension's features in the real extension host (code-server's, with the real language server
// and ONNX Runtime in their own processes): Profile Model, the text view's hover and quick fix (the
// fix verified in ORT and written beside the model, the original untouched), exports, and bad files.
// The workspace (made by vscode.test.ts) holds a copy of samples/tiny-cnn.onnx.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'mocha';
import * as vscode from 'vscode';
import { readModel } from '../../../src/core/onnx/reader';
import { writeModel } from '../../../src/core/onnx/writer';
import { DataType } from '../../../src/core/ir/data-type';
import { newModel } from '../../../src/core/ir/builder';
import type { ProfileResult } from '../../../src/protocol/requests';

const folder = () => vscode.workspace.workspaceFolders![0]!.uri;
const sample = () => vscode.Uri.joinPath(folder(), 'tiny-cnn.onnx');
const sha = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex');

async function until<T>(what: string, probe: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 30_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${(last as Error).message})` : ''}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const hoverText = (h: vscode.Hover[]) => h.flatMap((x) => x.contents.map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : ''))).join('\n');

describe('LayerLens features in the extension host', function () {
  this.timeout(120_000);
  const config = () => vscode.workspace.getConfiguration('layerlens');

  before(async () => {
    // Fixes go to a new file without asking (the UI scenarios exercise the dialog).
    await config().update('fixes.writeMode', 'new-file', vscode.ConfigurationTarget.Workspace);
    await config().update('dims', { batch: 1 }, vscode.ConfigurationTarget.Workspace);
  });
  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('Profile Model measures the model in ONNX Runtime and gives every node its latency', async () => {
    const r = await vscode.commands.executeCommand<ProfileResult | null>('layerlens.profileModel', sample());
    assert.ok(r, 'a profile result');
    assert.ok(r.medianMs > 0 && r.p10Ms <= r.medianMs && r.medianMs <= r.p90Ms, JSON.stringify({ m: r.medianMs, p10: r.p10Ms, p90: r.p90Ms }));
    assert.ok(r.coverage > 0.9, `coverage ${r.coverage}`);
    const names = new Set(r.nodes.map((n) => n.name));
    for (const n of ['/features/block1/conv', '/features/block2/conv', '/head/fc']) assert.ok(names.has(n), `${n} measured`);
    const share = r.nodes.reduce((a, n) => a + n.share, 0);
    assert.ok(Math.abs(share - 1) < 0.02, `shares add up to 1 (${share})`);
  });

  it('the text view: onnxtxt language, hover with costs and rewrites, a quick fix verified and written beside the model', async () => {
    const before = sha(sample().fsPath);
    await vscode.commands.executeCommand('layerlens.openAsText', sample());
    const editor = await until('the text view', () => vscode.window.visibleTextEditors.find((e) => e.document.uri.scheme === 'layerlens'));
    const doc = editor.document;
    assert.equal(doc.languageId, 'onnxtxt');
    const line = doc.getText().split('\n').findIndex((l) => l.includes('["/features/block2/conv"]'));
    assert.ok(line >= 0, 'the Conv is in the text');
    const hover = await until('a hover with costs', async () => {
      const t = hoverText(await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, new vscode.Position(line, 10)));
      return /MACs/.test(t) ? t : undefined;
    });
    // 32·16·3·3 weights × 16·16 outputs = 1,179,648 MACs with batch bound to 1 (layerlens.dims).
    assert.match(hover, /MACs 1\.18 M/);
    assert.match(hover, /Fold BatchNormalization into the preceding Conv/);
    const bnLine = doc.getText().split('\n').findIndex((l) => l.includes('["/features/block2/bn"]'));
    const actions = await until('quick fixes on the BatchNormalization', async () => {
      const a = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', doc.uri, new vscode.Range(bnLine, 0, bnLine, 5));
      return a?.some((x) => x.kind?.value === 'quickfix') ? a : undefined;
    });
    const fix = actions.find((a) => a.kind?.value === 'quickfix' && /BatchNormalization/.test(a.title))!;
    assert.ok(fix?.command, `a Conv+BN quick fix; got ${actions.map((a) => a.title).join(' | ')}`);
    const written = await vscode.commands.executeCommand<string | null>(fix.command.command, ...(fix.command.arguments ?? []));
    assert.ok(written && existsSync(written), `written: ${written}`);
    assert.equal(written, join(folder().fsPath, 'tiny-cnn.fuse-conv-batchnorm.onnx'));
    const fused = readModel(readFileSync(written));
    const bns = fused.graph.nodes.filter((n) => n.opType === 'BatchNormalization').map((n) => n.displayName);
    assert.deepEqual(bns.sort(), ['/features/block1/bn', '/features/block3/bn'], 'only the chosen BN was folded');
    assert.equal(sha(sample().fsPath), before, 'the original is untouched');
    // The new file opens in the graph view (the server loads and analyses it).
    await vscode.commands.executeCommand('vscode.openWith', vscode.Uri.file(written), 'layerlens.graph');
  });

  it('a fix in place keeps model.onnx.bak, and Undo Last In-Place Fix puts the original back', async () => {
    const original = readFileSync(sample().fsPath);
    await config().update('fixes.writeMode', 'in-place', vscode.ConfigurationTarget.Workspace);
    try {
      // The same flow as a quick fix: the applyFix command, routed through the preview and write choice.
      const written = await vscode.commands.executeCommand<string | null>('layerlens.applyFix', { modelUri: sample().toString(), ruleId: 'fuse-conv-batchnorm', anchor: '/features/block1/bn' });
      assert.equal(written, sample().fsPath);
      const bak = `${sample().fsPath}.bak`;
      assert.ok(existsSync(bak), 'the original is kept as .bak');
      assert.ok(readFileSync(bak).equals(original), '.bak is the original, byte for byte');
      const fused = readModel(readFileSync(sample().fsPath));
      assert.equal(fused.graph.nodes.filter((n) => n.opType === 'BatchNormalization').length, 2);
      await vscode.commands.executeCommand('layerlens.undoFix');
      assert.ok(readFileSync(sample().fsPath).equals(original), 'undo restored the original');
      assert.ok(!existsSync(bak), 'the backup went back into place');
    } finally {
      await config().update('fixes.writeMode', 'new-file', vscode.ConfigurationTarget.Workspace);
    }
  });

  it('Export writes the graph (SVG, PNG) and the metrics (CSV, JSON, Model Explorer, Netron), nothing else', async () => {
    const out = (f: string) => vscode.Uri.joinPath(folder(), 'exports', f);
    await vscode.workspace.fs.createDirectory(vscode.Uri.joinPath(folder(), 'exports'));
    const formats = { svg: 'g.svg', png: 'g.png', csv: 'm.csv', json: 'm.json', 'model-explorer': 'me.json', netron: 'n.json' } as const;
    for (const [format, file] of Object.entries(formats)) {
      const r = await vscode.commands.executeCommand<vscode.Uri | null>('layerlens.exportGraph', sample(), { format, target: out(file) });
      assert.equal(r?.toString(), out(file).toString(), format);
    }
    const text = (f: string) => readFileSync(out(f).fsPath, 'utf8');
    assert.match(text('g.svg'), /^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"[\s\S]*>BatchNormalization</);
    assert.equal(readFileSync(out('g.png').fsPath).subarray(1, 4).toString(), 'PNG');
    const rows = text('m.csv').trim().split('\r\n');
    assert.equal(rows.length, 1 + 15, 'a header and one row per node');
    assert.match(rows[0]!, /macs \[MACs\]/);
    assert.equal((JSON.parse(text('m.json')) as { format: string }).format, 'layerlens.metrics');
    assert.ok(Object.keys(JSON.parse(text('me.json')) as object).length >= 1);
    assert.equal((JSON.parse(text('n.json')) as { signature: string }).signature, 'netron:attachment');
    const left = (await vscode.workspace.fs.readDirectory(vscode.Uri.joinPath(folder(), 'exports'))).map(([n]) => n).sort();
    assert.deepEqual(left, Object.values(formats).sort(), 'no temp files left behind');
  });

  it('a truncated model gives a typed error; a model with HTML in its names is shown as text; the extension keeps working', async () => {
    const bytes = readFileSync(sample().fsPath);
    const broken = join(folder().fsPath, 'broken.onnx');
    writeFileSync(broken, bytes.subarray(0, Math.floor(bytes.length / 3)));
    await assert.rejects(Promise.resolve(vscode.commands.executeCommand('layerlens.openAsText', vscode.Uri.file(broken))), /ModelFormatError|truncated|corrupt/);
    const { model, b } = newModel('hostile');
    const x = b.input('<img src=x onerror=alert(1)>', DataType.FLOAT, [1, 4]);
    const [y] = b.node('Relu', [x], {}, { name: '<script>alert(2)</script>' });
    b.output(y!, DataType.FLOAT, [1, 4]);
    const hostile = join(folder().fsPath, 'hostile.onnx');
    writeFileSync(hostile, writeModel(model));
    await vscode.commands.executeCommand('layerlens.openAsText', vscode.Uri.file(hostile));
    const doc = await until('the hostile text view', () => vscode.window.visibleTextEditors.find((e) => e.document.uri.path.endsWith('hostile.onnx.onnxtxt'))?.document);
    assert.ok(doc.getText().includes('<script>alert(2)</script>'), 'the name is kept, as text');
    const r = await vscode.commands.executeCommand<ProfileResult | null>('layerlens.profileModel', sample());
    assert.ok(r && r.medianMs > 0, 'still profiles after the bad files');
  });
});
