// The SDK on full-size CLIP ViT-B/32 replicas (tools/replicas/) through the hub layout, WASM:
// q8 (MatMulInteger/ConvInteger) and fp16 (float32 I/O, as the hub's) files load, run, and give
// the vectors onnxruntime-node gives on the same files and tensors; an fp16 file with float16 I/O
// is fed and read in the types it declares; dispose frees the sessions' memory.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';
import * as ort from 'onnxruntime-node';
import { cosine, expect, test } from './fixtures';
import { CLIP_REPO, ensureReplica } from '../helpers/replicas';
import { normalize } from '../helpers/reference';
import type { Dtype } from '../../src/models/dtype';

const CAPTION = 'a red double-decker bus driving down a busy street on a rainy afternoon';
// Solid colours: every resize and crop leaves them as they are, so Node can build the same pixels.
const COLOURS: [number, number, number][] = [[200, 30, 60], [20, 140, 230]];
const MEAN = [0.48145466, 0.4578275, 0.40821073];
const STD = [0.26862954, 0.26130258, 0.27577711];

let full: string;
let io16: string;

test.beforeAll(() => {
  full = ensureReplica({ scale: 'full', variants: ['_quantized', '_fp16'] });
  io16 = ensureReplica({ scale: 'mini', variants: ['', '_fp16'], fp16Io: 'float16' });
});

async function reference(dir: string, suffix: string): Promise<{ text: Float32Array; images: Float32Array[]; types: string[]; ids: number[] }> {
  const tok = new Tokenizer(JSON.parse(readFileSync(join(dir, 'tokenizer.json'), 'utf8')), JSON.parse(readFileSync(join(dir, 'tokenizer_config.json'), 'utf8')));
  const ids = tok.encode(CAPTION).ids as number[];
  const text = await ort.InferenceSession.create(join(dir, `onnx/text_model${suffix}.onnx`));
  const t = await text.run({ input_ids: new ort.Tensor('int64', BigInt64Array.from(ids.map(BigInt)), [1, ids.length]) });
  const vision = await ort.InferenceSession.create(join(dir, `onnx/vision_model${suffix}.onnx`));
  const types = [...text.inputMetadata, ...vision.inputMetadata, ...vision.outputMetadata].map((m) => `${m.name}:${m.isTensor ? m.type : '?'}`);
  const images: Float32Array[] = [];
  for (const rgb of COLOURS) {
    const px = new Float32Array(3 * 224 * 224);
    for (let c = 0; c < 3; c++) px.fill((rgb[c]! / 255 - MEAN[c]!) / STD[c]!, c * 224 * 224, (c + 1) * 224 * 224);
    const pixelType = vision.inputMetadata[0]!.isTensor ? vision.inputMetadata[0]!.type : 'float32';
    const feed = pixelType === 'float16'
      ? new ort.Tensor('float16', Uint16Array.from(px, (v) => f16Bits(v)), [1, 3, 224, 224])
      : new ort.Tensor('float32', px, [1, 3, 224, 224]);
    const out = (await vision.run({ pixel_values: feed })).image_embeds!;
    images.push(normalize(out.type === 'float16' ? Float32Array.from(out.data as Uint16Array, f16Value) : Float32Array.from(out.data as Float32Array)));
  }
  const out = { ids, text: normalize(Float32Array.from(t.text_embeds!.data as Float32Array, (v) => (t.text_embeds!.type === 'float16' ? f16Value(v) : v))), images, types };
  await text.release();
  await vision.release();
  return out;
}

// Node 20 has no Float16Array: numpy-equivalent conversions for the reference side.
function f16Bits(v: number): number {
  const f = new Float32Array([v]);
  const x = new Uint32Array(f.buffer)[0]!;
  const sign = (x >>> 16) & 0x8000, e = ((x >>> 23) & 0xff) - 112, m = x & 0x7fffff;
  if (e <= 0) return sign;
  let h = sign | (e << 10) | (m >>> 13);
  const rest = m & 0x1fff;
  if (rest > 0x1000 || (rest === 0x1000 && (h & 1))) h++;
  return h;
}
function f16Value(h: number): number {
  const e = (h >>> 10) & 0x1f, m = h & 0x3ff, s = h & 0x8000 ? -1 : 1;
  return e === 0 ? s * m * 2 ** -24 : s * (1 + m / 1024) * 2 ** (e - 15);
}

/** The text tower run by onnxruntime-web itself in the page, no SDK around it. */
function rawOrtWeb(page: import('@playwright/test').Page, url: string, ids: number[]): Promise<number[]> {
  return page.evaluate(async ({ url, ids }) => {
    const ort = await import('/ort/ort.min.mjs' as string);
    ort.env.wasm.wasmPaths = '/ort/';
    const session = await ort.InferenceSession.create(new Uint8Array(await (await fetch(url)).arrayBuffer()), { executionProviders: ['wasm'], graphOptimizationLevel: 'all' });
    const out = await session.run({ input_ids: new ort.Tensor('int64', BigInt64Array.from(ids.map(BigInt)), [1, ids.length]) });
    const v = Array.from(out.text_embeds.data as Float32Array);
    await session.release();
    const n = Math.hypot(...v);
    return v.map((x) => x / n);
  }, { url, ids });
}

interface SdkRun { text: number[]; images: number[][]; info: { dtype: string; device: string; dims: number }; ready: number; memory?: { loaded: number; disposed: number }; afterDispose: string }

