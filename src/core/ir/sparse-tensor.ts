// Sparse constant tensors (COO): `values` holds the non-zeros, `indices` their positions, either as
// [nnz, rank] coordinates or as [nnz] linear indices.
import type { Tensor } from './tensor';

export class SparseTensor {
  constructor(
    public values: Tensor,
    public indices: Tensor,
    public dims: readonly number[],
  ) {}

  get name(): string {
    return this.values.name;
  }
}
