// NumPy .npy files for tests and benchmarks that feed inputs from files, written by the product's own
// writer (src/node/compress/samples.ts), which the reader of --inputs-from reads back.
import { DataType } from '../../src/core/ir/data-type';
import { npyBytes } from '../../src/node/compress/samples';

export function npyInt64Scalar(value: bigint): Buffer {
  const bytes = new Uint8Array(8);
  new DataView(bytes.buffer).setBigInt64(0, value, true);
  return Buffer.from(npyBytes({ name: 'scalar', elemType: DataType.INT64, shape: [], bytes }));
}
