// Errors cross the page↔worker boundary as themselves. Comlink's default `throw` handler keeps only
// name, message and stack, so a worker's ModelNotFoundError arrived as a plain Error without its
// code, url or status. Here every OmniEmbedError is flattened to its class name and own fields, and
// re-created on the other side as an instance of the same class. The same `toWire`/`fromWire` pair
// carries per-job failures inside JobResult, so there is exactly one way errors travel.

import { transferHandlers } from 'comlink';
import { DisposedError, InvalidInputError, InvalidOptionError, OmniEmbedError } from '../errors';
import { CacheError, IntegrityError, ModelHttpError, ModelNotFoundError, ModelSourceError, NetworkError, QuotaExceededError } from '../models/errors';
import { SessionError, UnsupportedModalityError } from '../engine/errors';
import { FeedTypeError } from '../engine/feeds';
import { ModelTooLargeError } from '../engine/pool-shape';
import { WorkerCrashedError, WorkerStartError, WorkerUnavailableError } from '../api/errors';
import { IndexError } from '../index/errors';
import { RecommendError } from '../recommend/errors';
import { CatalogDbError, CliUsageError, NodeDependencyError } from '../node/errors';
import type { WireError } from './index';

type ErrorClass = abstract new (...args: never[]) => OmniEmbedError;

/**
 * Every class that may cross, keyed by its `name`. Written as shorthand properties: minifiers
 * rename the classes but keep these keys, and tests/unit/errors.test.ts checks each key
 * equals the `name` its instances carry.
 */
export const ERROR_CLASSES: Readonly<Record<string, ErrorClass>> = Object.freeze({
  OmniEmbedError,
  InvalidInputError,
  InvalidOptionError,
  DisposedError,
  UnsupportedModalityError,
  SessionError,
  FeedTypeError,
  ModelTooLargeError,
  WorkerStartError,
  WorkerCrashedError,
  WorkerUnavailableError,
  ModelNotFoundError,
  ModelHttpError,
  NetworkError,
  IntegrityError,
  QuotaExceededError,
  CacheError,
  ModelSourceError,
  IndexError,
  RecommendError,
  NodeDependencyError,
  CatalogDbError,
  CliUsageError,
});

const STANDARD = new Set(['name', 'message', 'stack', 'cause', 'code']);

/** Own enumerable data fields (url, status, transient, …), as long as they survive structured clone. */
function fieldsOf(err: OmniEmbedError): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(err)) {
    if (STANDARD.has(key) || typeof value === 'function') continue;
    fields[key] = value;
  }
  return fields;
}

export function toWire(err: unknown): WireError {
  if (err instanceof OmniEmbedError) {
    return { name: err.name, code: err.code, message: err.message, ...(err.stack ? { stack: err.stack } : {}), fields: fieldsOf(err) };
  }
  // Anything else thrown in a worker (an ORT RuntimeError, a bug) still arrives typed and coded.
  const e = err as { name?: unknown; message?: unknown; stack?: unknown } | undefined;
  const message = typeof e?.message === 'string' ? e.message : String(err);
  const name = typeof e?.name === 'string' ? e.name : 'Error';
  return { name: 'OmniEmbedError', code: 'embed_failed', message: `${name}: ${message}`, ...(typeof e?.stack === 'string' ? { stack: e.stack } : {}), fields: {} };
}

/** The same class, code and fields as the error that was thrown on the other side. */
export function fromWire(wire: WireError): OmniEmbedError {
  const Class = ERROR_CLASSES[wire.name] ?? OmniEmbedError;
  const err = Object.create(Class.prototype) as OmniEmbedError & Record<string, unknown>;
  // Own properties, as a constructor would have made them (Error's own `message`, `stack`).
  Object.defineProperty(err, 'message', { value: wire.message, writable: true, configurable: true });
  if (wire.stack) Object.defineProperty(err, 'stack', { value: wire.stack, writable: true, configurable: true });
  Object.assign(err, { name: wire.name in ERROR_CLASSES ? wire.name : 'OmniEmbedError', code: wire.code }, wire.fields);
  return err;
}

interface Thrown { value: unknown }
interface SerializedThrow { omni?: WireError; [key: string]: unknown }

let installed = false;

/**
 * Replaces comlink's `throw` handler (the place its docs give for custom error transport) with one
 * that sends OmniEmbedErrors as wire errors. Both sides call it: the page and the worker each have
 * their own comlink module, with their own handler map.
 */
export function installErrorTransport(): void {
  if (installed) return;
  installed = true;
  const builtin = transferHandlers.get('throw')!;
  transferHandlers.set('throw', {
    canHandle: (value: unknown): value is Thrown => builtin.canHandle(value),
    serialize: (thrown: Thrown) => {
      if (thrown.value instanceof OmniEmbedError) return [{ omni: toWire(thrown.value) }, []];
      return builtin.serialize(thrown);
    },
    deserialize: (serialized: SerializedThrow) => {
      if (serialized.omni) throw fromWire(serialized.omni);
      return builtin.deserialize(serialized);
    },
  });
}
