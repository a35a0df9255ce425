// The page↔worker contract: everything that crosses the comlink channel, in one place, imported by
// both sides (src/api on the page, workers/embed.worker.ts and src/engine in the worker).
// Inputs arrive here already reduced to transferable, DOM-free shapes; errors cross as themselves
// (./errors.ts), so nothing on either side rebuilds them by hand.

import type { Dtype } from '../models/dtype';
import type { Modality, ModelSpec } from '../presets/spec';
import type { LoadProgress } from '../models/load';

export type DeviceRequest = 'auto' | 'webgpu' | 'wasm';
export type Device = 'webgpu' | 'wasm';

/** Raw RGBA pixels (what ImageData holds), for images that are not encoded files. */
export interface Pixels { data: Uint8ClampedArray; width: number; height: number }

export type ImagePayload = Blob | ImageBitmap | Pixels;
export interface AudioPayload { samples: Float32Array; sampleRate: number }

/**
 * The shape of a job's input, over how images and audio travel: the browser sends Blobs, bitmaps
 * and PCM (Payload); omni-embed/node sends still-encoded bytes too (src/node/payload.ts).
 */
export interface VideoOf<I> { frames: I[] }
export interface OmniOf<I, A> { text?: string; image?: I; audio?: A; video?: VideoOf<I> }
export type PayloadOf<I, A> =
  | { kind: 'text'; text: string }
  | { kind: 'image'; image: I }
  | { kind: 'audio'; audio: A }
  | { kind: 'video'; video: VideoOf<I> }
  | { kind: 'omni'; item: OmniOf<I, A> };

export type VideoPayload = VideoOf<ImagePayload>;
export type OmniPayload = OmniOf<ImagePayload, AudioPayload>;
export type Payload = PayloadOf<ImagePayload, AudioPayload>;

export interface EmbedJob {
  payload: Payload;
  /** Text prepended to the item's text for the fusion graph; queries and targets differ. */
  instruction?: string;
}

/** One job's outcome. A failed job carries its error in wire form (see ./errors.ts `toWire`). */
export type JobResult =
  | { ok: true; vector: Float32Array; modalities: Modality[] }
  | { ok: false; error: WireError };

/** An OmniEmbedError flattened for structured clone: its class name and its own fields. */
export interface WireError {
  name: string;
  code: string;
  message: string;
  stack?: string;
  fields: Record<string, unknown>;
}

/** A worker moved its sessions to another device (WebGPU failed or was lost). */
export interface DeviceChange { from: Device; to: Device; reason: string }

/** What a worker reports once its model is loaded. */
export interface EngineInfo {
  model: string;
  device: Device;
  dtype: Dtype;
  dims: number;
  matryoshka: number[];
  modalities: Modality[];
  fusion: 'graph' | 'late';
  deviceReason: string;
  /** WASM threads ORT actually uses in each worker (1 without cross-origin isolation). */
  threads: number;
  /** Who compiled ORT's runtime for this worker: the page (once for all its workers) or the worker itself. */
  runtimeCompiledBy: 'page' | 'worker';
  /**
   * The onnxruntime-web build the worker runs: 'wasm' (its wasm-only build, lighter to start) when
   * every session is WASM from the start; otherwise its webgpu build, which runs both EPs: 'jspi'
   * where the browser has JSPI (faster to start), 'webgpu' (the asyncify form) elsewhere.
   */
  ortBuild: 'wasm' | 'jspi' | 'webgpu';
  /**
   * For a model on WebGPU, per graph made so far: 'agreed' (checked against WASM on one input at this
   * start) or 'remembered' (agreed at an earlier start on this adapter, same bytes and ORT version).
   */
  webgpuChecks?: Record<string, 'agreed' | 'remembered'>;
  /** Bytes of the graph files each worker holds: one model copy. */
  modelBytes: number;
  /** The rate the audio encoder wants; the page decodes straight to it. */
  audioSampleRate?: number;
  instructions?: { query: string; target: string };
}

/** What the page asks a worker to load. Only cloneable values: a custom ModelCache cannot cross. */
export interface InitRequest {
  spec: ModelSpec;
  device?: DeviceRequest;
  dtype?: Dtype;
  host?: string;
  wasmPaths?: string | { mjs?: string; wasm?: string };
  numThreads?: number;
  cache?: false;
  /** @internal fault injection for tests (see WorkerFaults). */
  faults?: WorkerFaults;
}

/** @internal */
export interface WorkerFaults {
  /** The worker dies (`exit`) or wedges (`hang`) on a text input containing `poison`. */
  poison?: string;
  mode?: 'exit' | 'hang';
  /** WebGPU sessions compute silently wrong outputs (transformers.js #1728). */
  wrongOnWebGpu?: boolean;
  /** The worker reads and compiles ORT's runtime itself, as when the page cannot hand it over (tests, benchmarks). */
  compileInWorker?: boolean;
}

/** Callbacks the page hands the worker (as comlink proxies). */
export interface WorkerEvents {
  progress?: (p: LoadProgress) => void;
  deviceChange?: (change: DeviceChange) => void;
  warning?: (message: string) => void;
  /** ORT's runtime compiled by the page (a WebAssembly.Module crosses to workers of the same page). */
  compileRuntime?: (url: string, version: string, cached: boolean) => Promise<WebAssembly.Module | undefined>;
}

/**
 * How the page watches a worker: the worker holds the Web Lock `lock` for its whole life (the
 * page's request for it is granted the moment the worker dies, however it dies) and posts on
 * `port` a heartbeat (silence while busy means it hangs) and a receipt for each batch it starts.
 */
export interface Lifeline { lock: string; port: MessagePort; beatMs: number }

/** What a worker posts on its lifeline port. */
export type LifelineMessage = { beat: true } | { started: number };

/** The worker's comlink surface. Every method's errors arrive on the page as their own class. */
export interface WorkerApi {
  supervise(lifeline: Lifeline): Promise<void>;
  init(request: InitRequest, events: WorkerEvents): Promise<EngineInfo>;
  /** `ticket` is echoed on the lifeline as `{ started }` once the batch begins: a worker that died before that was not killed by it. */
  embed(jobs: EmbedJob[], ticket: number): Promise<JobResult[]>;
  info(): EngineInfo | undefined;
  /** @internal test hook: destroys the worker's GPUDevice. */
  loseDevice(): Promise<boolean>;
  dispose(): Promise<void>;
}
