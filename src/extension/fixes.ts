// Verified fixes from the editor: the server runs the rule, verifies the result against the original
// in ONNX Runtime and keeps the candidate (write: 'preview'); the user sees error, size, MACs and
// latency before → after and chooses where it goes: a new file beside the model, or in place keeping
// model.onnx.bak (undo restores it). Nothing is written unless verification passed.
import * as vscode from 'vscode';
import { WorkDoneProgress } from 'vscode-languageclient/node';
import { ApplyFixCommand, CommitFixCommand, DiscardFixCommand, type ApplyFixArgs, type ApplyFixResult, type CommitFixResult } from '../protocol/fixes';
import { type CommandType } from '../protocol/rpc';
import { QuantizeWithinBudgetCommand, type QuantizeWithinBudgetArgs, type QuantizeWithinBudgetResult } from '../protocol/compress';
import { currentTarget } from './target';
import { bytes, si } from '../core/units';
import { OPTIMIZATIONS, type Optimization } from '../protocol/optimizations';
import { modelServer } from './client';
import { fileName } from './model-uri';
import { settings } from './settings';

export type WriteMode = 'new-file' | 'in-place';

let nextToken = 1;

/** Runs a server command about the model `uri`; `progress` hears the server's work-done messages. */
async function execute<A, R>(context: vscode.ExtensionContext, uri: vscode.Uri, command: CommandType<A, R>, args: A, progress?: (message: string) => void): Promise<R> {
  const c = await modelServer(context, uri);
  const token = `layerlens-fix-${nextToken++}`;
  const sub = progress ? c.onProgress(WorkDoneProgress.type, token, (v) => v.kind !== 'end' && v.message && progress(v.message)) : undefined;
  try {
    return await c.sendRequest(command.request, command.params(args, progress ? token : undefined));
  } finally {
    sub?.dispose();
  }
}

/** Runs and verifies a rule on the model; the candidate stays on disk until committed or discarded. */
export async function previewFix(context: vscode.ExtensionContext, uri: vscode.Uri, ruleId: string, anchor?: string, options?: Record<string, unknown>): Promise<ApplyFixResult> {
  const target = currentTarget(uri);
  const args: ApplyFixArgs = { modelUri: uri.toString(), ruleId, write: 'preview', dims: settings(uri).dims, ...(anchor ? { anchor } : {}), ...(options ? { options } : {}), ...(target ? { target } : {}) };
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `LayerLens: verifying ${ruleId}${anchor ? ` at ${anchor}` : ''} in ONNX Runtime` },
    (p) => execute(context, uri, ApplyFixCommand, args, (message) => p.report({ message })),
  );
}

let lastInPlace: { target: string; backup: string } | null = null;

export async function commitFix(context: vscode.ExtensionContext, uri: vscode.Uri, ruleId: string, candidate: string, write: WriteMode): Promise<CommitFixResult> {
  const r = await execute(context, uri, CommitFixCommand, { candidate, modelUri: uri.toString(), ruleId, write });
  if (write === 'in-place' && r.backup) lastInPlace = { target: r.written, backup: r.backup };
  return r;
}

export async function discardFix(context: vscode.ExtensionContext, uri: vscode.Uri, candidate: string): Promise<void> {
  await execute(context, uri, DiscardFixCommand, { candidate, modelUri: uri.toString() });
}

/** Undo of the last in-place fix: the .bak goes back over the model (a rename, atomic). */
export async function undoLastFix(): Promise<void> {
  if (!lastInPlace) {
    void vscode.window.showInformationMessage('LayerLens: no in-place fix to undo in this session.');
    return;
  }
  const { target, backup } = lastInPlace;
  await vscode.workspace.fs.rename(vscode.Uri.file(backup), vscode.Uri.file(target), { overwrite: true });
  lastInPlace = null;
  void vscode.window.showInformationMessage(`LayerLens: restored ${target.slice(target.lastIndexOf('/') + 1)} from its backup.`);
}


/** One line per figure, before → after, as shown to the user before they choose. */
export function describeVerification(r: ApplyFixResult): string[] {
  const lines: string[] = [];
  if (r.before && r.after) {
    lines.push(`size ${bytes(r.before.fileBytes)} → ${bytes(r.after.fileBytes)}`);
    lines.push(`MACs ${si(r.before.macs, 'MACs')} → ${si(r.after.macs, 'MACs')}`);
    lines.push(`params ${si(r.before.params)} → ${si(r.after.params)}`);
    lines.push(r.latencyChange ? `latency ${r.latencyChange.text} (medians, same run)` : `latency ${r.before.medianMs.toFixed(3)} ms → ${r.after.medianMs.toFixed(3)} ms (median, same run)`);
  }
  for (const o of r.outputs ?? []) lines.push(`output ${o.name}: max abs error ${o.maxAbsError === null ? '∞' : o.maxAbsError.toExponential(2)}, cosine ${o.cosine.toFixed(6)}`);
  return lines;
}

async function chooseWrite(uri: vscode.Uri, summary: string): Promise<WriteMode | undefined> {
  const mode = settings(uri).writeMode;
  if (mode !== 'ask') return mode;
  const newFile = 'Write new file';
  const inPlace = 'Replace (keep .bak)';
  const pick = await vscode.window.showInformationMessage(summary, { modal: true }, newFile, inPlace);
  return pick === newFile ? 'new-file' : pick === inPlace ? 'in-place' : undefined;
}

