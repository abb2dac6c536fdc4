// The IR's public surface.
export * from './attribute';
export * from './data-type';
export * from './dims';
export * from './graph';
export * from './graph-order';
export * from './model';
export * from './quantization';
export * from './shape';
export * from './sparse-tensor';
export * from './tensor';
