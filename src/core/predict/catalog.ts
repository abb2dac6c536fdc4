// Catalog of common targets: roofline estimates from published figures, labelled as estimates.
// Each device's peak is cores × clock × FP32 FLOPs per cycle per core (from the core's SIMD units:
// FMA = 2 FLOPs per lane), its bandwidth the memory's transfer rate × bus width; both are upper
// bounds no kernel reaches. A kernel is then estimated as
//   t = fixed + max(FLOPs / (peak · e_compute), bytes / (bandwidth · e_memory))
// with per-class efficiencies e (KERNEL_EFFICIENCY) and a fixed cost per kernel scaled from this
// project's x86 measurements by clock ratio. The efficiencies are assumptions: what ONNX Runtime's
// CPU kernels reached on the machine LayerLens was built on (an x86-64 AVX-512 server core, `npm
// run bench` prints them), taken to carry over to the target's cores. Calibrate the real device
// (`layerlens calibrate`, docs/prediction.md) for figures that are measured, not assumed.
import { DEVICE_PROFILE_SCHEMA, DEVICE_PROFILE_VERSION, type ClassPredictor, type DeviceProfile } from './device-profile';
import { KERNEL_CLASSES, type KernelClass } from './types';

interface Figure {
  value: number;
  derivation: string;
  source: string;
}

export interface CatalogDevice {
  id: string;
  name: string;
  cpu: string;
  arch: 'arm64' | 'x86_64';
  cores: number;
  /** Threads ORT would use (its default: one per core; 1 for a single-core estimate). */
  threads: number;
  peakGflops: Figure;
  bandwidthGBs: Figure;
  clockGHz: number;
  /** NCHWc block of ORT's x86 layout pass: 8 with AVX2, 1 on ARM (the pass is x86-64 only). */
  nchwcBlock: number;
  assumptions: string[];
}

