// SARIF 2.1.0 for code-scanning tools (GitHub code scanning's upload-sarif, Azure DevOps, IDE viewers):
// one run, one rule per budget kind used (plus model-error), one result per violation (and per
// unverifiable budget, at the level onUnknown gives it; passes are not results). A result is located
//  - logically at the node (name and graph path) or at the model's main graph, and
//  - physically at the model file, with the node's region in a text-form (.onnxtxt) model; a binary
//    .onnx has no lines, so the region is line 1 (code scanning needs a startLine to show a result;
//    the node is then in the logical location and the message).
// The figures are in the message and in the result's properties. Checked against the SARIF 2.1.0
// schema and Microsoft's SARIF multitool with its GitHub rules (test/budgets/formats.test.ts).
import { METRICS, nodeKey } from '../figures';
import { isViolation, type CheckReport, type ModelReport } from '../report';
import type { Check } from '../types';
import { MODEL_ERROR_RULE, ruleText } from './rules';

export interface ToolInfo {
  version: string;
  informationUri: string;
}

type Json = Record<string, unknown>;

function ruleOf(id: string): Json {
  const t = ruleText(id);
  return {
    id,
    name: t.name,
    shortDescription: { text: t.short },
    fullDescription: { text: t.full },
    help: { text: `${t.full} Set the limits in layerlens.budget.json.`, markdown: `${t.full}\n\nSet the limits in \`layerlens.budget.json\`; \`layerlens analyze MODEL\` shows every figure.` },
    defaultConfiguration: { level: 'error' },
    properties: { tags: ['layerlens', 'budget'] },
  };
}

function location(m: ModelReport, c: Check | null): Json {
  const key = c?.node ? nodeKey(c.node) : null;
  const region = key && m.regions?.[key] ? m.regions[key] : { startLine: 1 };
  const logical = c?.node
    ? { name: c.node.name, fullyQualifiedName: `${m.path}::${key}`, kind: 'function' }
    : { name: m.path, fullyQualifiedName: m.path, kind: 'module' };
  return {
    physicalLocation: { artifactLocation: { uri: encodeURI(m.path) }, region },
    logicalLocations: [logical],
  };
}

function properties(c: Check): Json {
  return {
    metric: c.metric,
    kind: c.kind,
    status: c.status,
    limit: c.limit,
    limitText: c.kind === 'max' ? METRICS[c.metric].format(c.limit) : `${c.limit} %`,
    actual: c.actual,
    ...(c.actual !== null && c.kind !== 'share' ? { actualText: `${c.lowerBound ? '≥ ' : ''}${METRICS[c.metric].format(c.actual)}` } : {}),
    lowerBound: c.lowerBound,
    ...(c.baseline !== undefined ? { baseline: c.baseline } : {}),
    ...(c.increasePercent !== undefined ? { increasePercent: c.increasePercent === Infinity ? 'Infinity' : c.increasePercent } : {}),
    ...(c.sharePercent !== undefined ? { sharePercent: c.sharePercent } : {}),
    ...(c.node ? { node: nodeKey(c.node), opType: c.node.opType } : {}),
    budgetEntry: c.target,
  };
}

export function toSarif(r: CheckReport, tool: ToolInfo): Json {
  const rules: string[] = [];
  const ruleIndex = (id: string): number => {
    let i = rules.indexOf(id);
    if (i < 0) i = rules.push(id) - 1;
    return i;
  };
  const results: Json[] = [];
  for (const m of r.models) {
    if (m.status === 'error') {
      results.push({
        ruleId: MODEL_ERROR_RULE,
        ruleIndex: ruleIndex(MODEL_ERROR_RULE),
        kind: 'fail',
        level: 'error',
        message: { text: `${m.path}: model bad, no budget checked: ${m.error!.name}: ${m.error!.message}` },
        locations: [location(m, null)],
        partialFingerprints: { 'layerlensBudget/v1': `${MODEL_ERROR_RULE}|${m.path}` },
        properties: { errorName: m.error!.name },
      });
      continue;
    }
    for (const c of m.checks) {
      if (c.status === 'pass') continue;
      const violation = isViolation(c, r.onUnknown);
      results.push({
        ruleId: c.ruleId,
        ruleIndex: ruleIndex(c.ruleId),
        kind: c.status === 'fail' ? 'fail' : 'open',
        level: violation ? 'error' : 'warning',
        message: { text: `${m.path}: ${c.status === 'fail' ? 'budget exceeded' : 'budget not verifiable'}: ${c.message}` },
        locations: [location(m, c)],
        partialFingerprints: { 'layerlensBudget/v1': `${c.ruleId}|${c.target}|${m.path}|${c.node ? nodeKey(c.node) : ''}` },
        properties: properties(c),
      });
    }
  }
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'LayerLens',
            version: tool.version,
            semanticVersion: tool.version,
            informationUri: tool.informationUri,
            rules: rules.map(ruleOf),
          },
        },
        invocations: [{ executionSuccessful: true, properties: { budgetFile: r.budgetFile, onUnknown: r.onUnknown, ...(r.latencySource ? { latencySource: r.latencySource } : {}) } }],
        columnKind: 'utf16CodeUnits',
        results,
      },
    ],
  };
}
