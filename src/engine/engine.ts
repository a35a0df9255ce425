// The worker-side engine: loads one model, owns its ORT sessions (created once, lazily), and turns
// batches of payloads into normalised vectors. No DOM; runs in a dedicated worker.

import { loadModel, readJson, type Dtype as FileDtype, type LoadProgress, type ModelCache } from '../models';
import { OmniEmbedError } from '../errors';
import { MODALITIES, specGraphs, specModalities, type Modality, type ModelSpec } from '../presets/spec';
import { planDevice, probeWebGpu, type Device, type DeviceRequest, type Dtype } from './backend';
import { GraphSession, configureRuntime, webgpuDevice, type RuntimeOptions } from './session';
import { TextProcessor } from './preprocess/text';
import type { ImageProcessorConfig } from './preprocess/image';
import type { AudioFeatureConfig } from './preprocess/audio-features';
import { readModelFacts, type ModelFacts } from './model-config';
import { TextEncoder } from './encoders/text';
import { ImageEncoder } from './encoders/image';
import { AudioEncoder } from './encoders/audio';
import { VideoEncoder, videoAsFrameMean } from './encoders/video';
import { FusionEncoder, lateFusion, type FusionParts } from './encoders/fusion';
import type { Encoded } from './encoders/encoder';
import { l2Normalize } from './pooling';
import type { EmbedJob, JobResult, OmniPayload, Payload } from './payload';

export interface EngineOptions extends RuntimeOptions {
  spec: ModelSpec;
  device?: DeviceRequest;
  dtype?: Dtype;
  host?: string;
  cache?: ModelCache | false;
}

export interface EngineInfo {
  model: string;
  device: Device;
  dtype: Dtype;
  dims: number;
  matryoshka: number[];
  modalities: Modality[];
  fusion: 'graph' | 'late';
  deviceReason: string;
  /** The rate the audio encoder wants; the page decodes straight to it. */
  audioSampleRate?: number;
  instructions?: { query: string; target: string };
}

export interface EngineEvents {
  onProgress?: (p: LoadProgress) => void;
  onDeviceChange?: (info: { from: Device; to: Device; reason: string }) => void;
  onWarning?: (message: string) => void;
}

export class DisposedError extends OmniEmbedError {
  constructor() {
    super('disposed', 'this embedder has been disposed; create a new one');
  }
}

export class UnsupportedModalityError extends OmniEmbedError {
  constructor(modality: string, model: string) {
    super('unsupported_modality', `model ${model} does not embed ${modality}`);
  }
}

interface Embedded { vector: Float32Array; modalities: Modality[] }

const FILE_DTYPE: Record<Dtype, FileDtype> = { fp32: 'fp32', fp16: 'fp16', q8: 'q8', q4: 'q4' };

export class Engine {
  private sessions = new Map<string, Promise<GraphSession>>();
  private pendingBytes = new Map<string, Uint8Array>();
  private disposed = false;
  private device: Device = 'wasm';
  private dtype: Dtype = 'fp32';
  private deviceReason = '';
  private facts!: ModelFacts;
  private text?: TextEncoder;
  private image?: ImageEncoder;
  private audio?: AudioEncoder;
  private video?: VideoEncoder;
  private fusion?: FusionEncoder;

  private constructor(private readonly options: EngineOptions, private readonly events: EngineEvents) {}

  static async create(options: EngineOptions, events: EngineEvents = {}): Promise<Engine> {
    const engine = new Engine(options, events);
    await engine.init();
    return engine;
  }

  private async init(): Promise<void> {
    const { spec } = this.options;
    configureRuntime(this.options);
    const gpu = await probeWebGpu();
    const plan = planDevice(this.options.device ?? 'auto', this.options.dtype, gpu);
    this.device = plan.device;
    this.dtype = plan.dtype;
    this.deviceReason = plan.reason;
    const files = await this.loadFiles(specGraphs(spec), true);

    const config = readJson<Record<string, unknown>>(files, 'config.json');
    const [tokFile, tokConfigFile] = spec.tokenizerFiles ?? ['tokenizer.json', 'tokenizer_config.json'];
    const tokenizerConfig = files.has(tokConfigFile) ? readJson<Record<string, unknown>>(files, tokConfigFile) : {};
    this.facts = readModelFacts(config, tokenizerConfig);
    const session = (graph: string) => () => this.session(graph);

    if (spec.text) {
      const processor = new TextProcessor(readJson(files, tokFile), tokenizerConfig, {
        maxLength: this.facts.maxTextLength,
        padTokenId: this.facts.padTokenId,
        onTruncate: (text, n) => this.events.onWarning?.(`text of ${n} tokens truncated to ${this.facts.maxTextLength}: "${text.slice(0, 40)}…"`),
      });
      this.text = new TextEncoder(session(spec.text.graph), processor, spec.text, spec.dims);
    }
    if (spec.image) {
      const imageConfig = readJson<ImageProcessorConfig>(files, spec.imageProcessorFile ?? 'preprocessor_config.json');
      this.image = new ImageEncoder(session(spec.image.graph), imageConfig, spec.image, spec.dims);
      if (spec.video) this.video = new VideoEncoder(session(spec.video.graph), this.image, spec.video, spec.dims);
    }
    if (spec.audio) {
      const audioConfig = readJson<AudioFeatureConfig>(files, spec.audio.processorFile);
      this.audio = new AudioEncoder(session(spec.audio.graph), audioConfig, spec.audio, spec.dims);
    }
    if (spec.fusion) {
      if (!this.facts.hiddenSize) throw new OmniEmbedError('bad_model', `${spec.name}: config.json lacks hidden_size needed by the fusion graph`);
      this.fusion = new FusionEncoder(session(spec.fusion.graph), spec.fusion, this.facts.hiddenSize, spec.dims);
    }
    // Create the first session now: a model whose graphs cannot run on WebGPU is found out at
    // start-up (and moved to WASM) rather than on the user's first query.
    const first = specGraphs(spec)[0];
    if (first) await this.session(first);
  }

