// What each rule id means, in words, for the formats that describe their rules (SARIF's rules, JUnit's
// test names): `model-macs` (a maximum), `model-macs-increase` (growth over the baseline),
// `node-macs` (a maximum per node), `node-macs-share` (a node's share of the total), and
// `model-error` (the model could not be read: not a budget verdict).
import { METRICS } from '../figures';
import type { Check, Metric } from '../types';

export const MODEL_ERROR_RULE = 'model-error';

export interface RuleText {
  id: string;
  /** A friendly PascalCase name: ModelMacsIncreaseBudget. */
  name: string;
  short: string;
  full: string;
}

function pascal(id: string): string {
  return id
    .split('-')
    .map((p) => p.charAt(0).toUpperCase() + p.slice(1))
    .join('');
}

export function ruleText(id: string): RuleText {
  if (id === MODEL_ERROR_RULE) {
    return {
      id,
      name: 'ModelUnreadable',
      short: 'The model could not be read or analysed',
      full: 'The model file (or its baseline) could not be read or analysed, so no budget was checked: the message gives the typed error (ModelFormatError, ModelGraphError, ExternalDataError, ShapeError). This is not a budget verdict.',
    };
  }
  const [scope, metric, kind] = id.split('-') as ['model' | 'node', Metric, 'increase' | 'share' | undefined];
  const title = METRICS[metric]?.title ?? metric;
  const name = `${pascal(id)}Budget`;
  if (scope === 'model' && kind === 'increase') {
    return { id, name, short: `Model ${title}: growth over the baseline`, full: `The model's ${title} must not grow more than the budget's percentage (maxIncreasePercent) over the baseline model (docs/budgets.md).` };
  }
  if (scope === 'model') return { id, name, short: `Model ${title}: maximum`, full: `The model's ${title} must not exceed the budget's maximum (docs/budgets.md).` };
  if (kind === 'share') {
    return { id, name, short: `Node share of ${title}`, full: `No single node may hold more than the budget's percentage (maxSharePercent) of the model's ${title} (docs/budgets.md).` };
  }
  return { id, name, short: `Node ${title}: maximum`, full: `No single node's ${title} may exceed the budget's maximum per node (docs/budgets.md).` };
}

/** The limit in words: `≤ 300 MMACs`, `≤ +5 % over the baseline`, `≤ 30 % per node`. */
export function limitText(c: Pick<Check, 'kind' | 'limit' | 'metric'>): string {
  if (c.kind === 'increase') return `≤ +${c.limit} % over the baseline`;
  if (c.kind === 'share') return `≤ ${c.limit} % of the model's ${METRICS[c.metric].title} per node`;
  return `≤ ${METRICS[c.metric].format(c.limit)}`;
}
