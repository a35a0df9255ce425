// The worker-side engine: loads one model, owns its ORT sessions (created once, lazily), and turns
// batches of payloads into normalised vectors. No DOM; runs in a dedicated worker.

import { loadModel, onnxPath, readJson, type LoadProgress, type ModelCache } from '../models';
import { cachedGraphBytes } from '../models/cached';
import { DisposedError, InvalidInputError, OmniEmbedError } from '../errors';
import { UnsupportedModalityError } from './errors';
import { assertFitsWasm } from './pool-shape';
import { MODALITIES, specGraphs, specModalities, type Modality, type ModelSpec } from '../presets/spec';
import { planDevice, probeWebGpu, type DeviceRequest, type Dtype } from './backend';
import { warmUpRuntime } from './session';
import { configureRuntime, ortVersion, runtimeBuild, runtimeCompiledBy, runtimeFallback, wasmThreads, type RuntimeOptions } from './runtime';
import { cacheApiMemo } from './device-check-memo';
import { GraphSessions } from './graph-sessions';
import { embedOmniItems, type ModalityEncoders } from './omni';
import { TextProcessor } from './preprocess/text';
import type { ImageProcessorConfig } from './preprocess/image';
import type { AudioFeatureConfig } from './preprocess/audio-features';
import { readModelFacts, type ModelFacts } from './model-config';
import { TextTower } from './encoders/text';
import { ImageTower } from './encoders/image';
import { AudioTower } from './encoders/audio';
import { VideoTower, videoAsFrameMean } from './encoders/video';
import { FusionEncoder } from './encoders/fusion';
import type { Encoded } from './encoders/encoder';
import { l2Normalize } from './pooling';
import type { DeviceChange, EmbedJob, EngineInfo, JobResult, Payload } from '../contract';
import { toWire } from '../contract/errors';

export type { EngineInfo };

export interface EngineOptions extends RuntimeOptions {
  spec: ModelSpec;
  device?: DeviceRequest;
  dtype?: Dtype;
  host?: string;
  cache?: ModelCache | false;
  /** The dtypes the source carries for every graph, when it is known to lack others (the bundled model). */
  shippedDtypes?: Dtype[];
  /** @internal fault injection: WebGPU sessions compute silently wrong outputs. */
  wrongOnWebGpu?: boolean;
}

export interface EngineEvents {
  onProgress?: (p: LoadProgress) => void;
  onDeviceChange?: (change: DeviceChange) => void;
  onWarning?: (message: string) => void;
}


interface Embedded { vector: Float32Array; modalities: Modality[] }

const NO_GPU_ASKED = { available: false, shaderF16: false, fallbackAdapter: false, description: 'WASM requested' };

export class Engine {
  /** Graph bytes fetched at start-up, handed to ORT once and then dropped. */
  private pendingBytes = new Map<string, Uint8Array>();
  private disposed = false;
  private dtype: Dtype = 'fp32';
  private modelBytes = 0;
  private sessions!: GraphSessions;
  private facts!: ModelFacts;
  private text?: TextTower;
  private image?: ImageTower;
  private audio?: AudioTower;
  private video?: VideoTower;
  private fusion?: FusionEncoder;

  private constructor(private readonly options: EngineOptions, private readonly events: EngineEvents) {}

  static async create(options: EngineOptions, events: EngineEvents = {}): Promise<Engine> {
    const engine = new Engine(options, events);
    await engine.init();
    return engine;
  }

