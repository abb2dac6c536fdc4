// Inlay hints after each node statement: its output shape and MACs; and a code lens on the graph
// header with the model totals and a "Profile" command for the extension to run.
import { InlayHintKind, type CodeLens, type InlayHint, type Range } from 'vscode-languageserver';
import { formatShape } from '../../core/ir/shape';
import type { DocumentState } from './document-state';
import { si } from '../../core/units';


export function inlayHints(state: DocumentState, range: Range): InlayHint[] {
  const a = state.analysis;
  if (!a) return [];
  const byNode = new Map(a.cost.nodes.map((c) => [c.node, c]));
  const out: InlayHint[] = [];
  for (const { node, range: r } of state.parse.map.nodes) {
    if (r.end.line < range.start.line || r.start.line > range.end.line) continue;
    const shape = node.outputs[0] ? formatShape(a.shapes.shapeOf(node.outputs[0])) : '';
    const c = byNode.get(node);
    const macs = c?.macs ? ` · ${si(c.macs, 'MACs')}` : '';
    if (!shape && !macs) continue;
    out.push({ position: r.end, label: ` ${shape}${macs}`, kind: InlayHintKind.Type, paddingLeft: true });
  }
  return out;
}

export const ProfileCommand = 'layerlens.profileModel';

export function codeLenses(state: DocumentState, uri: string): CodeLens[] {
  const a = state.analysis;
  if (!a) return [];
  const t = a.report.totals;
  const graphLine = state.parse.map.definitions[0]?.range.start.line ?? 0;
  const range = { start: { line: graphLine, character: 0 }, end: { line: graphLine, character: 0 } };
  return [
    {
      range,
      command: {
        title: `${a.report.model.nodeCount} nodes · ${si(t.macs, 'MACs')} · ${si(t.flops, 'FLOPs')} · ${si(t.params, 'params')}${a.report.totalsIncomplete ? ' (lower bounds)' : ''}`,
        command: '',
      },
    },
    { range, command: { title: 'Profile', command: ProfileCommand, arguments: [uri] } },
  ];
}
