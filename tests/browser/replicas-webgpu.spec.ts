// Every hub dtype of the CLIP replica on WebGPU (SwiftShader here: correct, slow, no shader-f16)
// agrees with the same files on WASM; and a WebGPU session that computes silently wrong numbers
// (transformers.js #1728: normal norms, cosine ~0 to WASM) is caught at load by the device check,
// which moves the model to WASM with a `devicechange` instead of serving garbage.
// Mini scale (same graphs and weight formats, 64 wide): the kernels and the check are what is
// tested; full size on WebGPU is `npm run test:scale` territory.

import { cosine, expect, test } from './fixtures';
import { ensureReplica } from '../helpers/replicas';
import type { Dtype } from '../../src/models/dtype';

const DTYPES: Dtype[] = ['fp32', 'fp16', 'q8', 'int8', 'uint8', 'q4', 'q4f16'];
const CAPTIONS = ['a red double-decker bus on a rainy street', 'two cats asleep on a sofa'];

test.beforeAll(() => {
  ensureReplica({ scale: 'mini' });
});

interface Run { device: string; dtype: string; reason: string; checks?: Record<string, string>; changes: { from: string; to: string; reason: string }[]; text: number[][]; image: number[]; warnings: string[] }

function embedOn(page: import('@playwright/test').Page, host: string, device: 'webgpu' | 'wasm', dtype: Dtype, wrongOnWebGpu = false): Promise<Run> {
  return page.evaluate(async ({ host, device, dtype, captions, wrongOnWebGpu }) => {
    const omni = await import('/dist/browser/index.js');
    const changes: Run['changes'] = [];
    const warnings: string[] = [];
    const e = await omni.createEmbedder({ model: 'clip-vit-base-patch32', host, device, dtype, workers: 1, ...(wrongOnWebGpu ? { _faults: { wrongOnWebGpu } } : {}) } as never);
    e.on('devicechange', (c) => changes.push(c));
    e.on('warning', (w) => warnings.push(w));
    const text = [];
    for (const c of captions) text.push(Array.from((await e.embed(c)).vector));
    const canvas = new OffscreenCanvas(96, 64);
    const g = canvas.getContext('2d')!;
    g.fillStyle = '#1e64c8';
    g.fillRect(0, 0, 96, 64);
    g.fillStyle = '#f0c020';
    g.beginPath();
    g.arc(40, 30, 18, 0, Math.PI * 2);
    g.fill();
    const image = Array.from((await e.embed(await canvas.convertToBlob({ type: 'image/png' }))).vector);
    const info = e.info;
    await e.dispose();
    return { device: info.device, dtype: info.dtype, reason: info.deviceReason, checks: info.webgpuChecks, changes, text, image, warnings };
  }, { host, device, dtype, captions: CAPTIONS, wrongOnWebGpu });
}

test('every hub dtype of the CLIP replica runs on WebGPU and agrees with WASM on the same files', async ({ served }) => {
  test.setTimeout(420_000);
  const host = new URL('/replicas/mini', served.url()).href;
  const rows: string[] = [];
  for (const dtype of DTYPES) {
    const gpu = await embedOn(served, host, 'webgpu', dtype);
    // Without shader-f16 the half-precision files are swapped for their full-precision twins (planDevice).
    const ran = gpu.dtype as Dtype;
    const wasm = await embedOn(served, host, 'wasm', ran);
    expect(gpu.device, `${dtype}: ${gpu.reason}`).toBe('webgpu');
    expect(gpu.changes, `${dtype}: the device check must pass on a correct adapter`).toEqual([]);
    const worst = Math.min(...gpu.text.map((v, i) => cosine(v, wasm.text[i]!)), cosine(gpu.image, wasm.image));
    rows.push(`${dtype}→${ran} ${worst.toFixed(6)}`);
    expect(worst, `${dtype} (ran as ${ran}) WebGPU vs WASM`).toBeGreaterThan(0.999);
    // Distinct inputs stay distinct: agreement is not two constant outputs.
    expect(cosine(gpu.text[0]!, gpu.text[1]!)).toBeLessThan(0.999);
  }
  console.log(`[replicas] WebGPU (SwiftShader) vs WASM, min cosine per dtype: ${rows.join(', ')}`);
});

