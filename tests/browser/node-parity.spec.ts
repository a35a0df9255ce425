import { test, expect, cosine } from './fixtures';
import { installInputHelpers } from './sdk-page';
import { heldout, HELDOUT_DIR } from '../helpers/reference';
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import { loadNode } from '../helpers/node-entry';

// The server and the browser must produce the same vectors for the same files: the catalog is
// embedded in Node (omni-embed/node) and searched with queries embedded in Chromium (the SDK).
// Held-out inputs of every kind go through both; each pair must agree to cosine ≥ 0.9999.

const items = heldout();
const of = (kind: string, n: number) => items.filter((i) => i.kind === kind).slice(0, n);
const d = (p: string) => join(HELDOUT_DIR, p);
const omni = items.filter((i) => i.kind === 'omni' && i.files.image && i.files.audio).slice(0, 2);

type Spec = string | { file: string } | { strip: string } | { text?: string; image?: string; audio?: string };
const CASES: { name: string; spec: Spec }[] = [
  ...of('image', 2).map((i) => ({ name: `text ${i.id}`, spec: i.caption })),
  ...of('image', 2).map((i) => ({ name: `image ${i.id}`, spec: { file: i.files.image! } })),
  ...of('audio', 2).map((i) => ({ name: `audio ${i.id}`, spec: { file: i.files.audio! } })),
  ...of('video', 2).map((i) => ({ name: `video ${i.id}`, spec: { strip: i.files.frames_strip! } })),
  ...omni.map((i) => ({ name: `omni ${i.id}`, spec: { text: i.title ?? i.caption, image: i.files.image!, audio: i.files.audio! } })),
];

/** The strip's 64×64 frames as RGBA pixels: what createImageBitmap(sheet, 64·i, 0, 64, 64) gives the page. */
async function stripFrames(path: string, count = 8) {
  const { data, info } = await sharp(path).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return Array.from({ length: count }, (_, f) => {
    const out = new Uint8ClampedArray(64 * 64 * 4);
    for (let y = 0; y < 64; y++) out.set(data.subarray((y * info.width + f * 64) * 4, (y * info.width + f * 64 + 64) * 4), y * 64 * 4);
    return { data: out, width: 64, height: 64 };
  });
}

async function nodeInput(spec: Spec): Promise<unknown> {
  if (typeof spec === 'string') return spec;
  if ('file' in spec) return new URL(`file://${resolve(d(spec.file))}`);
  if ('strip' in spec) return { frames: await stripFrames(d(spec.strip)) };
  return { text: spec.text, image: d(spec.image!), audio: d(spec.audio!) };
}

async function browserVectors(page: import('@playwright/test').Page, dtype: string, extra: number[], modelUrl?: string): Promise<number[][]> {
  return page.evaluate(async ({ dtype, specs, extra, modelUrl }) => {
    const omni = await import('/dist/browser/index.js');
    const embedder = await omni.createEmbedder({ device: 'wasm', dtype: dtype as 'fp32' | 'q8' | 'q4' | 'fp16', ...(modelUrl ? { modelUrl } : {}) });
    const out: number[][] = [];
    for (const spec of specs) out.push(Array.from((await embedder.embed(await (window as any).heldoutInput(spec))).vector));
    // A PNG whose size differs from the model's: the canvas resize path.
    out.push(Array.from((await embedder.embed(new Blob([new Uint8Array(extra)], { type: 'image/png' }))).vector));
    await embedder.dispose();
    return out;
  }, { dtype, specs: CASES.map((c) => c.spec), extra, modelUrl });
}

async function nodeVectors(dtype: 'fp32' | 'q8' | 'q4' | 'fp16', extra: Uint8Array, modelDir?: string): Promise<{ vectors: number[][]; info: any }> {
  const { createEmbedder } = await loadNode();
  const embedder = await createEmbedder({ dtype, workers: 1, ...(modelDir ? { modelDir } : {}) });
  try {
    const vectors: number[][] = [];
    for (const c of CASES) vectors.push(Array.from((await embedder.embed(await nodeInput(c.spec) as never)).vector));
    vectors.push(Array.from((await embedder.embed(extra)).vector));
    return { vectors, info: embedder.info };
  } finally {
    await embedder.dispose();
  }
}

// q8 is what the package bundles (dist/models/omni-tiny); fp32, q4 and fp16 load from the repo's full
// model folder on both sides (the browser over HTTP, Node from disk).
const SETUPS = [
  { dtype: 'fp32' as const, where: 'models/omni-tiny folder', modelUrl: '/models/omni-tiny/', modelDir: 'models/omni-tiny' },
  { dtype: 'q8' as const, where: 'bundled model' },
  { dtype: 'q4' as const, where: 'models/omni-tiny folder', modelUrl: '/models/omni-tiny/', modelDir: 'models/omni-tiny' },
  { dtype: 'fp16' as const, where: 'models/omni-tiny folder', modelUrl: '/models/omni-tiny/', modelDir: 'models/omni-tiny' },
];

for (const { dtype, where, modelUrl, modelDir } of SETUPS) {
  test(`omni-embed/node equals the browser SDK on held-out text, image, audio, video and omni items (${dtype}, ${where}, cosine ≥ 0.9999)`, async ({ served }) => {
    // 150×120 with a cubic upscale: Chromium resizes it with its canvas, Node with src/node/resize.ts.
    const resized = await sharp(d(of('image', 1)[0]!.files.image!)).resize(150, 120, { fit: 'fill' }).png().toBuffer();
    await installInputHelpers(served);
    const browser = await browserVectors(served, dtype, Array.from(resized), modelUrl);
    const node = await nodeVectors(dtype, new Uint8Array(resized), modelDir);
    expect(node.info.dtype).toBe(dtype);
    expect(node.info.runtime).toBe('onnxruntime-node');
    const report: Record<string, number> = {};
    CASES.forEach((c, i) => {
      report[c.name] = cosine(browser[i]!, node.vectors[i]!);
      expect(browser[i]!.length, c.name).toBe(256);
      expect(report[c.name], c.name).toBeGreaterThanOrEqual(0.9999);
    });
    // Resizing is the one place the two differ by design (bilinear in JS vs Skia); docs/server.md.
    const resizeCos = cosine(browser[CASES.length]!, node.vectors[CASES.length]!);
    console.log(`[node-parity ${dtype}] ${JSON.stringify(report)} resized-image cos=${resizeCos.toFixed(6)}`);
    expect(resizeCos).toBeGreaterThanOrEqual(0.9995);
    // Not one constant vector: different inputs give different vectors on both sides.
    expect(cosine(node.vectors[0]!, node.vectors[2]!)).toBeLessThan(0.99);
  });
}