  private async loadFiles(graphs: string[], withConfigs: boolean): Promise<Map<string, Uint8Array>> {
    const { spec } = this.options;
    const configs = withConfigs
      ? ['config.json', ...(spec.tokenizerFiles ?? ['tokenizer.json']), spec.imageProcessorFile ?? 'preprocessor_config.json', ...(spec.audio ? [spec.audio.processorFile] : [])]
      : [];
    const loaded = await loadModel(spec.source, {
      files: [...new Set(configs)],
      optional: withConfigs ? ['tokenizer_config.json', ...(spec.image ? [] : ['preprocessor_config.json'])] : [],
      graphs,
      dtype: FILE_DTYPE[this.dtype],
      ...(this.options.host ? { host: this.options.host } : {}),
      ...(this.options.cache !== undefined ? { cache: this.options.cache } : {}),
      ...(this.events.onProgress ? { onProgress: this.events.onProgress } : {}),
    });
    for (const graph of graphs) {
      const path = [...loaded.files.keys()].find((p) => p.startsWith(`onnx/${graph}`) && p.endsWith('.onnx'));
      if (path) this.pendingBytes.set(graph, loaded.files.get(path)!);
    }
    return loaded.files;
  }

  private session(graph: string): Promise<GraphSession> {
    if (this.disposed) return Promise.reject(new DisposedError());
    let s = this.sessions.get(graph);
    if (!s) {
      s = this.createSession(graph);
      this.sessions.set(graph, s);
      s.catch(() => this.sessions.delete(graph));
    }
    return s;
  }

  private async createSession(graph: string): Promise<GraphSession> {
    let bytes = this.pendingBytes.get(graph);
    if (!bytes) {
      await this.loadFiles([graph], false);
      bytes = this.pendingBytes.get(graph)!;
    }
    try {
      const s = await GraphSession.create(graph, bytes, this.device);
      if (this.device === 'webgpu') void this.watchDevice();
      return s;
    } catch (err) {
      if (this.device !== 'webgpu') throw err;
      // The model does not run on this GPU: serve from WASM rather than fail.
      await this.switchToWasm(`${graph} cannot run on WebGPU: ${(err as Error).message}`);
      return GraphSession.create(graph, bytes, 'wasm');
    } finally {
      this.pendingBytes.delete(graph);
    }
  }

  private watching = false;

  private async watchDevice(): Promise<void> {
    if (this.watching) return;
    const device = await webgpuDevice();
    if (!device || this.watching) return;
    this.watching = true;
    void device.lost.then((lost) => {
      if (this.disposed || this.device !== 'webgpu') return;
      void this.switchToWasm(`WebGPU device lost (${lost.reason}: ${lost.message})`);
    });
  }

  /** Rebuilds every session on WASM; queued work continues on the new sessions. */
  private async switchToWasm(reason: string): Promise<void> {
    if (this.device === 'wasm') return;
    this.device = 'wasm';
    this.deviceReason = reason;
    if (this.dtype === 'fp16') this.dtype = 'fp32';
    const old = [...this.sessions.values()];
    this.sessions.clear();
    for (const s of old) void s.then((x) => x.release()).catch(() => undefined);
    this.events.onDeviceChange?.({ from: 'webgpu', to: 'wasm', reason });
  }

  /** Test hook: destroys ORT's GPUDevice to exercise the device-loss path. */
  async loseDevice(): Promise<boolean> {
    const device = await webgpuDevice();
    device?.destroy();
    return !!device;
  }

