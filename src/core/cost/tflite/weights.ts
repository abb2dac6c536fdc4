// Which constant inputs of a TFLite operator are parameters: the rule of docs/cost-model.md with
// TFLite's own marker of quantized data. TFLite keeps quantization parameters on every quantized
// tensor, so an integer constant is a parameter exactly when it carries them: int8/int16 weights,
// int32 biases (scale = input scale × weight scale). Integer constants without them are shapes,
// axes, paddings, permutations and indices (RESHAPE's shape, PAD's paddings...), never parameters.
// Float constants always are, except in control slots (PADV2's pad value, RANGE's bounds, ONE_HOT's
// depth and values), as in ONNX.
import { DataType, isFloatType } from '../../ir/data-type';
import type { Node } from '../../ir/graph';
import { isTfliteDomain } from '../../tflite/format';

const CONTROL_SLOTS: Record<string, readonly number[]> = {
  PADV2: [2],
  RANGE: [0, 1, 2],
  ONE_HOT: [1, 2, 3],
};

/** Whether the node is a TFLite operator (builtin or custom), whose parameters follow this rule. */
export function isTfliteNode(node: Node): boolean {
  return isTfliteDomain(node.domain);
}

/** Whether input `index` of a TFLite node, a constant of element type `type`, is a parameter. */
export function isTfliteParameter(node: Node, index: number, type: DataType): boolean {
  if (CONTROL_SLOTS[node.opType]?.includes(index)) return false;
  if (isFloatType(type)) return true;
  if (type === DataType.BOOL || type === DataType.STRING) return false;
  return node.inputs[index]?.quantization != null;
}