export const CATALOG: readonly CatalogDevice[] = [
  {
    id: 'rpi4',
    name: 'Raspberry Pi 4 (Cortex-A72 ×4 @ 1.5 GHz)',
    cpu: 'Broadcom BCM2711, 4× Arm Cortex-A72',
    arch: 'arm64',
    cores: 4,
    threads: 4,
    clockGHz: 1.5,
    peakGflops: { value: 48, derivation: '4 cores × 1.5 GHz × 8 FLOP/cycle (one 128-bit NEON FMA per cycle: 4 lanes × 2)', source: 'Raspberry Pi 4 Model B product brief (1.5 GHz quad Cortex-A72); Arm Cortex-A72 Software Optimization Guide (ASIMD FMLA throughput)' },
    bandwidthGBs: { value: 12.8, derivation: 'LPDDR4-3200 on a 32-bit bus: 3200 MT/s × 4 bytes', source: 'Raspberry Pi 4 Model B datasheet (LPDDR4-3200 SDRAM)' },
    nchwcBlock: 1,
    assumptions: ['clock 1.5 GHz (boards since 2022 may run at 1.8 GHz: +20 % peak)', 'one 128-bit FMA per cycle per core', 'no thermal throttling'],
  },
  {
    id: 'rpi5',
    name: 'Raspberry Pi 5 (Cortex-A76 ×4 @ 2.4 GHz)',
    cpu: 'Broadcom BCM2712, 4× Arm Cortex-A76',
    arch: 'arm64',
    cores: 4,
    threads: 4,
    clockGHz: 2.4,
    peakGflops: { value: 153.6, derivation: '4 cores × 2.4 GHz × 16 FLOP/cycle (two 128-bit NEON FMA pipes: 2 × 4 lanes × 2)', source: 'Raspberry Pi 5 product brief (2.4 GHz quad Cortex-A76); Arm Cortex-A76 Software Optimization Guide' },
    bandwidthGBs: { value: 17.1, derivation: 'LPDDR4X-4267 on a 32-bit bus: 4267 MT/s × 4 bytes', source: 'Raspberry Pi 5 product brief (LPDDR4X-4267 SDRAM)' },
    nchwcBlock: 1,
    assumptions: ['two 128-bit FMA pipes per core issue every cycle', 'active cooling (no throttling)'],
  },
  {
    id: 'orin-nano-cpu',
    name: 'Jetson Orin Nano 8 GB, CPU (Cortex-A78AE ×6 @ 1.5 GHz)',
    cpu: 'NVIDIA Orin, 6× Arm Cortex-A78AE',
    arch: 'arm64',
    cores: 6,
    threads: 6,
    clockGHz: 1.5,
    peakGflops: { value: 144, derivation: '6 cores × 1.5 GHz × 16 FLOP/cycle (two 128-bit NEON FMA pipes)', source: 'NVIDIA Jetson Orin Nano series data sheet (6-core Cortex-A78AE, 1.5 GHz); Arm Cortex-A78AE technical overview' },
    bandwidthGBs: { value: 68, derivation: 'LPDDR5 at 4266 MT/s on a 128-bit bus: 4266 MT/s × 16 bytes = 68.3 GB/s (68 GB/s published; shared with the GPU)', source: 'NVIDIA Jetson Orin Nano series data sheet (8 GB, 128-bit LPDDR5, 68 GB/s)' },
    nchwcBlock: 1,
    assumptions: ['CPU only (the GPU is not used by ORT\'s CPU provider)', 'the GPU does not compete for memory bandwidth', '15 W power mode clocks'],
  },
  {
    id: 'a76-phone-core',
    name: 'Phone big core (one Cortex-A76 @ 2.84 GHz)',
    cpu: 'one Arm Cortex-A76 prime core (as in a Snapdragon 855)',
    arch: 'arm64',
    cores: 1,
    threads: 1,
    clockGHz: 2.84,
    peakGflops: { value: 45.4, derivation: '1 core × 2.84 GHz × 16 FLOP/cycle (two 128-bit NEON FMA pipes)', source: 'Qualcomm Snapdragon 855 product brief (prime core up to 2.84 GHz); Arm Cortex-A76 Software Optimization Guide' },
    bandwidthGBs: { value: 34.1, derivation: 'LPDDR4X-4266 on a 64-bit bus (4 × 16-bit channels): 4266 MT/s × 8 bytes', source: 'Qualcomm Snapdragon 855 product brief (LPDDR4X, 2133 MHz)' },
    nchwcBlock: 1,
    assumptions: ['ORT pinned to the one prime core (intraOpNumThreads 1)', 'one core can draw the whole memory bandwidth (it cannot: the memory-bound estimate is optimistic)', 'no thermal throttling'],
  },
  {
    id: 'x86-laptop',
    name: 'x86 laptop (4 cores, AVX2 + FMA @ 3.0 GHz)',
    cpu: '4-core x86-64 laptop CPU with AVX2 and FMA (e.g. an Intel Core i5/i7 of the Tiger Lake generation)',
    arch: 'x86_64',
    cores: 4,
    threads: 4,
    clockGHz: 3.0,
    peakGflops: { value: 384, derivation: '4 cores × 3.0 GHz × 32 FLOP/cycle (two 256-bit FMA units: 2 × 8 lanes × 2)', source: 'Intel 64 and IA-32 Architectures Optimization Reference Manual (two FMA ports per core)' },
    bandwidthGBs: { value: 51.2, derivation: 'dual-channel DDR4-3200: 2 channels × 3200 MT/s × 8 bytes', source: 'JEDEC DDR4-3200 transfer rate; a laptop with two SO-DIMMs' },
    nchwcBlock: 8,
    assumptions: ['3.0 GHz sustained all-core clock under load', 'AVX2 kernels (NCHWc block 8), no AVX-512', 'two memory channels populated'],
  },
];

/**
 * Efficiency of ORT's CPU kernels per class: share of peak reached when compute-bound, share of
 * bandwidth when memory-bound. Assumptions (see the module header), rounded from `npm run bench`'s
 * calibration on the build machine.
 */