  get info(): EngineInfo {
    const spec = this.options.spec;
    const instructions = spec.instructions ?? this.facts?.instructions;
    return {
      model: spec.name,
      device: this.device,
      dtype: this.dtype,
      dims: spec.dims,
      matryoshka: spec.matryoshka ?? [spec.dims],
      modalities: specModalities(spec),
      fusion: spec.fusion ? 'graph' : 'late',
      deviceReason: this.deviceReason,
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
    const of = <K extends Payload['kind']>(k: K) => jobs.map((j) => j.payload as Extract<Payload, { kind: K }>);
    const tag = (modality: Modality) => (e: Encoded) => e.embeds.map((vector) => ({ vector, modalities: [modality] }));
    switch (kind) {
      case 'text': return tag('text')(await this.encodeText(of('text').map((p) => p.text)));
      case 'image': return tag('image')(await this.need(this.image, 'image').encode(of('image').map((p) => p.image)));
      case 'audio': return tag('audio')(await this.need(this.audio, 'audio').encode(of('audio').map((p) => p.audio)));
      case 'video': return tag('video')(await this.encodeVideo(of('video').map((p) => p.video)));
      case 'omni': {
        const items = of('omni').map((p) => p.item);
        const vectors = await this.embedOmni(items, jobs.map((j) => j.instruction));
        return vectors.map((vector, i) => ({ vector, modalities: MODALITIES.filter((m) => items[i]![m] !== undefined) }));
      }
    }
  }

  private need<T>(encoder: T | undefined, modality: Modality): T {
    if (!encoder) throw new UnsupportedModalityError(modality, this.options.spec.name);
    return encoder;
  }

  private encodeText(texts: string[]): Promise<Encoded> {
    for (const t of texts) if (typeof t !== 'string') throw new OmniEmbedError('invalid_input', 'text input must be a string');
    return this.need(this.text, 'text').encode(texts);
  }

  private encodeVideo(videos: Parameters<VideoEncoder['encode']>[0]): Promise<Encoded> {
    if (this.video) return this.video.encode(videos);
    return videoAsFrameMean(this.need(this.image, 'video'), videos, this.options.spec.videoFrames ?? 8);
  }

  private async embedOmni(items: OmniPayload[], requested: (string | undefined)[]): Promise<Float32Array[]> {
    const instructions = requested.map((r) => r ?? this.info.instructions?.target);
    const pick = <K extends keyof OmniPayload>(key: K) => {
      const idx = items.flatMap((it, i) => (it[key] !== undefined ? [i] : []));
      return { idx, values: idx.map((i) => items[i]![key]!) };
    };
    const audio = pick('audio'), image = pick('image'), video = pick('video');
    const audioEnc = audio.idx.length ? await this.need(this.audio, 'audio').encode(audio.values) : undefined;
    const imageEnc = image.idx.length ? await this.need(this.image, 'image').encode(image.values) : undefined;
    const videoEnc = video.idx.length ? await this.encodeVideo(video.values) : undefined;

    if (!this.fusion) {
      // Late fusion: every present part counts once, text included.
      const text = pick('text');
      const textEnc = text.idx.length ? await this.encodeText(text.values) : undefined;
      return items.map((_, i) => {
        const parts: Float32Array[] = [];
        for (const [sel, enc] of [[audio, audioEnc], [image, imageEnc], [video, videoEnc], [text, textEnc]] as const) {
          const k = sel.idx.indexOf(i);
          if (k >= 0 && enc) parts.push(enc.embeds[k]!);
        }
        if (!parts.length) throw new OmniEmbedError('invalid_input', 'an omni item needs at least one of text, image, audio, video');
        return lateFusion(parts);
      });
    }

    // The fusion graph sees the instruction as text, so an item without text still carries it.
    const texts = items.map((it, i) => [instructions[i], it.text].filter(Boolean).join(' '));
    const textIdx = texts.flatMap((t, i) => (t ? [i] : []));
    const textEnc = textIdx.length ? await this.encodeText(textIdx.map((i) => texts[i]!)) : undefined;
    const tokensOf = (sel: { idx: number[] }, enc: Encoded | undefined, i: number) => {
      const k = sel.idx.indexOf(i);
      return k >= 0 ? enc?.tokens?.[k] : undefined;
    };
    const parts: FusionParts[] = items.map((item, i) => {
      if (!item.text && !item.image && !item.audio && !item.video) {
        throw new OmniEmbedError('invalid_input', 'an omni item needs at least one of text, image, audio, video');
      }
      const p: FusionParts = {};
      const a = tokensOf(audio, audioEnc, i); if (a) p.audio = a;
      const v = tokensOf(video, videoEnc, i) ?? tokensOf(image, imageEnc, i); if (v) p.vision = v;
      const t = tokensOf({ idx: textIdx }, textEnc, i); if (t) p.text = t;
      return p;
    });
    return (await this.fusion.encode(parts)).embeds;
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    const sessions = [...this.sessions.values()];
    this.sessions.clear();
    this.pendingBytes.clear();
    await Promise.all(sessions.map((s) => s.then((x) => x.release()).catch(() => undefined)));
  }
}

function failure(err: unknown): JobResult {
  if (err instanceof OmniEmbedError) return { ok: false, code: err.code, message: err.message };
  return { ok: false, code: 'embed_failed', message: String((err as Error)?.message ?? err) };
}
