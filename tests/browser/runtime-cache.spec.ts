// ORT's .wasm is kept in the Cache API like the model files (src/models/runtime-cache.ts, wired in
// src/engine/runtime.ts): after one start it is stored there, and the next start asks the
// server for no .wasm at all. The test server answers `Cache-Control: no-store`, so the browser's
// HTTP cache cannot be what spares the request.
import { test, expect, serverLog, clearServerLog } from './fixtures';

test("ORT's runtime .wasm is stored in the Cache API on the first start and read from there on the next", async ({ served }) => {
  const first = await served.evaluate(async () => {
    await caches.delete('omni-embed-runtime-v1');
    const omni = await import('/dist/browser/index.js');
    const e = await omni.createEmbedder({ device: 'wasm', workers: 1 });
    const v = await e.embed('a red circle');
    await e.dispose();
    const keys = (await (await caches.open('omni-embed-runtime-v1')).keys()).map((r) => r.url);
    return { keys, dims: v.vector.length, build: e.info.ortBuild };
  });
  expect(first.dims).toBe(256);
  expect(first.keys).toHaveLength(1);
  // a WASM-only worker runs ORT's wasm build, so its .wasm (not the webgpu build's) is the one kept
  expect(first.build).toBe('wasm');
  expect(first.keys[0]).toMatch(/ort-wasm-simd-threaded\.wasm\?omni-embed-runtime=/);

  await clearServerLog(served);
  const second = await served.evaluate(async () => {
    const omni = await import('/dist/browser/index.js');
    const e = await omni.createEmbedder({ device: 'wasm', workers: 1 });
    const v = await e.embed('a red circle');
    await e.dispose();
    return v.vector.length;
  });
  expect(second).toBe(256);
  const wasmRequests = (await serverLog(served)).filter((r) => r.url.endsWith('.wasm'));
  expect(wasmRequests).toEqual([]);
});
