// Shared helpers for omni-tiny verification / evaluation (node).
// Preprocessing uses transformers.js' own CLIPImageProcessor and ClapFeatureExtractor on the committed media,
// i.e. the same code path a browser app would use.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { RawImage, CLIPImageProcessor, ClapFeatureExtractor } from '@huggingface/transformers';
import { Tokenizer } from '@huggingface/tokenizers';

export const HERE = path.dirname(fileURLToPath(import.meta.url));
export const ROOT = path.resolve(HERE, '..', '..');
// OMNI_TINY_DIR points the evaluations at another export (a training trial's scratch folder).
export const MODEL_DIR = process.env.OMNI_TINY_DIR ? path.resolve(process.env.OMNI_TINY_DIR) : path.join(ROOT, 'models', 'omni-tiny');
export const HELD_DIR = path.join(ROOT, 'data', 'heldout');
export const GRAPHS = ['text_model', 'vision_model', 'audio_model', 'video_model', 'fusion_model'];
export const VARIANTS = { fp32: '', fp16: '_fp16', q8: '_quantized', q4: '_q4' };

const readJSON = (p) => JSON.parse(fs.readFileSync(p, 'utf8'));
export const config = () => readJSON(path.join(MODEL_DIR, 'config.json'));
export const heldout = () => readJSON(path.join(HELD_DIR, 'index.json'));

export function loadTokenizer() {
  return new Tokenizer(readJSON(path.join(MODEL_DIR, 'tokenizer.json')), readJSON(path.join(MODEL_DIR, 'tokenizer_config.json')));
}

/** texts -> {input_ids: BigInt64Array, attention_mask: BigInt64Array, dims:[B,T]} padded with id 0 */
export function tokenize(tok, texts, maxLen = 32) {
  const enc = texts.map((t) => tok.encode(t).ids.slice(0, maxLen));
  const T = Math.max(...enc.map((e) => e.length));
  const ids = new BigInt64Array(texts.length * T);
  const mask = new BigInt64Array(texts.length * T);
  enc.forEach((e, i) => e.forEach((v, j) => { ids[i * T + j] = BigInt(v); mask[i * T + j] = 1n; }));
  return { ids, mask, dims: [texts.length, T], enc };
}

let _img, _aud;
export function imageProcessor() {
  return (_img ??= new CLIPImageProcessor(readJSON(path.join(MODEL_DIR, 'preprocessor_config.json'))));
}
export function audioExtractor() {
  return (_aud ??= new ClapFeatureExtractor(readJSON(path.join(MODEL_DIR, 'audio_preprocessor_config.json'))));
}

/** PNG path -> Float32Array [3,64,64] via CLIPImageProcessor */
export async function imagePixels(file) {
  const img = await RawImage.read(file);
  const { pixel_values } = await imageProcessor()(img);
  return pixel_values.data;
}

/** Strip of nFrames frames side by side (512x64 for 64x64 frames) -> Float32Array [8,3,64,64]
 *  (each frame through CLIPImageProcessor, which resizes and centre-crops frames of any size) */
export async function stripPixels(file, nFrames = 8) {
  const strip = await RawImage.read(file);
  const rgb = strip.rgb();
  const fw = rgb.width / nFrames, fh = rgb.height;
  const out = new Float32Array(nFrames * 3 * 64 * 64);
  for (let f = 0; f < nFrames; f++) {
    const data = new Uint8ClampedArray(fw * fh * 3);
    for (let y = 0; y < fh; y++) for (let x = 0; x < fw; x++) for (let c = 0; c < 3; c++)
      data[(y * fw + x) * 3 + c] = rgb.data[(y * rgb.width + f * fw + x) * 3 + c];
    const { pixel_values } = await imageProcessor()(new RawImage(data, fw, fh, 3));
    out.set(pixel_values.data, f * 3 * 64 * 64);
  }
  return out;
}

/** 16-bit PCM mono WAV -> Float32Array in [-1,1) (at the file's rate: readWavRate has it) */
export function readWav(file) {
  return readWavRate(file).samples;
}
export function readWavRate(file) {
  const b = fs.readFileSync(file);
  let off = 12, rate;
  while (off < b.length) {
    const id = b.toString('ascii', off, off + 4);
    const size = b.readUInt32LE(off + 4);
    if (id === 'fmt ') rate = b.readUInt32LE(off + 12);
    if (id === 'data') {
      const n = size / 2;
      const out = new Float32Array(n);
      for (let i = 0; i < n; i++) out[i] = b.readInt16LE(off + 8 + 2 * i) / 32768;
      return { samples: out, rate };
    }
    off += 8 + size + (size & 1);
  }
  throw new Error('no data chunk in ' + file);
}

let _resample;
/** The SDK's own windowed-sinc resampler (src/engine/preprocess/resample.ts, what omni-embed/node applies to
 *  a WAV at another rate), transpiled on first use rather than copied, so node and SDK cannot drift apart. */
async function sdkResample() {
  if (!_resample) {
    const ts = (await import('typescript')).default;
    const src = fs.readFileSync(path.join(ROOT, 'src', 'engine', 'preprocess', 'resample.ts'), 'utf8');
    const js = ts.transpileModule(src, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText;
    _resample = (await import('data:text/javascript,' + encodeURIComponent(js))).resample;
  }
  return _resample;
}

/** WAV path -> {data: Float32Array [1,1,F,64], dims} via ClapFeatureExtractor (resampled to its rate first) */
export async function audioFeatures(file) {
  const { samples, rate } = readWavRate(file);
  const sr = audioExtractor().config.sampling_rate;
  const pcm = rate === sr ? samples : (await sdkResample())(samples, rate, sr);
  const { input_features } = await audioExtractor()(pcm);
  return { data: input_features.data, dims: input_features.dims };
}

export { l2 } from './scoring.mjs';
export function cos(a, b) {
  let s = 0, na = 0, nb = 0;
  for (let i = 0; i < a.length; i++) { s += a[i] * b[i]; na += a[i] * a[i]; nb += b[i] * b[i]; }
  return s / Math.sqrt(na * nb);
}
export function rows(t, dim) {
  const out = [];
  for (let i = 0; i < t.length / dim; i++) out.push(t.slice(i * dim, (i + 1) * dim));
  return out;
}
