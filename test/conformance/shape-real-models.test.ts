// Every intermediate tensor of the real models of test/models.json against ONNX Runtime: ORT runs a
// copy that lists every node output as a graph output (the If branches it takes inlined, see
// shape-oracle.ts), and each tensor's inferred shape must equal the shape ORT produced; a shape may
// stay unknown only where it depends on an input's values (listed per model, with the reason), and
// every value folded during inference must equal what ORT computed. Bindings come from the manifest.
// Prints known/total per model.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { DataType } from '../../src/core/ir/data-type';
import { formatShape, isConcrete } from '../../src/core/ir/shape';
import { loadModelFile } from '../../src/node/model-file';
import { inferShapes } from '../../src/core/shape';
import { manifest, realModelPath } from '../support/models';
import { makeInputs, ort } from '../support/ort';
import { observeShapes, sameValues } from './shape-oracle';

interface Extra {
  /** Scalar inputs ORT needs with a given value (their shape is not what matters). */
  values?: Record<string, bigint>;
  /** Values whose shape depends on an input's values, and why. */
  dataDependent?: { names: string[]; why: string };
}

/** What a model needs beyond the manifest's bindings. */
const EXTRAS: Record<string, Extra> = {
  'silero-vad-v5.onnx': {
    values: { sr: 16000n },
    dataDependent: { names: ['output', 'stateN'], why: "the If on the value of 'sr' picks the 16 kHz or the 8 kHz branch, whose outputs differ" },
  },
  'silero-vad-legacy.onnx': { values: { sr: 16000n } },
};

for (const m of manifest()) {
  test(`${m.file}: every intermediate shape equals ONNX Runtime's, every folded value too`, async () => {
    const c = EXTRAS[m.file] ?? {};
    const path = realModelPath(m.file);
    const { model } = loadModelFile(path);
    const shapes = inferShapes(model, m.bindings ?? {});
    const specs = model.graph.inputs
      .filter((v) => !v.initializer && !(v.name in (c.values ?? {})))
      .map((v) => {
        const t = shapes.typeOf(v);
        assert.ok(t?.kind === 'tensor' && isConcrete(t.shape), `input ${v.name} bound`);
        return { name: v.name, elemType: t.elemType, shape: [...t.shape] };
      });
    const feeds = makeInputs(specs);
    for (const [name, value] of Object.entries(c.values ?? {})) {
      const v = model.graph.inputs.find((i) => i.name === name)!;
      assert.equal(v.type?.kind === 'tensor' && v.type.elemType, DataType.INT64);
      feeds[name] = new ort.Tensor('int64', BigInt64Array.from([value]), []);
    }
    const observed = await observeShapes(readFileSync(path), model, feeds);
    let known = 0;
    let folded = 0;
    const unknown: string[] = [];
    for (const o of observed) {
      const got = shapes.shapeOf(o.value);
      if (!isConcrete(got)) {
        unknown.push(o.value.name);
        continue;
      }
      known++;
      assert.deepEqual(got, o.dims, `${o.node}: '${o.value.name}' inferred ${formatShape(got)}, ORT ${formatShape(o.dims)}`);
      const k = shapes.info(o.value)?.constant;
      if (k) {
        folded++;
        assert.ok(sameValues(k, o.data), `${o.node}: folded '${o.value.name}' differs from ORT's`);
      }
    }
    console.log(`${m.file}: ${known}/${observed.length} tensors ORT computed have known shapes (${folded} folded values checked)`);
    assert.deepEqual(unknown.sort(), [...(c.dataDependent?.names ?? [])].sort(), `unknown shapes; allowed only: ${c.dataDependent?.why ?? 'none'}`);
    assert.ok(observed.length >= model.graph.nodes.length - 5, `ORT returned ${observed.length} tensors`);
  });
}
