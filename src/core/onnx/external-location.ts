// The rule for external-data locations: a path relative to the model's folder that stays inside it.
// The host re-checks after resolving symlinks; this is the part that needs no file system.
import { ExternalDataError } from '../errors';

export function checkExternalLocation(location: string, tensorName: string): void {
  const refuse = (why: string): never => {
    throw new ExternalDataError(
      `tensor '${tensorName}' keeps its data in '${location}', which ${why}: ` +
        `external data must be a relative path inside the model's folder (move the file there and fix the location)`,
    );
  };
  if (location.length === 0) refuse('is empty');
  if (location.includes('\0')) refuse('contains a NUL byte');
  if (location.startsWith('/') || location.startsWith('\\') || /^[A-Za-z]:/.test(location)) refuse('is absolute');
  if (location.split(/[\\/]/).some((part) => part === '..')) refuse("leaves the model's folder through '..'");
}
