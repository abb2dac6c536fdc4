// Typed errors a user can meet. Each names what is wrong, where, and what to do about it; the CLI
// prints `Name: message` without a stack and maps `exitCode` to its own exit status.

export abstract class LayerLensError extends Error {
  /** 1 = the model (or a file it refers to) is bad; 2 = the request is malformed. */
  abstract readonly exitCode: 1 | 2;
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** The bytes are not a readable ONNX model: truncated, corrupt, or some other protobuf. */
export class ModelFormatError extends LayerLensError {
  readonly exitCode = 1;
  constructor(
    message: string,
    readonly byteOffset?: number,
  ) {
    super(message);
  }
}

/** The model decodes but its graph is not valid: cycles, dangling inputs, impossible tensors. */
export class ModelGraphError extends LayerLensError {
  readonly exitCode = 1;
  constructor(
    message: string,
    readonly where?: string,
  ) {
    super(message);
  }
}

/** An external-data reference that cannot be honoured (outside the model folder, missing, short). */
export class ExternalDataError extends LayerLensError {
  readonly exitCode = 1;
}

/** Shapes that cannot hold: incompatible broadcasts, absurd sizes, bindings that contradict the model. */
export class ShapeError extends LayerLensError {
  readonly exitCode = 1;
}

/** A malformed request: bad flags, bindings for inputs the model lacks. */
export class UsageError extends LayerLensError {
  readonly exitCode = 2;
}

/**
 * The file system refused a read or a write (no permission, read-only, disk full, a folder where a
 * file was expected, a missing folder…). Names the path and what to do; nothing half-written is left.
 */
export class FileSystemError extends LayerLensError {
  readonly exitCode = 1;
  constructor(
    message: string,
    readonly path: string,
    /** The system's error code (EACCES, ENOSPC, …), when there is one. */
    readonly code?: string,
  ) {
    super(message);
  }
}

/** A write that would replace a file the input model reads (its own file or its external data). */
export class WriteConflictError extends UsageError {}

/**
 * The model is beyond a limit LayerLens keeps (file size, nesting depth): not corrupt, but not read.
 * The message names the limit, the real reason for it and, where it can be raised, how.
 */
export class ModelLimitError extends LayerLensError {
  readonly exitCode = 1;
}

/** A file outside what the caller may read or write (the language server: its workspace folders and the documents and models its client opened). */
export class FileAccessError extends LayerLensError {
  readonly exitCode = 2;
}

/** A worker process stopped while working on a model: out of memory, over its time limit, or crashed. */
export class ModelWorkerError extends LayerLensError {
  readonly exitCode = 1;
}
