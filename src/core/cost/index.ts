// The cost model: public entry points. costModel(model, shapes) -> CostReport (types.ts);
// definitions of every figure in docs/cost-model.md.
export { costModel } from './cost-model';
export { weightOf, weightTensor, type Weight } from './weights';
export { COST_FUNCTIONS, costFunction } from './registry';
export { PER_ELEMENT, DATA_MOVEMENT } from './elementwise';
export type { CostFn, OpCost } from './context';
export type * from './types';
export { NODE_FIGURES, figuresOf, formatFigure, recordOf, isIncomplete, type FigureKey, type FigureSpec, type FigureStatus, type FigureTotals, type NodeFigureRecord, type NodeFigures } from './figures';
