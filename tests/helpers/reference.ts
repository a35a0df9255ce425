// Independent reference embeddings computed in Node: the same model files through
// onnxruntime-node, with transformers.js's own processors for images and audio. Browser tests
// compare the SDK's vectors against these, which catches drift anywhere on the data path.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import sharp from 'sharp';
import { Tokenizer } from '@huggingface/tokenizers';
import { CLIPImageProcessor, ClapFeatureExtractor, RawImage } from '@huggingface/transformers';

export const MODEL_DIR = 'models/omni-tiny';
export const HELDOUT_DIR = 'data/heldout';

const readJson = (p: string) => JSON.parse(readFileSync(p, 'utf8'));

export interface HeldoutItem {
  id: string;
  kind: 'image' | 'audio' | 'video' | 'omni';
  split: string;
  caption: string;
  title?: string;
  attributes: Record<string, string | number>;
  files: Record<string, string>;
}

export function heldout(): HeldoutItem[] {
  return readJson(join(HELDOUT_DIR, 'index.json')).items;
}

/** 16-bit PCM mono WAV → float samples in [-1, 1), exactly as Web Audio decodes them. */
export function readWav(path: string): { samples: Float32Array; sampleRate: number } {
  const buf = readFileSync(path);
  let offset = 12;
  let sampleRate = 0;
  while (offset < buf.length) {
    const id = buf.toString('ascii', offset, offset + 4);
    const size = buf.readUInt32LE(offset + 4);
    if (id === 'fmt ') sampleRate = buf.readUInt32LE(offset + 12);
    if (id === 'data') {
      const n = size / 2;
      const samples = new Float32Array(n);
      for (let i = 0; i < n; i++) samples[i] = buf.readInt16LE(offset + 8 + i * 2) / 32768;
      return { samples, sampleRate };
    }
    offset += 8 + size + (size % 2);
  }
  throw new Error(`${path}: no data chunk`);
}

export function normalize(v: Float32Array): Float32Array {
  const n = Math.sqrt(v.reduce((s, x) => s + x * x, 0));
  return v.map((x) => x / n);
}

export class Reference {
  private sessions = new Map<string, Promise<ort.InferenceSession>>();
  private readonly config = readJson(join(MODEL_DIR, 'config.json'));
  private readonly tokenizer = new Tokenizer(readJson(join(MODEL_DIR, 'tokenizer.json')), readJson(join(MODEL_DIR, 'tokenizer_config.json')));
  readonly imageProcessor = new CLIPImageProcessor(readJson(join(MODEL_DIR, 'preprocessor_config.json')));
  readonly audioProcessor = new ClapFeatureExtractor(readJson(join(MODEL_DIR, 'audio_preprocessor_config.json')));

  constructor(private readonly suffix = '') {}

  private session(graph: string): Promise<ort.InferenceSession> {
    let s = this.sessions.get(graph);
    if (!s) {
      s = ort.InferenceSession.create(join(MODEL_DIR, 'onnx', `${graph}${this.suffix}.onnx`));
      this.sessions.set(graph, s);
    }
    return s;
  }

  async text(text: string): Promise<{ embeds: Float32Array; tokens: Float32Array }> {
    const ids = this.tokenizer.encode(text).ids.slice(0, this.config.max_position_embeddings);
    const t = (a: number[]) => new ort.Tensor('int64', BigInt64Array.from(a.map(BigInt)), [1, a.length]);
    const out = await (await this.session('text_model')).run({ input_ids: t(ids), attention_mask: t(ids.map(() => 1)) });
    return { embeds: out.text_embeds!.data as Float32Array, tokens: out.last_hidden_state!.data as Float32Array };
  }

  async pixelValues(path: string): Promise<Float32Array> {
    const { pixel_values } = await this.imageProcessor(await RawImage.read(path));
    return pixel_values.data as Float32Array;
  }

  async image(path: string): Promise<{ embeds: Float32Array; tokens: Float32Array }> {
    const out = await (await this.session('vision_model')).run({ pixel_values: new ort.Tensor('float32', await this.pixelValues(path), [1, 3, 64, 64]) });
    return { embeds: out.image_embeds!.data as Float32Array, tokens: out.image_tokens!.data as Float32Array };
  }

  async audioFeatures(samples: Float32Array): Promise<{ data: Float32Array; dims: number[] }> {
    const { input_features } = await this.audioProcessor(samples);
    return { data: input_features.data as Float32Array, dims: input_features.dims as number[] };
  }

  async audio(path: string): Promise<{ embeds: Float32Array; tokens: Float32Array }> {
    const f = await this.audioFeatures(readWav(path).samples);
    const out = await (await this.session('audio_model')).run({ input_features: new ort.Tensor('float32', f.data, f.dims) });
    return { embeds: out.audio_embeds!.data as Float32Array, tokens: out.audio_tokens!.data as Float32Array };
  }

  /** Frames cut from a horizontal strip of 64×64 frames, each through the image processor. */
  async video(stripPath: string, count = 8): Promise<Float32Array> {
    const frames = await Promise.all(Array.from({ length: count }, async (_, i) => {
      const { data } = await sharp(stripPath).extract({ left: 64 * i, top: 0, width: 64, height: 64 }).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
      const { pixel_values } = await this.imageProcessor(new RawImage(new Uint8ClampedArray(data), 64, 64, 4));
      return pixel_values.data as Float32Array;
    }));
    const input = new Float32Array(frames.length * frames[0]!.length);
    frames.forEach((f, i) => input.set(f, i * f.length));
    const out = await (await this.session('video_model')).run({ pixel_values: new ort.Tensor('float32', input, [1, frames.length, 3, 64, 64]) });
    return out.video_embeds!.data as Float32Array;
  }

  /** The fusion graph over [audio; vision; text] tokens, text = instruction + text. */
  async omni(item: { text?: string; image?: string; audio?: string }, instruction: string): Promise<Float32Array> {
    const blocks: Float32Array[] = [];
    if (item.audio) blocks.push((await this.audio(item.audio)).tokens);
    if (item.image) blocks.push((await this.image(item.image)).tokens);
    blocks.push((await this.text([instruction, item.text].filter(Boolean).join(' '))).tokens);
    const hidden = this.config.hidden_size as number;
    const n = blocks.reduce((s, b) => s + b.length / hidden, 0);
    const embeds = new Float32Array(n * hidden);
    let o = 0;
    for (const b of blocks) { embeds.set(b, o); o += b.length; }
    const out = await (await this.session('fusion_model')).run({
      inputs_embeds: new ort.Tensor('float32', embeds, [1, n, hidden]),
      attention_mask: new ort.Tensor('int64', new BigInt64Array(n).fill(1n), [1, n]),
    });
    return out.embeds!.data as Float32Array;
  }
}
