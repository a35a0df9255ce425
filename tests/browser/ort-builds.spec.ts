// A worker that will only run WASM starts on onnxruntime-web's wasm build (src/engine/runtime.ts);
// one that may run WebGPU starts on the webgpu build's JSPI form where the browser has JSPI (this
// Chromium does), else on its asyncify form. All must give the same vectors, and a page whose runtime
// folder lacks the lighter build's files must still start, on the asyncify build.
import { test, expect } from './fixtures';

const TEXTS = ['a red circle', 'a blue square moving left', 'a green handwritten digit 7'];

type Page = import('@playwright/test').Page;

/** The same texts on `device` twice: on the build the SDK picks, and on the asyncify build, pinned by its `.wasm` file name. */
function defaultVsAsyncify(page: Page, device: 'wasm' | 'webgpu') {
  return page.evaluate(async ({ texts, device }) => {
    const omni = await import('/dist/browser/index.js');
    const run = async (opts: Record<string, unknown>) => {
      const e = await omni.createEmbedder({ device, workers: 1, ...opts });
      const vs = await e.embedBatch(texts);
      const info = e.info;
      await e.dispose();
      return { build: info.ortBuild, device: info.device, vectors: vs.map((v) => Array.from(v.vector)) };
    };
    const pinned = { wasm: new URL('/dist/workers/ort-wasm-simd-threaded.asyncify.wasm', location.href).href };
    const jspi = typeof (WebAssembly as unknown as { Suspending?: unknown }).Suspending === 'function';
    return { jspi, chosen: await run({}), asyncify: await run({ wasmPaths: pinned }) };
  }, { texts: TEXTS, device });
}

function expectSameVectors(a: number[][], b: number[][]) {
  expect(a).toHaveLength(TEXTS.length);
  for (let i = 0; i < TEXTS.length; i++) {
    expect(a[i]!.length).toBe(256);
    // Same kernels in every build (MLAS on WASM, the same shaders on WebGPU): equal to float rounding.
    expect(Math.max(...a[i]!.map((x, k) => Math.abs(x - b[i]![k]!)))).toBeLessThan(1e-5);
  }
}

test('WASM-only workers run the wasm build, with the vectors of the webgpu build', async ({ served }) => {
  const r = await defaultVsAsyncify(served, 'wasm');
  expect(r.chosen.build).toBe('wasm');
  // the pinned asyncify build runs the wasm EP here
  expect(r.asyncify.build).toBe('webgpu');
  expect(r.chosen.device).toBe('wasm');
  expect(r.asyncify.device).toBe('wasm');
  expectSameVectors(r.chosen.vectors, r.asyncify.vectors);
});

test("a runtime folder without the wasm build's files starts on the webgpu build instead", async ({ served }) => {
  // The app's folder holds only the webgpu build's runtime (what wasmPaths folders held before the
  // wasm build was used): the wasm build's .wasm is answered 404.
  const refused: string[] = [];
  await served.context().route(/\/ort-wasm-simd-threaded\.wasm/, (route) => {
    refused.push(route.request().url());
    return route.fulfill({ status: 404, body: 'not here' });
  });
  const r = await served.evaluate(async (texts) => {
    await caches.delete('omni-embed-runtime-v1');
    const omni = await import('/dist/browser/index.js');
    const e = await omni.createEmbedder({ device: 'wasm', workers: 1, wasmPaths: new URL('/ort/', location.href).href });
    const warnings: string[] = [];
    e.on('warning', (w) => warnings.push(String(w)));
    const vs = await e.embedBatch(texts);
    const info = e.info;
    await e.dispose();
    return { build: info.ortBuild, dims: vs.map((v) => v.vector.length), warnings };
  }, TEXTS);
  expect(refused.length).toBeGreaterThan(0);
  expect(r.build).toBe('webgpu');
  expect(r.dims).toEqual([256, 256, 256]);
  // the app is told why it starts slower, and what to serve
  expect(r.warnings.some((w) => /wasm build could not be loaded.*ort-wasm-simd-threaded\.\{mjs,wasm\}/.test(w))).toBe(true);
});

test('a worker that may run WebGPU starts on the JSPI build, with the vectors of the asyncify build', async ({ served }) => {
  const r = await defaultVsAsyncify(served, 'webgpu');
  expect(r.jspi, 'this Chromium has JSPI; without it the asyncify build is the default').toBe(true);
  expect(r.chosen.build).toBe('jspi');
  expect(r.asyncify.build).toBe('webgpu');
  expect(r.chosen.device).toBe('webgpu');
  expect(r.asyncify.device).toBe('webgpu');
  expectSameVectors(r.chosen.vectors, r.asyncify.vectors);
});

test("a runtime folder without the JSPI build's files starts WebGPU on the asyncify build, and says so", async ({ served }) => {
  const refused: string[] = [];
  await served.context().route(/\/ort-wasm-simd-threaded\.jspi\.wasm/, (route) => {
    refused.push(route.request().url());
    return route.fulfill({ status: 404, body: 'not here' });
  });
  const r = await served.evaluate(async () => {
    await caches.delete('omni-embed-runtime-v1');
    const omni = await import('/dist/browser/index.js');
    const e = await omni.createEmbedder({ device: 'webgpu', workers: 1, wasmPaths: new URL('/ort/', location.href).href });
    const warnings: string[] = [];
    e.on('warning', (w) => warnings.push(String(w)));
    const v = await e.embed('a red circle');
    const info = e.info;
    await e.dispose();
    return { build: info.ortBuild, device: info.device, dims: v.vector.length, warnings };
  });
  expect(refused.length).toBeGreaterThan(0);
  expect(r).toMatchObject({ build: 'webgpu', device: 'webgpu', dims: 256 });
  expect(r.warnings.some((w) => /jspi build could not be loaded.*ort-wasm-simd-threaded\.jspi\.\{mjs,wasm\}/.test(w))).toBe(true);
});
