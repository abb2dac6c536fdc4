// TFLite (LiteRT) models: the public surface. readTflite(bytes) -> Model; isTfliteBytes for sniffing.
export { readTflite, isTfliteModel, type TfliteReadOptions } from './reader';
export { isTfliteBytes, isTfliteDomain, tfliteUnsupported, TFLITE_DOMAIN, TFLITE_CUSTOM_DOMAIN, TFLITE_SUBGRAPH_DOMAIN } from './format';
