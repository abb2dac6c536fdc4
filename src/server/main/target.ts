// The target device the editor predicts latency for: the `layerlens.target` setting (a catalog id
// such as `rpi5`, or a device-profile file, absolute or relative to a workspace folder), or a
// request's own `target`. Profile files are read only inside the workspace or when opened (access.ts),
// parsed and checked (DeviceProfileError), and kept until their modification time changes.
import { existsSync, statSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { catalogDevice, type DeviceProfile } from '../../core/predict';
import { loadDeviceProfile } from '../../node/device-profiles';
import { checkAccess, workspaceFolders } from './access';

let setting = '';
const cache = new Map<string, { mtimeMs: number; profile: DeviceProfile }>();

/** The setting changed; returns whether it did. */
export function setTarget(value: unknown): boolean {
  const next = typeof value === 'string' ? value.trim() : '';
  if (next === setting) return false;
  setting = next;
  return true;
}

/** The profile for `spec` (a request's target, else the setting); null when neither names a target. */
export function targetProfile(spec?: string): DeviceProfile | null {
  const s = (spec ?? setting).trim();
  if (!s) return null;
  if (catalogDevice(s)) return loadDeviceProfile(s);
  let path = s;
  if (!isAbsolute(path)) path = workspaceFolders().map((f) => join(f, s)).find((p) => existsSync(p)) ?? join(workspaceFolders()[0] ?? '.', s);
  const checked = checkAccess(pathToFileURL(path).href, 'layerlens.target');
  const mtimeMs = existsSync(checked) ? statSync(checked).mtimeMs : -1;
  const hit = cache.get(checked);
  if (hit && hit.mtimeMs === mtimeMs) return hit.profile;
  const profile = loadDeviceProfile(checked);
  cache.set(checked, { mtimeMs, profile });
  return profile;
}
