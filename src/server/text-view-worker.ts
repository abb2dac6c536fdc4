// Loads a model file and prints its text form in a worker thread, so that reading and decoding a
// large model never blocks the language server's main thread. One message in ({path}), one out.
import { parentPort } from 'node:worker_threads';
import { LayerLensError } from '../core/errors';
import { printModel } from '../core/onnx/text/printer';
import { loadModelFile } from '../node/model-file';

parentPort?.on('message', (msg: { path: string }) => {
  try {
    const { model } = loadModelFile(msg.path);
    parentPort!.postMessage({ text: printModel(model).text });
  } catch (e) {
    parentPort!.postMessage({ error: e instanceof LayerLensError ? `${e.name}: ${e.message}` : String((e as Error)?.message ?? e) });
  }
});
