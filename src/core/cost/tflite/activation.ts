// TFLite's fused activations (fused_activation_function on CONV_2D, ADD, FULLY_CONNECTED, pools...)
// priced per output element as the standalone ops in docs/cost-model.md's per-element table:
// RELU 1 (Relu), RELU6 and RELU_N1_TO_1 2 (Clip: min then max), TANH 1 (Tanh), SIGN_BIT 1 (Sign).
import type { CostContext } from '../context';
import { PER_ELEMENT } from '../elementwise';

const FUSED: Record<string, string> = { RELU: 'Relu', RELU6: 'Clip', RELU_N1_TO_1: 'Clip', TANH: 'Tanh', SIGN_BIT: 'Sign' };

/** FLOPs per output element of the node's fused activation (0 for NONE or none given). */
export function activationPerElement(c: CostContext): number {
  const a = c.node.attrString('fused_activation_function', 'NONE');
  const onnx = FUSED[a];
  return onnx ? (PER_ELEMENT[onnx] ?? 0) : 0;
}
