// A whole model: metadata, opsets, the main graph, model-local functions.
import type { Attribute } from './attribute';
import type { Graph } from './graph';
import type { ExternalDataReader } from './tensor';

export interface OpsetImport {
  domain: string;
  version: number;
}

/** A model-local function (FunctionProto): a named body called by nodes of `domain`/`name`. */
export interface FunctionDef {
  name: string;
  domain: string;
  overload: string;
  inputs: string[];
  outputs: string[];
  /** Names of attributes without defaults, and attributes with defaults. */
  attributeNames: string[];
  attributeDefaults: Attribute[];
  body: Graph;
  opsetImports: OpsetImport[];
  docString: string;
  metadata: [string, string][];
}

export class Model {
  irVersion = 0;
  opsetImports: OpsetImport[] = [];
  producerName = '';
  producerVersion = '';
  domain = '';
  modelVersion = 0;
  docString = '';
  metadata: [string, string][] = [];
  functions: FunctionDef[] = [];
  /** training_info kept as encoded bytes: we neither analyse nor change it, only keep it on save. */
  trainingInfo: Uint8Array[] = [];
  /** Reads external data; set by the host that loaded the model from a folder. */
  externalData: ExternalDataReader | null = null;
  /** What reading the file found that ONNX Runtime tolerates with a warning (duplicate initializers...): shown with the analysis. */
  warnings: string[] = [];

  constructor(public graph: Graph) {}

  /** Opset version imported for `domain` ('' and 'ai.onnx' are the same domain). */
  opset(domain = ''): number | undefined {
    const d = domain === 'ai.onnx' ? '' : domain;
    return this.opsetImports.find((o) => (o.domain === 'ai.onnx' ? '' : o.domain) === d)?.version;
  }

  findFunction(domain: string, name: string, overload = ''): FunctionDef | undefined {
    return this.functions.find((f) => f.domain === domain && f.name === name && f.overload === overload);
  }
}