  private async init(): Promise<void> {
    const { spec } = this.options;
    // A WASM-only request needs no adapter: requesting one costs start-up time for nothing.
    const gpu = this.options.device === 'wasm' ? NO_GPU_ASKED : await probeWebGpu();
    const plan = planDevice(this.options.device ?? 'auto', this.options.dtype, gpu, this.options.shippedDtypes);
    // ORT's runtime (.wasm bytes, instantiation, threads, GPU device) starts while the model files
    // are read: on a warm start both come from the Cache API and neither waits for the other. The
    // device plan picks the build (src/engine/runtime.ts): WASM-only workers start the lighter one.
    const runtime = configureRuntime({ ...this.options, wasmOnly: plan.device === 'wasm', cacheRuntime: this.options.cache !== false });
    runtime.catch(() => undefined);
    this.dtype = plan.dtype;
    this.sessions = new GraphSessions(plan.device, plan.reason, (graph) => this.graphBytes(graph), this.events.onDeviceChange, {
      ...(this.options.wrongOnWebGpu ? { wrongOnWebGpu: true } : {}),
      ...(this.events.onWarning ? { onWarning: this.events.onWarning } : {}),
      // With the model cache off nothing is stored, the verdicts included.
      ...(this.options.cache === false ? {} : { checkMemo: { memo: cacheApiMemo(), adapter: gpu.description, ortVersion } }),
    });
    const started = runtime.then(() => warmUpRuntime(plan.device), () => undefined);
    // Cold, every graph is downloaded now (so the model works offline from here on). Warm, only the
    // first graph is read: the others stay in the cache until their first use (a CLIP warm start
    // reads 254 MB instead of 605 MB, and holds no idle copy of the vision weights).
    const [firstGraph, ...rest] = specGraphs(spec);
    const cachedRest = this.options.cache === false || rest.length === 0 ? undefined
      : await cachedGraphBytes(spec.source, rest, { dtype: this.dtype, ...(this.options.host ? { host: this.options.host } : {}), ...(this.options.cache ? { cache: this.options.cache } : {}) });
    const files = await this.loadFiles(cachedRest === undefined || !firstGraph ? specGraphs(spec) : [firstGraph], true);
    await runtime;
    await started;
    const fellBack = runtimeFallback();
    if (fellBack) {
      const files = fellBack.from === 'jspi' ? 'ort-wasm-simd-threaded.jspi.{mjs,wasm}' : 'ort-wasm-simd-threaded.{mjs,wasm}';
      this.events.onWarning?.(`ORT's ${fellBack.from} build could not be loaded (${fellBack.reason}); running its asyncify webgpu build, which starts slower. Serve ${files} beside the others (docs/model-loading.md, "ORT builds")`);
    }
    this.modelBytes = [...this.pendingBytes.values()].reduce((sum, b) => sum + b.byteLength, cachedRest ?? 0);
    // Refuse before ORT copies the weights in: past wasm32's 4 GiB the worker would abort, not throw.
    assertFitsWasm(this.modelBytes);

    const config = readJson<Record<string, unknown>>(files, 'config.json');
    const [tokFile, tokConfigFile] = spec.tokenizerFiles ?? ['tokenizer.json', 'tokenizer_config.json'];
    const tokenizerConfig = spec.text && files.has(tokConfigFile) ? readJson<Record<string, unknown>>(files, tokConfigFile) : {};
    this.facts = readModelFacts(config, tokenizerConfig);
    const session = (graph: string) => () => this.sessions.get(graph);

    if (spec.text) {
      const processor = new TextProcessor(readJson(files, tokFile), tokenizerConfig, {
        maxLength: this.facts.maxTextLength,
        padTokenId: this.facts.padTokenId,
        onTruncate: (text, n) => this.events.onWarning?.(`text of ${n} tokens truncated to ${this.facts.maxTextLength}: "${text.slice(0, 40)}…"`),
      });
      this.text = new TextTower(session(spec.text.graph), processor, spec.text, spec.dims);
    }
    if (spec.image) {
      const imageConfig = readJson<ImageProcessorConfig>(files, spec.imageProcessorFile ?? 'preprocessor_config.json');
      this.image = new ImageTower(session(spec.image.graph), imageConfig, spec.image, spec.dims);
      if (spec.video) this.video = new VideoTower(session(spec.video.graph), this.image, spec.video, spec.dims);
    }
    if (spec.audio) {
      const audioConfig = readJson<AudioFeatureConfig>(files, spec.audio.processorFile);
      this.audio = new AudioTower(session(spec.audio.graph), audioConfig, spec.audio, spec.dims);
    }
    if (spec.fusion) {
      if (!this.facts.hiddenSize) throw new OmniEmbedError('bad_model', `${spec.name}: config.json lacks hidden_size needed by the fusion graph`);
      this.fusion = new FusionEncoder(session(spec.fusion.graph), spec.fusion, this.facts.hiddenSize, spec.dims);
    }
    // Create the first session now: a model whose graphs cannot run on WebGPU is found out at
    // start-up (and moved to WASM) rather than on the user's first query.
    if (firstGraph) await this.sessions.get(firstGraph);
  }

