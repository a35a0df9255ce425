// One onnxruntime-web InferenceSession per graph, created once per worker and reused.

import * as ort from 'onnxruntime-web/webgpu';
import { SessionError } from './errors';
import { runtimeBinary } from '../models/runtime-cache';
import { handOverRuntime, type HandOver } from './compiled-runtime';
import type { Device } from './backend';
import { adaptFeed, outputFloats, type FeedData, type FeedType } from './feeds';

export { SessionError };

export interface RuntimeOptions {
  /** Folder (URL) holding ORT's ort-wasm-simd-threaded.asyncify.{mjs,wasm}; default: beside ORT itself. */
  wasmPaths?: string | { mjs?: string; wasm?: string };
  numThreads?: number;
  /** false: fetch ORT's .wasm each start instead of keeping it in the Cache API (with the model cache off). */
  cacheRuntime?: boolean;
  /**
   * Asks the page for ORT's runtime compiled (once per page, from the Cache API): undefined, or a
   * failure, and the worker reads and compiles the bytes itself.
   */
  compileRuntime?: (url: string, version: string, cached: boolean) => Promise<WebAssembly.Module | undefined>;
}

/** The file ORT's webgpu entry loads (both EPs run from its asyncify build). */
const RUNTIME_WASM = 'ort-wasm-simd-threaded.asyncify.wasm';

let configured: Promise<void> | undefined;
let handOver: HandOver | undefined;

/** Who compiled the runtime this worker runs: the page (handed over) or the worker itself. */
export function runtimeCompiledBy(): 'page' | 'worker' {
  return handOver?.used() ? 'page' : 'worker';
}

/** ORT's env is global per worker: set it once, before the first session. */
export function configureRuntime(options: RuntimeOptions): Promise<void> {
  // A failed fetch is not remembered: the next start in this worker tries again.
  configured ??= configure(options).catch((err: unknown) => { configured = undefined; throw err; });
  return configured;
}

/** Where the runtime's .wasm is, when the app (or the bundled defaults) said so. */
function runtimeUrl(wasmPaths: RuntimeOptions['wasmPaths']): string | undefined {
  if (typeof wasmPaths === 'string') return new URL(RUNTIME_WASM, new URL(wasmPaths.endsWith('/') ? wasmPaths : `${wasmPaths}/`, globalThis.location?.href)).href;
  return wasmPaths?.wasm;
}

async function configure(options: RuntimeOptions): Promise<void> {
  if (options.wasmPaths) ort.env.wasm.wasmPaths = options.wasmPaths;
  // ORT's 27 MB .wasm is kept in the Cache API like the model files, so a warm or offline start
  // reads it from there; ORT then takes the page's compiled module, or the bytes, instead of
  // fetching the file itself.
  const url = runtimeUrl(options.wasmPaths);
  if (url) {
    const version = ort.env.versions?.web ?? 'unknown';
    const cached = options.cacheRuntime !== false;
    // Compiled by the page, the runtime is read and compiled once for all workers (and V8 may reuse
    // its code cache); the worker's own copy is the fallback.
    const compiled = await options.compileRuntime?.(url, version, cached).catch(() => undefined);
    if (compiled) {
      handOver = handOverRuntime(compiled);
      ort.env.wasm.wasmBinary = handOver.wasmBinary;
    } else {
      ort.env.wasm.wasmBinary = await runtimeBinary(url, { version, ...(cached ? {} : { cache: null }) });
    }
  }
  // Without cross-origin isolation ORT silently stays single-threaded; say what we asked for.
  const cores = globalThis.navigator?.hardwareConcurrency ?? 1;
  ort.env.wasm.numThreads = globalThis.crossOriginIsolated ? (options.numThreads ?? Math.max(1, Math.min(4, cores))) : 1;
  ort.env.wasm.proxy = false;
  ort.env.logLevel = 'error';
}

/** The smallest graph ORT accepts (one Identity on a float[1]); creating it starts the runtime. */
const WARM_UP_GRAPH = 'CAgSADo8ChAKAXgSAXkiCElkZW50aXR5EgZ3YXJtdXBaDwoBeBIKCggIARIECgIIAWIPCgF5EgoKCAgBEgQKAggBQgQKABAN';

/**
 * Starts ORT in this worker (instantiates its .wasm, starts its threads, opens the GPU device for
 * the WebGPU EP) with a throwaway session, so that this happens while the model files are still
 * being read instead of after. A failure here is left for the real session to report.
 */
export function warmUpRuntime(device: Device): Promise<void> {
  const bytes = Uint8Array.from(atob(WARM_UP_GRAPH), (c) => c.charCodeAt(0));
  return exclusive(async () => {
    const session = await ort.InferenceSession.create(bytes, { executionProviders: [device], logSeverityLevel: 3 });
    await session.release();
  }).catch(() => undefined);
}

export function wasmThreads(): number {
  return ort.env.wasm.numThreads ?? 1;
}

export type Feeds = Record<string, ort.Tensor>;

/**
 * Every ORT call in a worker (create, run, release) goes one at a time, across all its sessions.
 * onnxruntime-web does not support overlapping calls: on the WebGPU EP overlapping runs deadlock,
 * and a session created while another runs corrupts the WASM heap ("memory access out of bounds").
 * One ORT instance per worker computes one thing at a time anyway.
 */
