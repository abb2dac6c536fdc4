// The device-profile file: versioned, checked before use, refused with a typed error that says what
// to do (never read as zeros); the fusion observations switch rules off only when never applied.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { catalogDevice, catalogProfile } from './catalog';
import { DEVICE_PROFILE_SCHEMA, DEVICE_PROFILE_VERSION, DeviceProfileError, disabledRules, parseDeviceProfile } from './device-profile';

const good = (): Record<string, unknown> => JSON.parse(JSON.stringify(catalogProfile(catalogDevice('rpi5')!)));

test('a profile written as JSON parses back to the same profile', () => {
  const p = good();
  assert.equal(p.schema, DEVICE_PROFILE_SCHEMA);
  assert.equal(p.version, DEVICE_PROFILE_VERSION);
  assert.deepEqual(parseDeviceProfile(JSON.stringify(p)), p);
});

test('refused with a DeviceProfileError naming the problem: not JSON, another schema, another version, bad figures', () => {
  const bad = (text: string, re: RegExp): void => assert.throws(() => parseDeviceProfile(text, 'dev.json'), (e: Error) => e instanceof DeviceProfileError && re.test(e.message));
  bad('{"schema": ', /dev\.json is not JSON/);
  bad(JSON.stringify({ ...good(), schema: 'something' }), /not a LayerLens device profile/);
  bad(JSON.stringify({ ...good(), version: 0 }), /version 0.*calibrate the device again/);
  bad(JSON.stringify({ ...good(), roofline: { peakGflops: 0, bandwidthGBs: 1, kernelOverheadUs: 1 } }), /peakGflops > 0/);
  const p = good() as { predictors: Record<string, { regimes: { coef: { fixedUs: number } }[] }> };
  p.predictors.gemm!.regimes[0]!.coef.fixedUs = -1;
  bad(JSON.stringify(p), /predictors\.gemm\.regimes\[0\]\.coef/);
  bad(JSON.stringify({ ...good(), predictors: { 'not-a-class': good().generic } }), /unknown kernel class "not-a-class"/);
});

test('a fusion rule is switched off for a device only when its ORT never applied it on the samples', () => {
  const p = parseDeviceProfile(JSON.stringify({ ...good(), fusions: [{ rule: 'qdq', applied: 0, notApplied: 3 }, { rule: 'conv-activation', applied: 10, notApplied: 2 }, { rule: 'gelu', applied: 0, notApplied: 0 }] }));
  assert.deepEqual([...disabledRules(p)], ['qdq']);
});