  private async loadFiles(graphs: string[], withConfigs: boolean): Promise<Map<string, Uint8Array>> {
    const { spec } = this.options;
    const { files, optional } = withConfigs ? configFiles(spec) : { files: [], optional: [] };
    const loaded = await loadModel(spec.source, {
      files,
      optional,
      graphs,
      dtype: this.dtype,
      ...(this.options.host ? { host: this.options.host } : {}),
      ...(this.options.cache !== undefined ? { cache: this.options.cache } : {}),
      ...(this.events.onProgress ? { onProgress: this.events.onProgress } : {}),
      // A full quota or a re-downloaded corrupt entry reaches the page's 'warning' event, not only the worker's console.
      ...(this.events.onWarning ? { onWarning: (e: Error) => this.events.onWarning!(e.message) } : {}),
    });
    for (const graph of graphs) {
      // The exact file of this graph and dtype: a prefix match would take text_model_fp16.onnx for text_model.
      const bytes = loaded.files.get(onnxPath(graph, this.dtype));
      if (!bytes) throw new OmniEmbedError('bad_model', `${spec.name}: ${onnxPath(graph, this.dtype)} was not loaded`);
      this.pendingBytes.set(graph, bytes);
    }
    return loaded.files;
  }

  private async graphBytes(graph: string): Promise<Uint8Array> {
    let bytes = this.pendingBytes.get(graph);
    if (!bytes) {
      await this.loadFiles([graph], false);
      bytes = this.pendingBytes.get(graph)!;
    }
    this.pendingBytes.delete(graph);
    return bytes;
  }

  loseDevice(): Promise<boolean> {
    return this.sessions.loseDevice();
  }

  get info(): EngineInfo {
    const spec = this.options.spec;
    const instructions = spec.instructions ?? this.facts?.instructions;
    return {
      model: spec.name,
      device: this.sessions.device,
      // The files that run: after a fallback to WASM the same fp16 files run there (ORT casts
      // what its CPU kernels lack), so fp16 stays fp16.
      dtype: this.dtype,
      dims: spec.dims,
      matryoshka: spec.matryoshka ?? [spec.dims],
      modalities: specModalities(spec),
      fusion: spec.fusion ? 'graph' : 'late',
      deviceReason: this.sessions.reason,
      threads: wasmThreads(),
      runtimeCompiledBy: runtimeCompiledBy(),
      ortBuild: runtimeBuild() ?? 'webgpu',
      modelBytes: this.modelBytes,
      ...(this.sessions.webgpuChecks.size ? { webgpuChecks: Object.fromEntries(this.sessions.webgpuChecks) } : {}),
      ...(this.audio ? { audioSampleRate: this.audio.config.sampling_rate } : {}),
      ...(instructions ? { instructions } : {}),
    };
  }

  /** Embeds a batch; one bad input fails only its own slot, never its neighbours. */
  async embed(jobs: EmbedJob[]): Promise<JobResult[]> {
    if (this.disposed) throw new DisposedError();
    const results: JobResult[] = new Array(jobs.length);
    const byKind = new Map<Payload['kind'], number[]>();
    jobs.forEach((job, i) => byKind.set(job.payload.kind, [...(byKind.get(job.payload.kind) ?? []), i]));
    for (const [kind, indexes] of byKind) {
      await this.isolated(indexes, results, (subset) => this.embedKind(kind, subset.map((i) => jobs[i]!)));
    }
    return results;
  }

