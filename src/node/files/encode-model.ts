// A model as the bytes of its files: the .onnx protobuf, and the external data file its external
// tensors are written to (each tensor page-aligned, as ONNX's own writer does), named by the caller.
// Also saveModel, which writes both atomically for callers with no input to protect (compile).
import { basename, dirname, join } from 'node:path';
import type { Model } from '../../core/ir/model';
import { Tensor } from '../../core/ir/tensor';
import { writeModel } from '../../core/onnx/writer';
import { writeFileAtomic } from './atomic-file';
import { tensorSlots } from './model-tensors';

export interface EncodedModel {
  proto: Uint8Array;
  /** The external data file's chunks (null when no tensor is external). */
  data: Uint8Array[] | null;
  externalBytes: number;
}

/** Whether saving `model` writes an external data file. */
export function hasExternalTensors(model: Model): boolean {
  return tensorSlots(model).some((s) => s.tensor.isExternal);
}

/**
 * Encodes `model`; tensors that were external go to one data file the protobuf calls `dataName`
 * (a base name: the data file lies beside the model). The model itself is left as it was.
 */
export function encodeModel(model: Model, dataName: string): EncodedModel {
  const external = tensorSlots(model).filter((s) => s.tensor.isExternal);
  if (external.length === 0) return { proto: writeModel(model), data: null, externalBytes: 0 };
  const chunks: Uint8Array[] = [];
  let offset = 0;
  const placed = new Map<Tensor, Tensor>(); // a tensor held in two slots is written once
  for (const { tensor: t } of external) {
    if (placed.has(t)) continue;
    const data = t.rawBytes();
    const pad = (4096 - (offset % 4096)) % 4096;
    if (pad) chunks.push(new Uint8Array(pad));
    offset += pad;
    const entries: [string, string][] = [['location', dataName], ['offset', String(offset)], ['length', String(data.length)]];
    placed.set(t, new Tensor(t.name, t.dataType, t.dims, { kind: 'external', ref: { location: dataName, offset, length: data.length, entries }, reader: null }, t.docString, t.metadata));
    chunks.push(data);
    offset += data.length;
  }
  // Swap in the new references only for encoding, then restore the model as it was.
  for (const s of external) s.replace(placed.get(s.tensor)!);
  try {
    return { proto: writeModel(model), data: chunks, externalBytes: offset };
  } finally {
    for (const s of external) s.replace(s.tensor);
  }
}

/**
 * Saves `model` to `path` atomically; external tensors go to `<path>.data` (also atomically, first).
 * For files made from nothing the user has (compile); a rewrite of a model goes through write-model.ts.
 */
export function saveModel(model: Model, path: string): { bytes: number; externalBytes: number } {
  const enc = encodeModel(model, `${basename(path)}.data`);
  if (enc.data) writeFileAtomic(join(dirname(path), `${basename(path)}.data`), enc.data);
  writeFileAtomic(path, [enc.proto]);
  return { bytes: enc.proto.length, externalBytes: enc.externalBytes };
}
