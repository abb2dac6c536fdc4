// Writing models without ever damaging a user's file: bytes go to a temp file in the target folder,
// are flushed to disk, then renamed over the target (atomic on one file system). Tensors kept in
// external data are written to `<output>.data` beside the output, so the result stands on its own.
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Model } from '../core/ir/model';
import { Tensor } from '../core/ir/tensor';
import { writeModel } from '../core/onnx/writer';

export function writeFileAtomic(path: string, chunks: Uint8Array[]): void {
  const tmp = join(dirname(path), `.${basename(path)}.tmp-${process.pid}-${Date.now()}`);
  const fd = openSync(tmp, 'w');
  try {
    for (const c of chunks) {
      let off = 0;
      while (off < c.length) off += writeSync(fd, c, off, c.length - off);
    }
    fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw e;
  }
  closeSync(fd);
  renameSync(tmp, path);
}

/** Saves `model` to `path` atomically; external tensors go to `<path>.data` (also atomically). */
export function saveModel(model: Model, path: string): { bytes: number; externalBytes: number } {
  const external: { t: Tensor; index: number }[] = [];
  for (const g of graphs(model)) g.initializers.forEach((t, index) => t.isExternal && external.push({ t, index }));
  if (external.length === 0) {
    const bytes = writeModel(model);
    writeFileAtomic(path, [bytes]);
    return { bytes: bytes.length, externalBytes: 0 };
  }
  const location = `${basename(path)}.data`;
  const chunks: Uint8Array[] = [];
  let offset = 0;
  const replaced = new Map<Tensor, Tensor>();
  for (const { t } of external) {
    const data = t.rawBytes();
    const pad = (4096 - (offset % 4096)) % 4096; // page-align each tensor, as ONNX's own writer does
    if (pad) chunks.push(new Uint8Array(pad));
    offset += pad;
    const ref = { location, offset, length: data.length, entries: [['location', location], ['offset', String(offset)], ['length', String(data.length)]] as [string, string][] };
    replaced.set(t, new Tensor(t.name, t.dataType, t.dims, { kind: 'external', ref, reader: null }, t.docString, t.metadata));
    chunks.push(data);
    offset += data.length;
  }
  writeFileAtomic(join(dirname(path), location), chunks);
  // Swap in the new references only for writing, then restore the model as it was.
  const swaps: { g: ReturnType<typeof graphs>[number]; index: number; old: Tensor }[] = [];
  for (const g of graphs(model)) {
    g.initializers.forEach((t, index) => {
      const n = replaced.get(t);
      if (n) {
        swaps.push({ g, index, old: t });
        g.initializers[index] = n;
      }
    });
  }
  try {
    const bytes = writeModel(model);
    writeFileAtomic(path, [bytes]);
    return { bytes: bytes.length, externalBytes: offset };
  } finally {
    for (const s of swaps) s.g.initializers[s.index] = s.old;
  }
}

function graphs(model: Model): Model['graph'][] {
  const out = [model.graph];
  for (const n of model.graph.allNodes()) out.push(...n.subgraphs());
  return out;
}