function runSdk(page: import('@playwright/test').Page, host: string, dtype: Dtype, measure: boolean): Promise<SdkRun> {
  return page.evaluate(async ({ host, dtype, caption, colours, measure }) => {
    const omni = await import('/dist/browser/index.js');
    const measureMemory = async () => ((await (performance as any).measureUserAgentSpecificMemory()) as { bytes: number }).bytes;
    const t0 = performance.now();
    const e = await omni.createEmbedder({ model: 'clip-vit-base-patch32', host, dtype, device: 'wasm', workers: 1 });
    const ready = performance.now() - t0;
    const text = Array.from((await e.embed(caption)).vector);
    const images: number[][] = [];
    for (const [r, g, b] of colours) {
      const c = new OffscreenCanvas(224, 224);
      const ctx = c.getContext('2d')!;
      ctx.fillStyle = `rgb(${r}, ${g}, ${b})`;
      ctx.fillRect(0, 0, 224, 224);
      images.push(Array.from((await e.embed(await c.convertToBlob({ type: 'image/png' }))).vector));
    }
    const loaded = measure && crossOriginIsolated ? await measureMemory() : 0;
    await e.dispose();
    const disposed = measure && crossOriginIsolated ? await measureMemory() : 0;
    const afterDispose = await e.embed('x').then(() => 'resolved', (err: any) => err.code);
    return { text, images, info: e.info, ready, afterDispose, ...(measure ? { memory: { loaded, disposed } } : {}) };
  }, { host, dtype, caption: CAPTION, colours: COLOURS, measure });
}

for (const [dtype, suffix] of [['q8', '_quantized'], ['fp16', '_fp16']] as const) {
  test(`full-size CLIP ${dtype}: loads through the hub layout and equals onnxruntime-node on the same files`, async ({ served }) => {
    test.setTimeout(600_000);
    const ref = await reference(full, suffix);
    // The hub's forms: float32 I/O in both files.
    expect(ref.types).toEqual(['input_ids:int64', 'pixel_values:float32', 'last_hidden_state:float32', 'image_embeds:float32']);
    const host = new URL('/replicas/full', served.url()).href;
    const sdk = await runSdk(served, host, dtype, dtype === 'q8');
    expect(sdk.info).toMatchObject({ dtype, device: 'wasm', dims: 512 });
    const web = await rawOrtWeb(served, `${host}/${CLIP_REPO}/resolve/main/onnx/text_model${suffix}.onnx`, ref.ids);
    console.log(`[replicas] CLIP ${dtype} text cosine to raw onnxruntime-web ${cosine(sdk.text, web).toFixed(7)}; to onnxruntime-node: text ${cosine(sdk.text, ref.text).toFixed(6)}, images ${sdk.images.map((v, i) => cosine(v, ref.images[i]!).toFixed(6)).join(', ')}`);
    // The SDK adds nothing to what ORT computes: same file, same ids, same runtime.
    expect(cosine(sdk.text, web)).toBeGreaterThan(0.999999);
    // Across runtimes the int8 kernels differ (native MLAS vs WASM accumulate MatMulInteger
    // differently), which costs q8 about 1e-4 of cosine; float graphs agree to 1e-6.
    const floor = dtype === 'q8' ? 0.9995 : 0.9999;
    expect(cosine(sdk.text, ref.text)).toBeGreaterThan(floor);
    sdk.images.forEach((v, i) => expect(cosine(v, ref.images[i]!), `image ${i}`).toBeGreaterThan(floor));
    // Different inputs, different vectors: parity is not two constant outputs agreeing.
    expect(cosine(sdk.images[0]!, sdk.images[1]!)).toBeLessThan(0.999);
    expect(sdk.afterDispose).toBe('disposed');
    if (sdk.memory && sdk.memory.loaded > 0) {
      // Both q8 towers (64 + 88 MB of weights) were resident; after dispose most of it is gone.
      expect(sdk.memory.loaded).toBeGreaterThan(120e6);
      expect(sdk.memory.disposed).toBeLessThan(sdk.memory.loaded - 100e6);
    }
    console.log(`[replicas] CLIP ${dtype}: ready ${Math.round(sdk.ready)} ms${sdk.memory ? `, memory loaded ${(sdk.memory.loaded / 1e6).toFixed(0)} MB, disposed ${(sdk.memory.disposed / 1e6).toFixed(0)} MB` : ''}`);
  });
}

test('an fp16 file with float16 inputs and outputs is fed and read in the types it declares', async ({ served }) => {
  const ref = await reference(io16, '_fp16');
  expect(ref.types).toEqual(['input_ids:int64', 'pixel_values:float16', 'last_hidden_state:float16', 'image_embeds:float16']);
  const fp32 = await reference(io16, '');
  const host = new URL('/replicas/mini-io16', served.url()).href;
  const sdk = await runSdk(served, host, 'fp16', false);
  expect(cosine(sdk.text, ref.text)).toBeGreaterThan(0.9999);
  sdk.images.forEach((v, i) => expect(cosine(v, ref.images[i]!), `image ${i}`).toBeGreaterThan(0.9999));
  // And the fp16 graph tracks its fp32 original (the half conversion is right, not merely consistent).
  expect(cosine(sdk.text, fp32.text)).toBeGreaterThan(0.999);
  sdk.images.forEach((v, i) => expect(cosine(v, fp32.images[i]!), `image ${i} vs fp32`).toBeGreaterThan(0.999));
});
