// Where a target device's profile comes from: a catalog id (`rpi5`: an estimate from published
// figures, src/core/predict/catalog.ts) or a device-profile file written by `layerlens calibrate`.
import { readFileSync } from 'node:fs';
import { UsageError } from '../core/errors';
import { CATALOG, catalogDevice, catalogProfile, parseDeviceProfile, type DeviceProfile } from '../core/predict';
import { guard } from './files/fs-error';

/** The profile named by `spec`: a catalog id, else a path to a device-profile JSON file. */
export function loadDeviceProfile(spec: string): DeviceProfile {
  const d = catalogDevice(spec);
  if (d) return catalogProfile(d);
  if (!/[./\\]/.test(spec)) {
    throw new UsageError(`'${spec}' is neither a catalog device (${CATALOG.map((c) => c.id).join(', ')}) nor a device-profile file path`);
  }
  const text = guard('read', spec, () => readFileSync(spec, 'utf8'));
  return parseDeviceProfile(text, spec);
}
