// The page compiles ORT's runtime once and hands the module to every worker
// (src/models/runtime-cache.ts runtimeModule, src/engine/compiled-runtime.ts): no worker reads the
// 27 MB .wasm or compiles it. ORT is bundled with the worker, so this pins the one ORT version the
// hand-over relies on: an ORT that stopped instantiating through `wasmBinary` fails here.
import { test, expect } from './fixtures';

test('workers run the runtime the page compiled, with the same vectors as a worker-compiled one', async ({ served }) => {
  const r = await served.evaluate(async () => {
    const omni = await import('/dist/browser/index.js');
    const texts = ['a red circle', 'a blue square moving left'];
    const run = async (opts: Record<string, unknown>) => {
      const e = await omni.createEmbedder({ device: 'wasm', workers: 2, ...opts });
      // Two batches at once: both workers serve.
      const [a, b] = await Promise.all([e.embedBatch(texts), e.embedBatch([...texts].reverse())]);
      const info = e.info;
      await e.dispose();
      return { info, vectors: [...a, ...b.reverse()].map((v) => Array.from(v.vector)) };
    };
    return { page: await run({}), worker: await run({ _faults: { compileInWorker: true } }) };
  });
  expect(r.page.info.runtimeCompiledBy).toBe('page');
  expect(r.worker.info.runtimeCompiledBy).toBe('worker');
  // ORT's own thread workers got the module too: the pool runs with its threads.
  expect(r.page.info.threads).toBe(r.worker.info.threads);
  for (let i = 0; i < r.page.vectors.length; i++) {
    const a = r.page.vectors[i]!, b = r.worker.vectors[i]!;
    const dot = a.reduce((s, x, k) => s + x * b[k]!, 0);
    expect(dot).toBeGreaterThan(1 - 1e-6);
  }
});

test('a damaged runtime entry in the Cache API is replaced, and the start still works', async ({ served }) => {
  await served.evaluate(async () => {
    const omni = await import('/dist/browser/index.js');
    const warm = await omni.createEmbedder({ device: 'wasm', workers: 1 });
    await warm.dispose();
    const cache = await caches.open('omni-embed-runtime-v1');
    const [key] = await cache.keys();
    // The wasm magic and version, then nothing: passes a magic-number check, fails to compile.
    await cache.put(key!, new Response(new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 1, 0xff]), { headers: { 'Content-Type': 'application/wasm' } }));
  });
  await served.reload(); // a new page: the module compiled above is not remembered
  const r = await served.evaluate(async () => {
    const omni = await import('/dist/browser/index.js');
    const e = await omni.createEmbedder({ device: 'wasm', workers: 1 });
    const v = await e.embed('a red circle');
    const info = e.info;
    await e.dispose();
    const cache = await caches.open('omni-embed-runtime-v1');
    const [key] = await cache.keys();
    const repaired = await (await cache.match(key!))!.arrayBuffer();
    return { dims: v.vector.length, by: info.runtimeCompiledBy, bytes: repaired.byteLength };
  });
  expect(r.dims).toBe(256);
  expect(r.by).toBe('page');
  expect(r.bytes).toBeGreaterThan(1_000_000);
});