let ortQueue: Promise<unknown> = Promise.resolve();

function exclusive<T>(work: () => Promise<T>): Promise<T> {
  const result = ortQueue.then(work);
  ortQueue = result.catch(() => undefined);
  return result;
}

/** name → element type, from a session's input or output metadata (tensors only). */
function declaredTypes(metadata: readonly ort.InferenceSession.ValueMetadata[] | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of metadata ?? []) if (m.isTensor) out.set(m.name, m.type);
  return out;
}

export interface InputSpec { type: string; shape: readonly (number | string)[] }

function inputSpecs(metadata: readonly ort.InferenceSession.ValueMetadata[] | undefined): Map<string, InputSpec> {
  const out = new Map<string, InputSpec>();
  for (const m of metadata ?? []) if (m.isTensor) out.set(m.name, { type: m.type, shape: m.shape });
  return out;
}

/**
 * Test-only stand-in for a kernel that computes wrong numbers silently (transformers.js #1728):
 * every float output comes back reversed, same norm, another direction.
 */
function reversed(t: ort.Tensor): ort.Tensor {
  return t.data instanceof Float32Array ? new ort.Tensor('float32', Float32Array.from(t.data).reverse(), t.dims) : t;
}

export class GraphSession {
  /** The types the graph declares, read once: hub fp16 files take and give float16, some graphs int32 ids. */
  readonly inputTypes: ReadonlyMap<string, string>;
  readonly outputTypes: ReadonlyMap<string, string>;
  /** Declared type and shape of each input (symbolic dims as their names). */
  readonly inputSpecs: ReadonlyMap<string, InputSpec>;
  /** @internal fault injection: outputs are silently wrong (see `reversed`). */
  wrongOutputs = false;

  private constructor(
    readonly name: string,
    readonly device: Device,
    private readonly session: ort.InferenceSession,
  ) {
    this.inputTypes = declaredTypes(session.inputMetadata);
    this.outputTypes = declaredTypes(session.outputMetadata);
    this.inputSpecs = inputSpecs(session.inputMetadata);
  }

  static async create(name: string, bytes: Uint8Array, device: Device): Promise<GraphSession> {
    try {
      const session = await exclusive(() => ort.InferenceSession.create(bytes, {
        // A single EP: a graph that cannot run on WebGPU must fail loudly, not hide on the CPU.
        executionProviders: [device],
        graphOptimizationLevel: 'all',
        // ORT's C++ side prints EP-assignment warnings as console errors; only real errors matter.
        logSeverityLevel: 3,
      }));
      return new GraphSession(name, device, session);
    } catch (err) {
      throw new SessionError(`could not create the ${device} session for ${name}: ${String((err as Error)?.message ?? err)}`, err);
    }
  }

  get inputNames(): readonly string[] {
    return this.session.inputNames;
  }

  get outputNames(): readonly string[] {
    return this.session.outputNames;
  }

  /**
   * Runs the graph with float32/int64 feeds converted to the declared input types, and returns
   * float16 outputs as float32 tensors.
   */
  run(feeds: Feeds, outputs?: string[]): Promise<Record<string, ort.Tensor>> {
    const typed = this.declaredFeeds(feeds);
    return exclusive(async () => {
      try {
        const result = await (outputs ? this.session.run(typed, outputs) : this.session.run(typed));
        const out: Record<string, ort.Tensor> = {};
        for (const [name, t] of Object.entries(result)) {
          const floats = t.type === 'float16' ? new ort.Tensor('float32', outputFloats(name, t.type, t.data), t.dims) : t;
          out[name] = this.wrongOutputs ? reversed(floats) : floats;
        }
        return out;
      } catch (err) {
        throw new SessionError(`${this.name} failed to run on ${this.device}: ${String((err as Error)?.message ?? err)}`, err);
      }
    });
  }

  private declaredFeeds(feeds: Feeds): Feeds {
    const out: Feeds = {};
    for (const [name, t] of Object.entries(feeds)) {
      // A feed the graph does not take (an attention mask for an ids-only export) is left out.
      if (this.inputTypes.size > 0 && !this.inputTypes.has(name)) continue;
      const declared = this.inputTypes.get(name);
      if (!declared || declared === t.type) { out[name] = t; continue; }
      const adapted = adaptFeed(name, t.type as FeedType, t.data as FeedData, declared);
      out[name] = new ort.Tensor(adapted.type, adapted.data as never, t.dims);
    }
    return out;
  }

  release(): Promise<void> {
    return exclusive(() => this.session.release());
  }
}

export function floatTensor(data: Float32Array, dims: number[]): ort.Tensor {
  return new ort.Tensor('float32', data, dims);
}

export function int64Tensor(data: BigInt64Array, dims: number[]): ort.Tensor {
  return new ort.Tensor('int64', data, dims);
}

export function tensorData(t: ort.Tensor | undefined, name: string): Float32Array {
  if (!t) throw new SessionError(`graph output ${name} is missing`);
  return t.data as Float32Array;
}

/** GPUDevice ORT created for the WebGPU EP, if any: used to watch for device loss and to free it. */
export async function webgpuDevice(): Promise<GPUDevice | undefined> {
  try {
    return (await ort.env.webgpu?.device) ?? undefined;
  } catch {
    return undefined;
  }
}