/** The whole flow from a command: preview, show the figures, write where the user chose. */
export async function runFixFlow(context: vscode.ExtensionContext, uri: vscode.Uri, ruleId: string, title: string, anchor?: string, options?: Record<string, unknown>): Promise<string | null> {
  let r: ApplyFixResult;
  try {
    r = await previewFix(context, uri, ruleId, anchor, options);
  } catch (e) {
    void vscode.window.showErrorMessage(`LayerLens: ${title} could not be verified: ${(e as Error).message}`);
    return null;
  }
  if (!r.passed || !r.candidate) {
    const why = r.applied === 0 ? `nothing to do: ${r.failures.join('; ') || 'the rule does not apply'}` : `verification failed: ${r.failures.join('; ')}`;
    void vscode.window.showWarningMessage(`LayerLens: ${title} on ${fileName(uri)}: ${why}. Nothing was written.`);
    return null;
  }
  const summary = `${title} (${r.applied} place${r.applied === 1 ? '' : 's'}), verified in ONNX Runtime:\n${describeVerification(r).join('\n')}`;
  const write = await chooseWrite(uri, summary);
  if (!write) {
    await discardFix(context, uri, r.candidate);
    return null;
  }
  return finishCommit(context, uri, ruleId, r.candidate, write);
}

export async function finishCommit(context: vscode.ExtensionContext, uri: vscode.Uri, ruleId: string, candidate: string, write: WriteMode): Promise<string> {
  const done = await commitFix(context, uri, ruleId, candidate, write);
  const open = 'Open';
  const undo = 'Undo';
  void vscode.window.showInformationMessage(`LayerLens: wrote ${done.written.slice(done.written.lastIndexOf('/') + 1)}${done.backup ? ' (original kept as .bak)' : ''}.`, ...(write === 'in-place' ? [undo] : [open])).then((pick) => {
    if (pick === open) void vscode.commands.executeCommand('vscode.openWith', vscode.Uri.file(done.written), 'layerlens.graph');
    if (pick === undo) void undoLastFix();
  });
  return done.written;
}

/** "Optimize Model…": pick one whole-model optimization, then the fix flow. */
export async function optimizeModel(context: vscode.ExtensionContext, uri: vscode.Uri): Promise<string | null> {
  type Item = vscode.QuickPickItem & { o?: Optimization };
  const items: Item[] = [];
  for (const family of ['fuse', 'quantize', 'prune'] as const) {
    items.push({ label: family === 'fuse' ? 'Fuse (exact rewrites)' : family === 'quantize' ? 'Quantize' : 'Prune', kind: vscode.QuickPickItemKind.Separator });
    for (const o of OPTIMIZATIONS.filter((x) => x.family === family)) items.push({ label: o.label, detail: o.detail, o });
  }
  const pick = await vscode.window.showQuickPick(items, { title: `Optimize ${fileName(uri)}`, placeHolder: 'Each result is verified in ONNX Runtime before it is written' });
  if (!pick?.o) return null;
  return runFixFlow(context, uri, pick.o.ruleId, pick.o.label, undefined, pick.o.options);
}

/**
 * "Quantize within an error budget…": pick the method, give the smallest cosine the outputs must keep;
 * the server keeps the most sensitive layers in float, verifies the result and keeps it as a preview;
 * the summary names the layers left in float and why, then the write goes where the user chooses.
 */
export async function quantizeWithinBudget(context: vscode.ExtensionContext, uri: vscode.Uri): Promise<string | null> {
  const kinds: (vscode.QuickPickItem & { method: QuantizeWithinBudgetArgs['kind'] })[] = [
    { label: 'int8 dynamic', detail: 'MatMul/Gemm weights and Gather tables', method: 'int8' },
    { label: 'int8 static (QDQ)', detail: 'Conv/MatMul, calibrated on generated inputs', method: 'int8-static' },
    { label: 'int4 weight-only', detail: 'MatMul weights, MatMulNBits', method: 'int4' },
    { label: 'float16', detail: 'layers with weights in float16', method: 'fp16' },
    { label: 'low-rank factorization', detail: 'MatMul/Gemm/Conv weights, rank chosen per layer', method: 'low-rank' },
  ];
  const pick = await vscode.window.showQuickPick(kinds, { title: `Compress ${fileName(uri)} within an error budget` });
  if (!pick) return null;
  const text = await vscode.window.showInputBox({
    title: 'Smallest cosine similarity every output must keep with the original',
    value: '0.999',
    validateInput: (v) => (Number(v) > 0 && Number(v) <= 1 ? null : 'a number in (0, 1], e.g. 0.999'),
  });
  if (!text) return null;
  const args: QuantizeWithinBudgetArgs = { modelUri: uri.toString(), kind: pick.method, minCosine: Number(text), dims: settings(uri).dims };
  let r: QuantizeWithinBudgetResult;
  try {
    r = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `LayerLens: ${pick.label} within cosine ≥ ${text} (measuring each layer in ONNX Runtime)` },
      (p) => execute(context, uri, QuantizeWithinBudgetCommand, args, (message) => p.report({ message })),
    );
  } catch (e) {
    void vscode.window.showErrorMessage(`LayerLens: ${(e as Error).message}`);
    return null;
  }
  if (!r.passed || !r.candidate) {
    void vscode.window.showWarningMessage(`LayerLens: ${pick.label} within the budget: verification failed: ${r.failures.join('; ')}. Nothing was written.`);
    return null;
  }
  const kept = r.kept.slice(0, 8).map((k) => `${k.name}: ${k.reason}`);
  const notes = r.notes.slice(0, 8).map((n) => `${n.layer}: ${n.note}`);
  const summary = [`${pick.label}: ${r.compressed.length} layer(s) compressed within cosine ≥ ${text}, verified in ONNX Runtime:`, ...describeVerification(r), ...notes, ...(kept.length ? ['Left as they were:', ...kept] : [])].join('\n');
  const write = await chooseWrite(uri, summary);
  if (!write) {
    await discardFix(context, uri, r.candidate);
    return null;
  }
  return finishCommit(context, uri, r.ruleId, r.candidate, write);
}
