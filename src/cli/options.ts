// Options shared by every command: symbolic-dim bindings and how errors leave the process.
import { InvalidArgumentError, type Command } from 'commander';
import type { Bindings } from '../core/shape/types';

/** `--input NAME=1x3x224x224` (also accepts commas): a graph input's whole shape. */
export function parseInputBinding(text: string, prev: Record<string, number[]> = {}): Record<string, number[]> {
  const eq = text.lastIndexOf('=');
  if (eq <= 0) throw new InvalidArgumentError(`expected NAME=AxBx..., e.g. x=1x3x224x224 (got '${text}')`);
  const name = text.slice(0, eq);
  const dims = text
    .slice(eq + 1)
    .split(/[x,]/)
    .map((d) => d.trim());
  if (dims.length === 0 || dims.some((d) => !/^\d+$/.test(d) || !Number.isSafeInteger(Number(d)))) {
    throw new InvalidArgumentError(`'${text}': every dim must be a whole number >= 0, e.g. x=1x3x224x224`);
  }
  return { ...prev, [name]: dims.map(Number) };
}

/** `--dim NAME=VALUE`: a symbolic dim by name, e.g. batch=1. */
export function parseDimBinding(text: string, prev: Record<string, number> = {}): Record<string, number> {
  const eq = text.lastIndexOf('=');
  const value = text.slice(eq + 1);
  if (eq <= 0 || !/^\d+$/.test(value) || !Number.isSafeInteger(Number(value))) {
    throw new InvalidArgumentError(`expected NAME=VALUE with a whole number, e.g. batch=1 (got '${text}')`);
  }
  return { ...prev, [text.slice(0, eq)]: Number(value) };
}

export function parsePositiveInt(text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(n) || n <= 0) {
    throw new InvalidArgumentError(`expected a whole number > 0 (got '${text}')`);
  }
  return n;
}

export interface BindingFlags {
  input?: Record<string, number[]>;
  dim?: Record<string, number>;
  foldBudget?: number;
  foldMax?: number;
}

export function bindingsFrom(flags: BindingFlags): Bindings {
  const foldLimits = { ...(flags.foldBudget !== undefined ? { budgetElements: flags.foldBudget } : {}), ...(flags.foldMax !== undefined ? { maxValueElements: flags.foldMax } : {}) };
  return { inputs: flags.input ?? {}, dims: flags.dim ?? {}, ...(Object.keys(foldLimits).length ? { foldLimits } : {}) };
}

/** Adds --input and --dim (repeatable) to a command. */
export function withBindingOptions(cmd: Command): Command {
  return cmd
    .option('--input <name=AxBx...>', "bind a graph input's whole shape (repeatable)", parseInputBinding)
    .option('--dim <name=value>', 'bind a symbolic dim by name, e.g. batch=1 (repeatable)', parseDimBinding)
    .option('--fold-budget <elements>', 'constant folding work per analysis, in elements (default 4194304; docs/shape-inference.md)', parsePositiveInt)
    .option('--fold-max <elements>', 'largest value constant folding computes, in elements (default 4096)', parsePositiveInt);
}
