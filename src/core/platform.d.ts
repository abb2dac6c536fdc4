// The few platform APIs core relies on, which every JavaScript host (Node, browsers, workers) has.
// core compiles with "types": [] so that nothing Node-specific can creep in; these are declared here.
declare class TextDecoder {
  constructor(label?: string, options?: { fatal?: boolean });
  decode(input?: Uint8Array): string;
}
declare class TextEncoder {
  encode(input?: string): Uint8Array;
}
declare const performance: { now(): number };
interface AbortSignal {
  readonly aborted: boolean;
  addEventListener(type: 'abort', listener: () => void): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}