  /** Runs a group as one batch; if it fails, reruns each item alone so errors stay per item. */
  private async isolated(indexes: number[], results: JobResult[], run: (subset: number[]) => Promise<Embedded[]>): Promise<void> {
    try {
      const embedded = await run(indexes);
      indexes.forEach((i, k) => {
        const { vector, modalities } = embedded[k]!;
        results[i] = { ok: true, vector: l2Normalize(vector), modalities };
      });
    } catch (err) {
      if (indexes.length === 1 || err instanceof DisposedError) {
        for (const i of indexes) results[i] = failure(err);
        return;
      }
      for (const i of indexes) await this.isolated([i], results, run);
    }
  }

  private async embedKind(kind: Payload['kind'], jobs: EmbedJob[]): Promise<Embedded[]> {
    const of = <K extends Payload['kind']>(_kind: K) => jobs.map((j) => j.payload as Extract<Payload, { kind: K }>);
    const tag = (modality: Modality) => (e: Encoded) => e.embeds.map((vector) => ({ vector, modalities: [modality] }));
    switch (kind) {
      case 'text': return tag('text')(await this.encoders.text(of('text').map((p) => p.text)));
      case 'image': return tag('image')(await this.encoders.image(of('image').map((p) => p.image)));
      case 'audio': return tag('audio')(await this.encoders.audio(of('audio').map((p) => p.audio)));
      case 'video': return tag('video')(await this.encoders.video(of('video').map((p) => p.video)));
      case 'omni': {
        const items = of('omni').map((p) => p.item);
        const instructions = jobs.map((j) => j.instruction ?? this.info.instructions?.target);
        const vectors = await embedOmniItems(this.encoders, this.fusion, items, instructions);
        return vectors.map((vector, i) => ({ vector, modalities: MODALITIES.filter((m) => items[i]![m] !== undefined) }));
      }
    }
  }

  private need<T>(encoder: T | undefined, modality: Modality): T {
    if (!encoder) throw new UnsupportedModalityError(modality, this.options.spec.name);
    return encoder;
  }

  private readonly encoders: ModalityEncoders = {
    text: (texts, withTokens) => {
      for (const t of texts) if (typeof t !== 'string') throw new InvalidInputError('text input must be a string');
      return this.need(this.text, 'text').encode(texts, withTokens);
    },
    image: (images, withTokens) => this.need(this.image, 'image').encode(images, withTokens),
    audio: (clips, withTokens) => this.need(this.audio, 'audio').encode(clips, withTokens),
    video: (videos, withTokens) => this.video
      ? this.video.encode(videos, withTokens)
      // Late fusion for models without a video graph: the mean of the frames' image embeddings.
      : videoAsFrameMean(this.need(this.image, 'video'), videos, this.options.spec.videoFrames ?? 8),
  };

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    this.pendingBytes.clear();
    await this.sessions?.dispose();
  }
}

/**
 * The JSON files a spec needs: config.json always, the tokenizer only with a text graph, the image
 * processor only with an image graph, the audio one only with audio. tokenizer_config.json is
 * optional (many repos lack it); its absence is remembered by the loader.
 */
export function configFiles(spec: ModelSpec): { files: string[]; optional: string[] } {
  const files = ['config.json'];
  const optional: string[] = [];
  if (spec.text) {
    const [tok, tokConfig] = spec.tokenizerFiles ?? ['tokenizer.json', 'tokenizer_config.json'];
    files.push(tok);
    optional.push(tokConfig);
  }
  if (spec.image) files.push(spec.imageProcessorFile ?? 'preprocessor_config.json');
  if (spec.audio) files.push(spec.audio.processorFile);
  return { files: [...new Set(files)], optional: optional.filter((f) => !files.includes(f)) };
}

function failure(err: unknown): JobResult {
  return { ok: false, error: toWire(err) };
}
