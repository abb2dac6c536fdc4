// What the reader derives for nodes beyond their proto: ONNX Runtime's name for an unnamed node,
// and the tensor a Constant node produces (from whichever value attribute it carries).
import { DataType } from '../ir/data-type';
import type { Graph, Node } from '../ir/graph';
import { Tensor } from '../ir/tensor';

/** Unnamed nodes take ONNX Runtime's name: `<OpType>_<k>`, k counting non-Constant nodes in file order. */
export function nameNodes(g: Graph): void {
  let k = 0;
  let j = 0;
  for (const n of g.nodes) {
    const isConstant = n.opType === 'Constant' && n.domain === '';
    // Constant nodes never run in ORT (they become initializers), so their names only need to be unique.
    if (!n.name) n.displayName = isConstant ? `Constant_${j}` : `${n.opType}_${k}`;
    if (isConstant) j++;
    else k++;
  }
}

/** The tensor a Constant node produces, from whichever value attribute it carries. */
export function constantOf(n: Node): Tensor | undefined {
  const name = n.outputs[0]?.name ?? n.displayName;
  for (const a of n.attributes) {
    switch (a.name) {
      case 'value':
        if (a.kind === 'tensor') {
          return new Tensor(name, a.value.dataType, a.value.dims, a.value.storage);
        }
        break;
      case 'sparse_value':
        return undefined;
      case 'value_float':
        return Tensor.fromNumbers(name, DataType.FLOAT, [], [n.attrFloat('value_float', 0)]);
      case 'value_floats':
        if (a.kind === 'floats') return Tensor.fromNumbers(name, DataType.FLOAT, [a.value.length], a.value);
        break;
      case 'value_int':
        if (a.kind === 'int') return new Tensor(name, DataType.INT64, [], { kind: 'int64', values: [a.value] });
        break;
      case 'value_ints':
        if (a.kind === 'ints') return new Tensor(name, DataType.INT64, [a.value.length], { kind: 'int64', values: a.value });
        break;
      case 'value_string':
        if (a.kind === 'string') return new Tensor(name, DataType.STRING, [], { kind: 'string', values: [a.value] });
        break;
      case 'value_strings':
        if (a.kind === 'strings') {
          return new Tensor(name, DataType.STRING, [a.value.length], { kind: 'string', values: a.value });
        }
        break;
    }
  }
  return undefined;
}
