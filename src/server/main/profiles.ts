// The latest profile of each model file, so that hovers on its text view can show measured latency.
import type { ProfileResult } from '../../protocol/requests';

const latest = new Map<string, ProfileResult>();

export function rememberProfile(modelUri: string, r: ProfileResult): void {
  latest.set(modelUri, r);
}

export function profileOf(modelUri: string | null): ProfileResult | undefined {
  return modelUri ? latest.get(modelUri) : undefined;
}
