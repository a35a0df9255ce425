// One onnxruntime-web InferenceSession per graph, created once per worker and reused.

import type * as Ort from 'onnxruntime-web/webgpu';
import { SessionError } from './errors';
import { ortModule } from './runtime';
import type { Device } from './backend';
import { adaptFeed, outputFloats, type FeedData, type FeedType } from './feeds';

export { SessionError };

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
    const session = await ortModule().InferenceSession.create(bytes, { executionProviders: [device], logSeverityLevel: 3 });
    await session.release();
  }).catch(() => undefined);
}

export type Feeds = Record<string, Ort.Tensor>;

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
function declaredTypes(metadata: readonly Ort.InferenceSession.ValueMetadata[] | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of metadata ?? []) if (m.isTensor) out.set(m.name, m.type);
  return out;
}

export interface InputSpec { type: string; shape: readonly (number | string)[] }

function inputSpecs(metadata: readonly Ort.InferenceSession.ValueMetadata[] | undefined): Map<string, InputSpec> {
  const out = new Map<string, InputSpec>();
  for (const m of metadata ?? []) if (m.isTensor) out.set(m.name, { type: m.type, shape: m.shape });
  return out;
}

/**
 * Test-only stand-in for a kernel that computes wrong numbers silently (transformers.js #1728):
 * every float output comes back reversed, same norm, another direction.
 */
function reversed(t: Ort.Tensor): Ort.Tensor {
  return t.data instanceof Float32Array ? new (ortModule().Tensor)('float32', Float32Array.from(t.data).reverse(), t.dims) : t;
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
    private readonly session: Ort.InferenceSession,
  ) {
    this.inputTypes = declaredTypes(session.inputMetadata);
    this.outputTypes = declaredTypes(session.outputMetadata);
    this.inputSpecs = inputSpecs(session.inputMetadata);
  }

  static async create(name: string, bytes: Uint8Array, device: Device): Promise<GraphSession> {
    try {
      const session = await exclusive(() => ortModule().InferenceSession.create(bytes, {
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
  run(feeds: Feeds, outputs?: string[]): Promise<Record<string, Ort.Tensor>> {
    const typed = this.declaredFeeds(feeds);
    return exclusive(async () => {
      try {
        const result = await (outputs ? this.session.run(typed, outputs) : this.session.run(typed));
        const out: Record<string, Ort.Tensor> = {};
        for (const [name, t] of Object.entries(result)) {
          const floats = t.type === 'float16' ? new (ortModule().Tensor)('float32', outputFloats(name, t.type, t.data), t.dims) : t;
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
      out[name] = new (ortModule().Tensor)(adapted.type, adapted.data as never, t.dims);
    }
    return out;
  }

  release(): Promise<void> {
    return exclusive(() => this.session.release());
  }
}

export function floatTensor(data: Float32Array, dims: number[]): Ort.Tensor {
  return new (ortModule().Tensor)('float32', data, dims);
}

export function int64Tensor(data: BigInt64Array, dims: number[]): Ort.Tensor {
  return new (ortModule().Tensor)('int64', data, dims);
}

export function tensorData(t: Ort.Tensor | undefined, name: string): Float32Array {
  if (!t) throw new SessionError(`graph output ${name} is missing`);
  return t.data as Float32Array;
}

/** GPUDevice ORT created for the WebGPU EP, if any: used to watch for device loss and to free it. */
export async function webgpuDevice(): Promise<GPUDevice | undefined> {
  try {
    return (await ortModule().env.webgpu?.device) ?? undefined;
  } catch {
    return undefined;
  }
}