export const KERNEL_EFFICIENCY: Record<KernelClass, { compute: number; memory: number }> = {
  'conv-nchwc': { compute: 0.55, memory: 0.5 },
  'conv-nchwc-1x1': { compute: 0.45, memory: 0.5 },
  'conv-nchwc-dw': { compute: 0.1, memory: 0.5 },
  conv: { compute: 0.35, memory: 0.4 },
  'conv-dw': { compute: 0.05, memory: 0.3 },
  'conv-transpose': { compute: 0.25, memory: 0.4 },
  gemm: { compute: 0.5, memory: 0.5 },
  elementwise: { compute: 0.1, memory: 0.6 },
  'elementwise-math': { compute: 0.05, memory: 0.5 },
  softmax: { compute: 0.05, memory: 0.4 },
  norm: { compute: 0.05, memory: 0.4 },
  reduce: { compute: 0.1, memory: 0.5 },
  pool: { compute: 0.1, memory: 0.4 },
  'pool-nchwc': { compute: 0.1, memory: 0.5 },
  resize: { compute: 0.05, memory: 0.3 },
  copy: { compute: 0.1, memory: 0.4 },
  reshape: { compute: 0.1, memory: 0.6 },
  reorder: { compute: 0.1, memory: 0.4 },
  cast: { compute: 0.1, memory: 0.4 },
  quantize: { compute: 0.05, memory: 0.3 },
  'conv-int8': { compute: 0.5, memory: 0.4 },
  'matmul-int8': { compute: 0.5, memory: 0.4 },
  'matmul-nbits': { compute: 0.3, memory: 0.4 },
  qlinear: { compute: 0.05, memory: 0.3 },
  recurrent: { compute: 0.1, memory: 0.3 },
  control: { compute: 0.1, memory: 0.3 },
  other: { compute: 0.05, memory: 0.3 },
};

/** Fixed cost per kernel at 3 GHz, µs (ORT's dispatch and threading; scaled by 3 GHz / clock). */
const FIXED_US_AT_3GHZ = 2;
/** Fixed cost per model run at 3 GHz, µs. */
const RUN_US_AT_3GHZ = 15;

function estimatePredictor(cls: KernelClass, fixedUs: number): ClassPredictor {
  const e = KERNEL_EFFICIENCY[cls];
  return {
    form: 'roofline-linear',
    combine: 'max',
    regimes: [{ upToRooflineUs: null, coef: { fixedUs, perComputeUs: 1 / e.compute, perMemoryUs: 1 / e.memory } }],
    samples: 0,
    validation: null,
    range: { flops: [0, Number.MAX_VALUE], bytes: [0, Number.MAX_VALUE] },
  };
}

/** The device profile of a catalog entry (kind 'estimate'). */
export function catalogProfile(d: CatalogDevice): DeviceProfile {
  const scale = 3 / d.clockGHz;
  const fixedUs = FIXED_US_AT_3GHZ * scale;
  const predictors: DeviceProfile['predictors'] = {};
  for (const c of KERNEL_CLASSES) predictors[c] = estimatePredictor(c, fixedUs);
  return {
    schema: DEVICE_PROFILE_SCHEMA,
    version: DEVICE_PROFILE_VERSION,
    kind: 'estimate',
    id: d.id,
    name: d.name,
    device: { cpu: d.cpu, cores: d.cores, arch: d.arch },
    runtime: { name: 'onnxruntime', version: 'any', executionProvider: 'CPUExecutionProvider', threads: d.threads, nchwcBlock: d.nchwcBlock },
    roofline: { peakGflops: d.peakGflops.value, bandwidthGBs: d.bandwidthGBs.value, kernelOverheadUs: fixedUs, source: 'published figures (see estimate.derivation)' },
    overhead: { perRunUs: RUN_US_AT_3GHZ * scale, perKernelUs: 0 },
    predictors,
    generic: estimatePredictor('other', fixedUs),
    fusions: [],
    validation: null,
    samples: { total: 0, sources: [] },
    createdAt: '2025-01-01T00:00:00.000Z',
    method: 'roofline estimate: fixed cost + max(FLOPs / (peak × efficiency), bytes / (bandwidth × efficiency)) per kernel',
    estimate: {
      derivation: {
        peakGflops: `${d.peakGflops.derivation} = ${d.peakGflops.value} GFLOP/s`,
        bandwidthGBs: `${d.bandwidthGBs.derivation} = ${d.bandwidthGBs.value} GB/s`,
        fixedCost: `${FIXED_US_AT_3GHZ} µs per kernel and ${RUN_US_AT_3GHZ} µs per run at 3 GHz, × 3 / ${d.clockGHz} GHz (assumed)`,
        efficiency: 'per kernel class, KERNEL_EFFICIENCY in src/core/predict/catalog.ts (assumed; docs/prediction.md)',
      },
      assumptions: d.assumptions,
      sources: [d.peakGflops.source, d.bandwidthGBs.source],
    },
  };
}

export function catalogDevice(id: string): CatalogDevice | undefined {
  return CATALOG.find((d) => d.id === id);
}
