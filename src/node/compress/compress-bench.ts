// The workbench of sensitivity analysis and budget searches: the original model's outputs held by one
// ONNX Runtime worker (compare-session.ts), and any compressed variant of the model — a set of layers
// compressed by a method, some inner values exposed — built from a copy, saved to a temporary file,
// run and compared, then deleted. Close it when done (the worker and the folder go).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exposeValues } from '../../core/compress/expose';
import type { CompressMethod } from '../../core/compress/methods';
import type { Model } from '../../core/ir/model';
import { cloneModel } from '../../core/passes/graph-edit';
import type { PassResult } from '../../core/passes/types';
import type { Bindings } from '../../core/shape/types';
import { saveModel } from '../files/encode-model';
import type { OutputComparison } from '../ort/verify';
import { CompareSession } from './compare-session';
import type { Samples } from './samples';

export interface BenchOptions {
  model: Model;
  /** The model's file (the worker loads the original from it). */
  path: string;
  samples: Samples;
  bindings?: Bindings;
  signal?: AbortSignal;
  /** Longest one model may take in ONNX Runtime (default 600 s). */
  timeoutMs?: number;
}

export interface VariantResult {
  pass: PassResult;
  outputs: OutputComparison[];
  /** Exposed values compared with the float model's (see activations()). */
  activations: OutputComparison[];
}

export class CompressBench {
  private count = 0;

  private constructor(
    readonly o: BenchOptions,
    private readonly session: CompareSession,
    private readonly dir: string,
  ) {}

  static async open(o: BenchOptions): Promise<CompressBench> {
    const dir = mkdtempSync(join(tmpdir(), 'layerlens-compress-'));
    try {
      const session = await CompareSession.start(o.path, o.samples.sets, { ...(o.signal ? { signal: o.signal } : {}), ...(o.timeoutMs ? { timeoutMs: o.timeoutMs } : {}) });
      return new CompressBench(o, session, dir);
    } catch (e) {
      rmSync(dir, { recursive: true, force: true });
      throw e;
    }
  }

  private save(m: Model): string {
    const p = join(this.dir, `variant-${this.count++}.onnx`);
    saveModel(m, p);
    return p;
  }

  /** Runs the float model with `values` exposed; later variants' exposed values compare against it. Returns the names exposed. */
  async activations(values: readonly string[]): Promise<string[]> {
    const m = cloneModel(this.o.model);
    const added = exposeValues(m, values, this.o.bindings);
    if (added.length === 0) return [];
    const p = this.save(m);
    try {
      await this.session.activations(p);
    } finally {
      rmSync(p, { force: true });
      rmSync(`${p}.data`, { force: true });
    }
    return added;
  }

  /** The model with `layers` compressed by `method` (exposing `expose`), compared with the original. */
  async run(method: CompressMethod, layers: readonly string[], scope: 'isolated' | 'combined', expose: readonly string[] = []): Promise<VariantResult> {
    const m = cloneModel(this.o.model);
    exposeValues(m, expose, this.o.bindings);
    const pass = method.compress(m, layers, scope, this.o.bindings);
    const p = this.save(m);
    try {
      const c = await this.session.compare(p);
      return { pass, ...c };
    } finally {
      rmSync(p, { force: true });
      rmSync(`${p}.data`, { force: true });
    }
  }

  /** The model with `layers` compressed (for writing): a fresh copy, nothing exposed. */
  build(method: CompressMethod, layers: readonly string[]): { model: Model; pass: PassResult } {
    const m = cloneModel(this.o.model);
    return { model: m, pass: method.compress(m, layers, 'combined', this.o.bindings) };
  }

  close(): void {
    this.session.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
