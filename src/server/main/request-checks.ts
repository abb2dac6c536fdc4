// Checks of request parameters that come from clients (the extension, settings a user typed): a bad
// value is a UsageError saying what is expected, never a crash or a silent default.
import { UsageError } from '../../core/errors';
import type { DimBindings } from '../../protocol/rpc';

/**
 * Dim bindings must be an object of whole numbers >= 0. Names a model lacks are left out per model
 * (shared/dims.ts). Messages name the editor's setting, where the values come from.
 */
export function checkDims(dims: unknown): DimBindings {
  if (dims === undefined || dims === null) return {};
  if (typeof dims !== 'object' || Array.isArray(dims)) throw new UsageError(`dims (the layerlens.dims setting) must be an object such as { "batch": 1 }, not ${JSON.stringify(dims)}`);
  const out: DimBindings = {};
  for (const [name, v] of Object.entries(dims as Record<string, unknown>)) {
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) {
      throw new UsageError(`"${name}": ${JSON.stringify(v)} in dims (the layerlens.dims setting): every size must be a whole number >= 0 (and below 2^53), e.g. "${name}": 1`);
    }
    out[name] = v;
  }
  return out;
}

/** An optional whole number in [min, max]; `what` names the parameter in the message. */
export function checkCount(value: unknown, what: string, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new UsageError(`${what} = ${JSON.stringify(value)}: expected a whole number from ${min} to ${max}`);
  }
  return value;
}
