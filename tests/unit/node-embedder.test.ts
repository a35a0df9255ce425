import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadNode } from '../helpers/node-entry';
import { heldout, HELDOUT_DIR, readWav } from '../helpers/reference';

// omni-embed/node's own behaviour (parity with the browser is tests/browser/node-parity.spec.ts):
// typed errors across the thread boundary, per-input isolation, worker death, inputs, WAV, cache.

type Node = Awaited<ReturnType<typeof loadNode>>;
let node: Node;
let embedder: Awaited<ReturnType<Node['createEmbedder']>>;
const img = heldout().find((i) => i.kind === 'image')!;
const aud = heldout().find((i) => i.kind === 'audio')!;
const imagePath = resolve(HELDOUT_DIR, img.files.image!);
const wavPath = resolve(HELDOUT_DIR, aud.files.audio!);
const dot = (a: Float32Array, b: Float32Array) => a.reduce((s, x, i) => s + x * b[i]!, 0);

beforeAll(async () => {
  node = await loadNode();
  embedder = await node.createEmbedder({ workers: 2, threadsPerWorker: 1 });
}, 120_000);
afterAll(() => embedder?.dispose());

describe('omni-embed/node', () => {
  it('loads the bundled omni-tiny on onnxruntime-node with the browser defaults (q8)', () => {
    expect(embedder.info).toMatchObject({ model: 'omni-tiny', runtime: 'onnxruntime-node', dtype: 'q8', dims: 256, workers: 2, threadsPerWorker: 1 });
  });

  it('imports no onnxruntime-web: both ORT entries the engine may load are onnxruntime-node here', () => {
    // src/engine/runtime.ts imports onnxruntime-web/wasm or /webgpu at run time; an entry the node
    // build did not alias would silently run ORT's web build in Node (it works there, slowly).
    const worker = readFileSync(resolve('dist/node/worker.js'), 'utf8');
    expect(worker).toContain('onnxruntime-node');
    expect(worker).not.toMatch(/(from|import\()\s*["']onnxruntime-web/);
  });

  it('takes a path in an item, a file: URL, bytes and decoded pixels/PCM for the same file alike', async () => {
    const byUrl = (await embedder.embed(pathToFileURL(imagePath))).vector;
    const byBytes = (await embedder.embed(new Uint8Array(readFileSync(imagePath)))).vector;
    expect(dot(byUrl, byBytes)).toBeGreaterThan(0.99999);
    const wav = readWav(wavPath);
    const byPcm = (await embedder.embed({ samples: wav.samples, sampleRate: wav.sampleRate })).vector;
    const byWav = (await embedder.embed(pathToFileURL(wavPath))).vector;
    expect(dot(byPcm, byWav)).toBeGreaterThan(0.99999);
    expect(dot(byUrl, byWav)).toBeLessThan(0.99);
    // An item with one field goes through the fusion graph: a different vector from the plain image.
    const asItem = await embedder.embed({ image: imagePath });
    expect(asItem.modalities).toEqual(['image']);
    expect(dot(asItem.vector, byUrl)).toBeLessThan(0.9999);
  }, 60_000);

  it('rejects bad inputs with typed errors that cross the thread as their class, without failing their neighbours', async () => {
    const settled = await embedder.embedSettled(['fine text', new Uint8Array([1, 2, 3]), { image: '/no/such/file.png' }, '   ', pathToFileURL(imagePath)]);
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'rejected', 'fulfilled']);
    for (const s of settled.filter((x): x is PromiseRejectedResult => x.status === 'rejected')) {
      expect(s.reason).toBeInstanceOf(node.InvalidInputError);
      expect(s.reason.name).toBe('InvalidInputError');
      expect(s.reason.code).toBe('invalid_input');
    }
    expect((settled[1] as PromiseRejectedResult).reason.message).toMatch(/could not decode image/);
    await expect(embedder.embed('x', { dims: 100 })).rejects.toBeInstanceOf(node.InvalidOptionError);
    await expect(node.createEmbedder({ model: 'no-such-model' })).rejects.toMatchObject({ name: 'OmniEmbedError', code: 'unknown_model' });
    await expect(node.createEmbedder({ modelDir: join(tmpdir(), 'omni-no-model') })).rejects.toMatchObject({ name: 'ModelNotFoundError', code: 'model_not_found' });
    // The package bundles q8 only: fp32 of the bundled copy is refused up front and says where fp32 is.
    const fp32 = node.createEmbedder({ dtype: 'fp32' });
    await expect(fp32).rejects.toBeInstanceOf(node.InvalidOptionError);
    await expect(fp32).rejects.toThrow(/'fp32' is not among .*\(q8\).*modelDir/);
  }, 60_000);

  it('matryoshka dims give the normalised prefix', async () => {
    const full = (await embedder.embed('a red circle')).vector;
    const short = (await embedder.embed('a red circle', { dims: 64 })).vector;
    expect(short.length).toBe(64);
    const prefix = full.slice(0, 64);
    const n = Math.sqrt(dot(prefix, prefix));
    expect(dot(short, prefix) / n).toBeGreaterThan(0.99999);
  });

  it('replaces a worker that dies and still answers, with the same vectors', async () => {
    const before = (await embedder.embed('after a crash')).vector;
    await embedder.killWorker();
    const batch = await embedder.embedBatch(Array.from({ length: 12 }, (_, i) => `item ${i}`));
    expect(batch).toHaveLength(12);
    const after = (await embedder.embed('after a crash')).vector;
    expect(dot(before, after)).toBeGreaterThan(0.99999);
    // The replacement loads its model in the background; the pool is whole again once it has.
    for (let i = 0; i < 600 && embedder.info.workers < 2; i++) await new Promise((r) => setTimeout(r, 50));
    expect(embedder.info.workers).toBe(2);
  }, 120_000);

  it('parses WAV like Web Audio: 16-bit exact, 8/24-bit and float scaled, channels averaged; bad files typed', () => {
    const wav = (format: number, bits: number, channels: number, frames: number[][]) => {
      const width = bits / 8;
      const data = Buffer.alloc(frames.length * channels * width);
      frames.forEach((f, i) => f.forEach((v, c) => {
        const at = (i * channels + c) * width;
        if (format === 3) data.writeFloatLE(v, at);
        else if (bits === 8) data.writeUInt8(Math.round(v * 128 + 128), at);
        else if (bits === 16) data.writeInt16LE(Math.round(v * 32768), at);
        else if (bits === 24) data.writeIntLE(Math.round(v * 8388608), at, 3);
      }));
      const fmt = Buffer.alloc(24);
      fmt.write('fmt ', 0); fmt.writeUInt32LE(16, 4); fmt.writeUInt16LE(format, 8); fmt.writeUInt16LE(channels, 10);
      fmt.writeUInt32LE(22050, 12); fmt.writeUInt32LE(22050 * channels * width, 16); fmt.writeUInt16LE(channels * width, 20); fmt.writeUInt16LE(bits, 22);
      const head = Buffer.alloc(12); head.write('RIFF', 0); head.writeUInt32LE(4 + fmt.length + 8 + data.length, 4); head.write('WAVE', 8);
      const dh = Buffer.alloc(8); dh.write('data', 0); dh.writeUInt32LE(data.length, 4);
      return new Uint8Array(Buffer.concat([head, fmt, dh, data]));
    };
    const frames = [[0.5, -0.5], [0.25, 0.25], [-1, 0]];
    for (const [format, bits] of [[1, 8], [1, 16], [1, 24], [3, 32]] as const) {
      const pcm = node.parseWav(wav(format, bits, 2, frames));
      expect(pcm.sampleRate).toBe(22050);
      expect(Array.from(pcm.samples).map((x) => Math.round(x * 100) / 100)).toEqual([0, 0.25, -0.5]);
    }
    const real = node.parseWav(new Uint8Array(readFileSync(wavPath)));
    expect(Array.from(real.samples.subarray(0, 500))).toEqual(Array.from(readWav(wavPath).samples.subarray(0, 500)));
    expect(() => node.parseWav(new Uint8Array(12))).toThrow(node.InvalidInputError);
    expect(() => node.parseWav(wav(1, 12, 1, [[0]]))).toThrow(/unsupported WAV encoding/);
  });

  it('resizes pixels bilinearly: identity at the same size, exact on a constant image, averages between neighbours', () => {
    const px = { data: new Uint8ClampedArray([0, 0, 0, 255, 200, 100, 50, 255]), width: 2, height: 1 };
    expect(Array.from(node.resizeBilinear(px, 2, 1).data)).toEqual(Array.from(px.data));
    const up = node.resizeBilinear(px, 4, 1).data;
    // x=1 samples 0.25 of the way: 200·0.25 = 50, 25, 12.5 → 12 (Uint8ClampedArray rounds half to even).
    expect(Array.from(up.subarray(4, 8))).toEqual([50, 25, 12, 255]);
    const flat = { data: new Uint8ClampedArray(16 * 4).fill(77), width: 4, height: 4 };
    expect(new Set(node.resizeBilinear(flat, 3, 5).data)).toEqual(new Set([77]));
  });

  it('caches remote model files on disk by URL, atomically', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'omni-cache-'));
    try {
      const cache = new node.DiskModelCache(dir);
      const url = 'https://huggingface.co/org/model/resolve/main/onnx/text_model.onnx';
      expect(await cache.match(url)).toBeUndefined();
      await cache.put(url, new Uint8Array([1, 2, 3]), { model: 'org/model', path: 'onnx/text_model.onnx', size: 3 });
      expect(Array.from((await cache.match(url))!)).toEqual([1, 2, 3]);
      expect((await cache.entries()).map((e) => [e.url, e.meta.size, e.meta.model])).toEqual([[url, 3, 'org/model']]);
      expect(await cache.delete(url)).toBe(true);
      expect(await cache.match(url)).toBeUndefined();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('omni-embed/node worker crashes', () => {
  it('rejects an input that kills two worker threads alone (WorkerCrashedError); its neighbours and later calls still embed', async () => {
    const crashing = await node.createEmbedder({ workers: 2, threadsPerWorker: 1, poison: 'POISON' });
    try {
      const settled = await crashing.embedSettled(['before', 'this is POISON', 'after', 'another one']);
      expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
      const err = (settled[1] as PromiseRejectedResult).reason;
      expect(err).toBeInstanceOf(node.WorkerCrashedError);
      expect(err).toMatchObject({ name: 'WorkerCrashedError', code: 'worker_crashed' });
      expect(err.message).toMatch(/exit code 70/);
      const again = await crashing.embed('before');
      expect(dot(again.vector, (settled[0] as PromiseFulfilledResult<{ vector: Float32Array }>).value.vector)).toBeGreaterThan(0.99999);
    } finally {
      await crashing.dispose();
    }
  }, 120_000);
});

describe('omni-embed/node remote models', () => {
  it('downloads a hub-layout model over HTTP into the disk cache, then loads it again with the server gone', async () => {
    const { startServer } = (await import('../server/server.mjs' as string)) as { startServer(o?: object): Promise<{ origin: string; log: { url: string; status: number }[]; close(): Promise<void> }> };
    const server = await startServer({ port: 0 });
    const cacheDir = mkdtempSync(join(tmpdir(), 'omni-hub-cache-'));
    const spec = { ...node.PRESETS.find((p) => p.name === 'omni-tiny')!, name: 'omni-tiny-hub', source: 'test-org/omni-tiny', remote: true };
    try {
      const first = await node.createEmbedder({ model: spec, host: `${server.origin}/hub`, cacheDir, workers: 1 });
      const v1 = (await first.embed('a small red circle')).vector;
      await first.dispose();
      const fetched = server.log.filter((e) => e.url.startsWith('/hub/test-org/omni-tiny/resolve/main/') && e.status === 200).map((e) => e.url);
      expect(fetched).toContain('/hub/test-org/omni-tiny/resolve/main/onnx/text_model_quantized.onnx');
      const cache = new node.DiskModelCache(cacheDir);
      const cached = (await cache.entries()).map((e) => e.url);
      expect(cached).toContain(`${server.origin}/hub/test-org/omni-tiny/resolve/main/onnx/text_model_quantized.onnx`);
      await server.close();
      // Offline now: every file comes from the disk cache, and the vectors are the same.
      const second = await node.createEmbedder({ model: spec, host: `${server.origin}/hub`, cacheDir, workers: 1 });
      const v2 = (await second.embed('a small red circle')).vector;
      await second.dispose();
      expect(dot(v1, v2)).toBeGreaterThan(0.99999);
    } finally {
      await server.close().catch(() => undefined);
      rmSync(cacheDir, { recursive: true, force: true });
    }
  }, 120_000);
});
