// Identity and inference-mode Dropout pass their input through unchanged (y = x), so their readers
// can read x directly. When y is a graph output, x takes y's name instead (graph outputs keep their
// names), which needs x to be produced by a node of the graph and to be nothing else's name.
import type { Node } from '../../ir/graph';
import { removeNode, takeOver, nodeSites } from '../graph-edit';
import { dropped, ORT_AT_LOAD } from '../gain';
import type { CheckResult, RewriteRule, Site } from '../types';

function check(site: Site): CheckResult {
  const n = site.anchor;
  const x = n.inputs[0];
  const y = n.outputs[0];
  if (!x || !y) return { ok: false, reason: `${n} has no input or output` };
  if (n.opType === 'Dropout') {
    if (n.outputs[1] && (n.outputs[1].uses.length > 0 || n.outputs[1].isGraphOutput())) return { ok: false, reason: `the mask output of ${n} is used` };
    const training = n.inputs[2]?.constant?.toNumbers()[0];
    if (n.inputs[2] && training !== 0) return { ok: false, reason: `${n} may run in training mode (training_mode input '${n.inputs[2].name}')` };
  }
  if (y.isGraphOutput()) {
    if (!x.producer || x.producer.graph !== n.graph) return { ok: false, reason: `graph output '${y.name}' is a copy of '${x.name}', which is a graph input or initializer` };
    if (x.isGraphOutput()) return { ok: false, reason: `'${x.name}' and '${y.name}' are both graph outputs` };
  }
  return { ok: true };
}

function rewrite(site: Site): void {
  const n: Node = site.anchor;
  const x = n.inputs[0]!;
  const y = n.outputs[0]!;
  removeNode(n);
  takeOver(y, x);
}

export const eliminateIdentity: RewriteRule = {
  id: 'fuse-identity',
  title: 'Remove Identity and inference-mode Dropout',
  family: 'cleanup',
  tolerance: { maxAbsError: 0 },
  match(ctx) {
    return nodeSites(ctx.model, (n) => (n.opType === 'Identity' || n.opType === 'Dropout') && n.domain === '');
  },
  check,
  rewrite,
  estimate: (site, e) => dropped([site.anchor], e, 0, ORT_AT_LOAD.identity),
};