test('a WebGPU session that computes silently wrong vectors is caught at load and the model moves to WASM', async ({ served }) => {
  test.setTimeout(180_000);
  const host = new URL('/replicas/mini', served.url()).href;
  const wasm = await embedOn(served, host, 'wasm', 'q8');
  const caught = await embedOn(served, host, 'webgpu', 'q8', true);
  expect(caught.device).toBe('wasm');
  expect(caught.reason).toMatch(/computes wrong results on this WebGPU adapter .*cosine/);
  // The switch happened inside createEmbedder; a listener added afterwards still hears it.
  expect(caught.changes).toEqual([{ from: 'webgpu', to: 'wasm', reason: caught.reason }]);
  // Every vector the caller saw is the right one: none was served from the wrong session.
  caught.text.forEach((v, i) => expect(cosine(v, wasm.text[i]!)).toBeGreaterThan(0.99999));
  expect(cosine(caught.image, wasm.image)).toBeGreaterThan(0.99999);
});

test('a device check that agreed is remembered for the same files on the next start, and not for other files', async ({ served }) => {
  test.setTimeout(240_000);
  const host = new URL('/replicas/mini', served.url()).href;
  const first = await embedOn(served, host, 'webgpu', 'q8');
  expect(first.device, first.reason).toBe('webgpu');
  const graphs = Object.keys(first.checks ?? {});
  expect(graphs.length).toBeGreaterThan(0);
  expect(Object.values(first.checks!)).toEqual(graphs.map(() => 'agreed'));
  // A second start in the same profile (a warm start) skips the WASM comparison and serves the same vectors.
  const again = await embedOn(served, host, 'webgpu', 'q8');
  expect(again.device).toBe('webgpu');
  expect(again.checks).toEqual(Object.fromEntries(graphs.map((g) => [g, 'remembered'])));
  again.text.forEach((v, i) => expect(cosine(v, first.text[i]!)).toBeGreaterThan(0.99999));
  // Other bytes under the same graph name are checked anew.
  const fp32 = await embedOn(served, host, 'webgpu', 'fp32');
  expect(fp32.checks).toEqual(Object.fromEntries(graphs.map((g) => [g, 'agreed'])));
});

// The audio side (HTSAT: windowed attention, patch merging) and SigLIP's attention-pooling head on
// WebGPU: mini replicas, fp32 and q8, text and audio/image against WASM. In npm run test:scale.
test.describe('SigLIP and CLAP on WebGPU (OMNI_SCALE=1)', () => {
  test.skip(!process.env.OMNI_SCALE, 'runs in npm run test:scale');
  for (const [model, repoEnsure] of [['clap-htsat-unfused', 'clap'], ['siglip-base-patch16-224', 'siglip']] as const) {
    test(`${model}: WebGPU agrees with WASM (fp32, q8)`, async ({ served }) => {
      test.setTimeout(600_000);
      ensureReplica({ model: repoEnsure, scale: 'mini' });
      const host = new URL('/replicas/mini', served.url()).href;
      for (const dtype of ['fp32', 'q8'] as const) {
        const run = (device: 'webgpu' | 'wasm') => served.evaluate(async ({ host, model, dtype, device }) => {
          const omni = await import('/dist/browser/index.js');
          const e = await omni.createEmbedder({ model, host, dtype, device, workers: 1 });
          const text = Array.from((await e.embed('rain on a tin roof at night')).vector);
          let other: number[];
          if (e.info.modalities.includes('audio')) {
            const samples = Float32Array.from({ length: 48_000 * 2 }, (_, i) => Math.sin(i * 0.05) * 0.3 + Math.sin(i * 0.013) * 0.2);
            other = Array.from((await e.embed({ samples, sampleRate: 48_000 })).vector);
          } else {
            const c = new OffscreenCanvas(120, 90);
            const g = c.getContext('2d')!;
            g.fillStyle = '#207040';
            g.fillRect(0, 0, 120, 90);
            g.fillStyle = '#f8f8f8';
            g.fillRect(30, 20, 50, 40);
            other = Array.from((await e.embed(await c.convertToBlob({ type: 'image/png' }))).vector);
          }
          const info = e.info;
          await e.dispose();
          return { text, other, device: info.device, reason: info.deviceReason };
        }, { host, model, dtype, device });
        const gpu = await run('webgpu');
        const wasm = await run('wasm');
        expect(gpu.device, gpu.reason).toBe('webgpu');
        console.log(`[replicas] ${model} ${dtype} WebGPU vs WASM: text ${cosine(gpu.text, wasm.text).toFixed(6)}, ${model.startsWith('clap') ? 'audio' : 'image'} ${cosine(gpu.other, wasm.other).toFixed(6)}`);
        expect(cosine(gpu.text, wasm.text)).toBeGreaterThan(0.999);
        expect(cosine(gpu.other, wasm.other)).toBeGreaterThan(0.999);
      }
    });
  }
});
