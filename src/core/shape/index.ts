// Shape inference: public entry points.
export { inferShapes } from './infer';
export type * from './types';
