// The cost model: public entry points.
export { costModel, weightTensor } from './cost-model';
export { PER_ELEMENT, DATA_MOVEMENT } from './elementwise';
export type * from './types';
