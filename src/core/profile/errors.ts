// Errors of measuring: the runtime could not load or run the model, the worker crashed, hung or was
// cancelled, or the profile it should have written is missing.
import { LayerLensError } from '../errors';

export class ProfileError extends LayerLensError {
  readonly exitCode = 1;
}
