import { compressMethod } from './src/core/compress/methods';
import { measureSensitivity } from './src/node/compress/measure-sensitivity';
import { loadSamples } from './src/node/compress/samples';
import { loadModelFile } from './src/node/model-file';
import { analyzeModel } from './src/core/analysis/analyze';
import { inputSpecs } from './src/node/profile-model';
(async () => {
  for (const [f, kind, b] of [['hello-deepa', 'int8', {}], ['oww-embedding', 'int8-static', { inputs: { input_1: [1, 76, 32, 1] } }], ['ppocr-rec', 'int4', { inputs: { x: [1, 3, 48, 320] } }], ['blazeface-front', 'fp16', {}], ['hello-deepa', 'low-rank', {}]] as const) {
    const path = `.cache/models/${f}.onnx`;
    const model = loadModelFile(path).model;
    const specs = inputSpecs(analyzeModel(model, { bindings: b }).report);
    let ranges;
    if (kind === 'int8-static') { const { calibrate } = await import('./src/node/calibrate'); ranges = await calibrate(model, { method: 'minmax', samples: 2, inputs: specs, bindings: b }); }
    const t = performance.now();
    const r = await measureSensitivity({ model, path, samples: loadSamples(specs, {}), bindings: b, method: compressMethod(kind, { ranges }), onProgress: () => {} });
    console.log(f, kind, (performance.now() - t).toFixed(0), 'ms', 'full', r.full?.cosine);
    for (const l of r.layers.slice(0, 4)) console.log('  ', l.name, l.opType, l.ok, l.error?.cosine.toFixed(6), l.activation?.cosine.toFixed(5), l.activationInFullModel?.cosine.toFixed(5), l.sizeBytes, l.latencyShare?.toFixed(3), l.reason ?? '');
  }
})().catch((e) => { console.error(e); process.exit(1); });
