// Every option is checked where it enters the SDK, with a message that names the option and what
// is allowed: a silently ignored typo ('wasn', workers: 1.5) costs users far more than an error.

import { DTYPES } from '../models/dtype';
import { InvalidOptionError } from '../errors';

type Bag = Record<string, unknown>;

export function optionBag(options: unknown, what: string): Bag {
  if (options === undefined) return {};
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new InvalidOptionError(`${what} options must be an object or undefined (got ${describe(options)})`);
  }
  return options as Bag;
}

export function describe(x: unknown): string {
  if (x === null) return 'null';
  if (Array.isArray(x)) return 'an array';
  if (typeof x === 'string') return JSON.stringify(x.length > 40 ? `${x.slice(0, 40)}…` : x);
  if (typeof x === 'object') return (x as object).constructor?.name ? `a ${(x as object).constructor.name}` : 'an object';
  return String(x);
}

export function oneOf<T extends string>(bag: Bag, key: string, allowed: readonly T[]): T | undefined {
  const v = bag[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || !allowed.includes(v as T)) {
    throw new InvalidOptionError(`${key} must be one of ${allowed.map((a) => `'${a}'`).join(', ')} (got ${describe(v)})`);
  }
  return v as T;
}

export function integer(bag: Bag, key: string, min: number, max: number): number | undefined {
  const v = bag[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw new InvalidOptionError(`${key} must be an integer from ${min} to ${max} (got ${describe(v)})`);
  }
  return v;
}

export function text(bag: Bag, key: string): string | undefined {
  const v = bag[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || v === '') throw new InvalidOptionError(`${key} must be a non-empty string (got ${describe(v)})`);
  return v;
}

export function url(bag: Bag, key: string): string | URL | undefined {
  const v = bag[key];
  if (v === undefined || v instanceof URL) return v;
  return text(bag, key);
}

export function callback(bag: Bag, key: string): ((...args: never[]) => unknown) | undefined {
  const v = bag[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'function') throw new InvalidOptionError(`${key} must be a function (got ${describe(v)})`);
  return v as (...args: never[]) => unknown;
}

export function signal(bag: Bag): AbortSignal | undefined {
  const v = bag.signal;
  if (v === undefined) return undefined;
  if (!(v instanceof AbortSignal)) throw new InvalidOptionError(`signal must be an AbortSignal (got ${describe(v)})`);
  return v;
}

export const DEVICES = ['auto', 'webgpu', 'wasm'] as const;
export const ROLES = ['query', 'target'] as const;
export { DTYPES };

/** Rates a page can hand us; beyond them a clip is almost surely mislabelled. */
export const SAMPLE_RATE_RANGE = [1_000, 384_000] as const;
/** Workers per embedder: each holds a whole model copy. */
export const MAX_WORKERS = 16;
export const MAX_THREADS = 64;
