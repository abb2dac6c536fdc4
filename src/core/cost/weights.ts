// Which constant inputs are parameters (weights). The rule, as in docs/cost-model.md:
// an input of a node is a parameter when
//   1. it holds a constant tensor: an initializer (also one an old IR also lists as a graph input),
//      a sparse initializer, or the output of a Constant node (PaddleOCR keeps every weight there);
//   2. its element type is a float type of any width, or an integer type other than int64 read by a
//      quantized op (QLinear*, *Integer, DequantizeLinear, MatMulNBits, ...): quantized weights,
//      int32 biases, zero points. int64, bool and string constants never are (shapes, axes, indices);
//   3. it does not sit in a control slot: an input that steers the op rather than feeding its
//      arithmetic (Resize scales/roi, Clip bounds, Pad value, Dropout ratio, Range bounds, the initial
//      states of LSTM/GRU/RNN, OneHot values, NonMaxSuppression thresholds).
import { DataType, isFloatType, storageBytes } from '../ir/data-type';
import type { Node, Value } from '../ir/graph';
import type { Tensor } from '../ir/tensor';
import { opKey } from './context';
import { isTfliteNode, isTfliteParameter } from './tflite/weights';

/** Ops that read quantized integer weights, biases or zero points. */
const QUANTIZED_OP =
  /^(com\.microsoft:)?(QLinear\w+|\w+Integer|DequantizeLinear|MatMulNBits|MatMulBnb4|DynamicQuantizeMatMul|QGemm|QAttention|QOrderedMatMul|MatMulIntegerToFloat|GatherBlockQuantized|DequantizeBFP|DequantizeWithOrder)$/;

/** Inputs that steer an op instead of feeding its arithmetic (registry keys -> input indices). */
const CONTROL_SLOTS: Record<string, readonly number[]> = {
  Resize: [1, 2, 3],
  Upsample: [1],
  Clip: [1, 2],
  Pad: [1, 2, 3],
  Dropout: [1, 2],
  Range: [0, 1, 2],
  ConstantOfShape: [0],
  OneHot: [1, 2],
  LSTM: [4, 5, 6],
  GRU: [4, 5],
  RNN: [4, 5],
  NonMaxSuppression: [2, 3, 4],
  CenterCropPad: [1],
};

/** What a weight input holds: the tensor (identity for de-duplication), its elements and stored bytes. */
export interface Weight {
  /** The tensor object; a shared weight is the same object wherever it is read. */
  tensor: Tensor;
  elements: number;
  bytes: number;
}

function constantOf(v: Value): { tensor: Tensor; elements: number; bytes: number } | null {
  const t = v.constant ?? v.initializer;
  if (t) return { tensor: t, elements: t.elementCount, bytes: t.byteLength };
  const s = v.sparseInitializer;
  if (s) {
    // A sparse weight counts its dense elements; its bytes are what is stored (values and indices).
    let n = 1;
    for (const d of s.dims) n *= d;
    return { tensor: s.values, elements: n, bytes: s.values.byteLength + s.indices.byteLength };
  }
  return null;
}

/** The weight behind input `index` of `node`, or null when that input is not a parameter. */
export function weightOf(node: Node, index: number): Weight | null {
  const v = node.inputs[index];
  if (!v) return null;
  const c = constantOf(v);
  if (!c) return null;
  const type = c.tensor.dataType;
  if (isTfliteNode(node)) return isTfliteParameter(node, index, type) ? c : null;
  const key = opKey(node.domain, node.opType);
  if (CONTROL_SLOTS[key]?.includes(index)) return null;
  if (isFloatType(type)) return c;
  if (type === DataType.INT64 || type === DataType.UINT64 || type === DataType.BOOL || type === DataType.STRING) return null;
  if (storageBytes(type, 1) === undefined) return null;
  return QUANTIZED_OP.test(key) ? c : null;
}

/** The weight tensor behind input `v` of `consumer` (first slot reading it), or null. */
export function weightTensor(v: Value | null, consumer: Node): Tensor | null {
  if (!v) return null;
  const i = consumer.inputs.indexOf(v);
  return i < 0 ? null : (weightOf(consumer, i)?.tensor ?? null);
}
