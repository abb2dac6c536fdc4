// Renaming a model's external data file means changing the `location` its tensors name. This edits
// exactly that in the protobuf (decoded and re-encoded with the generated binding, which keeps every
// other field and unknown fields as they were), for every tensor anywhere in the model: graph and
// sparse initializers, Constant and other tensor attributes, subgraphs, functions, training info.
import { fromBinary, toBinary } from '@bufbuild/protobuf';
import { ModelFormatError } from '../../core/errors';
import { ModelProtoSchema, type AttributeProto, type GraphProto, type NodeProto, type SparseTensorProto, type TensorProto } from '../../core/onnx/gen/layerlens/onnx/onnx_pb';

/**
 * The protobuf `proto` with every external-data location `from` replaced by `to`; `count` is the number
 * of tensors changed.
 */
export function relocateExternalData(proto: Uint8Array, from: string, to: string): { proto: Uint8Array; count: number } {
  let m;
  try {
    m = fromBinary(ModelProtoSchema, proto);
  } catch (e) {
    throw new ModelFormatError(`the written model cannot be read back to rename its data file (${(e as Error).message})`);
  }
  let count = 0;
  const tensor = (t: TensorProto | undefined): void => {
    if (!t) return;
    for (const e of t.externalData) {
      if (e.key === 'location' && e.value === from) {
        e.value = to;
        count++;
      }
    }
  };
  const sparse = (s: SparseTensorProto | undefined): void => {
    tensor(s?.values);
    tensor(s?.indices);
  };
  const attribute = (a: AttributeProto): void => {
    tensor(a.t);
    a.tensors.forEach(tensor);
    sparse(a.sparseTensor);
    a.sparseTensors.forEach(sparse);
    if (a.g) graph(a.g);
    a.graphs.forEach(graph);
  };
  const nodes = (ns: NodeProto[]): void => ns.forEach((n) => n.attribute.forEach(attribute));
  function graph(g: GraphProto | undefined): void {
    if (!g) return;
    g.initializer.forEach(tensor);
    g.sparseInitializer.forEach(sparse);
    nodes(g.node);
  }
  graph(m.graph);
  for (const f of m.functions) {
    nodes(f.node);
    f.attributeProto.forEach(attribute);
  }
  for (const ti of m.trainingInfo) {
    graph(ti.initialization);
    graph(ti.algorithm);
  }
  return { proto: toBinary(ModelProtoSchema, m), count };
}
