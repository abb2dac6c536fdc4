// Writes NumPy .npy files (format 1.0) for tests and benchmarks that feed inputs from files.

export function npyInt64Scalar(value: bigint): Buffer {
  let header = "{'descr': '<i8', 'fortran_order': False, 'shape': (), }";
  header += ' '.repeat(63 - ((10 + header.length) % 64)) + '\n';
  const head = Buffer.alloc(10);
  head.write('\x93NUMPY', 0, 'latin1');
  head[6] = 1;
  head[7] = 0;
  head.writeUInt16LE(header.length, 8);
  const data = Buffer.alloc(8);
  data.writeBigInt64LE(value);
  return Buffer.concat([head, Buffer.from(header, 'latin1'), data]);
}
