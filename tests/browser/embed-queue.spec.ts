import { test, expect } from './fixtures';
import { heldout } from '../helpers/reference';

const images = heldout().filter((i) => i.files.image).map((i) => i.files.image!);
const captions = [...new Set(heldout().map((i) => i.caption))].slice(0, 20);

test('1,000 concurrent embed calls all resolve to the same vectors as one-at-a-time calls', async ({ served }) => {
  const out = await served.evaluate(async (captions) => {
    const omni = await import('/dist/browser/index.js');
    const embedder = await omni.createEmbedder({ device: 'wasm' });
    const single: Float32Array[] = [];
    for (const c of captions) single.push((await embedder.embed(c)).vector);
    const calls = Array.from({ length: 1000 }, (_, i) => embedder.embed(captions[i % captions.length]!));
    const results = await Promise.all(calls);
    let worst = 1;
    results.forEach((r, i) => {
      const ref = single[i % captions.length]!;
      let dot = 0;
      for (let k = 0; k < ref.length; k++) dot += ref[k]! * r.vector[k]!;
      worst = Math.min(worst, dot);
    });
    await embedder.dispose();
    return { count: results.length, worst };
  }, captions);
  expect(out.count).toBe(1000);
  expect(out.worst).toBeGreaterThan(0.9999);
});

test('an aborted call rejects with AbortError while the rest complete; bad input fails alone', async ({ served }) => {
  const out = await served.evaluate(async (images) => {
    const omni = await import('/dist/browser/index.js');
    const embedder = await omni.createEmbedder({ device: 'wasm' });
    const blobs = await Promise.all(images.slice(0, 12).map((p) => fetch(`/data/heldout/${p}`).then((r) => r.blob())));
    const controller = new AbortController();
    const settle = (p: Promise<unknown>) => p.then(() => 'ok', (e) => `${e?.name}:${e?.code ?? ''}`);
    const others = blobs.map((b) => settle(embedder.embed(b)));
    const aborted = settle(embedder.embed(blobs[0]!, { signal: controller.signal }));
    controller.abort();
    const corrupt = settle(embedder.embed(new Blob([new Uint8Array([1, 2, 3, 4])], { type: 'image/png' })));
    const wrongDims = settle(embedder.embed('a red circle', { dims: 100 }));
    const nothing = settle(embedder.embed(42 as never));
    const results = { others: await Promise.all(others), aborted: await aborted, corrupt: await corrupt, wrongDims: await wrongDims, nothing: await nothing };
    await embedder.dispose();
    return results;
  }, images);
  expect(out.others).toEqual(Array(12).fill('ok'));
  expect(out.aborted).toBe('AbortError:20'); // DOMException.ABORT_ERR
  expect(out.corrupt).toBe('InvalidInputError:invalid_input'); // the same code the page gives an unreadable image
  expect(out.wrongDims).toBe('InvalidOptionError:invalid_option');
  expect(out.nothing).toBe('InvalidInputError:invalid_input');
});

test('no main-thread long task (> 50 ms) while 200 images embed', async ({ served }) => {
  const out = await served.evaluate(async (images) => {
    const omni = await import('/dist/browser/index.js');
    const embedder = await omni.createEmbedder({ device: 'wasm' });
    const blobs = await Promise.all(images.map((p) => fetch(`/data/heldout/${p}`).then((r) => r.blob())));
    await embedder.embed(blobs[0]!); // warm-up outside the measured window
    const long: number[] = [];
    const observer = new PerformanceObserver((list) => list.getEntries().forEach((e) => long.push(e.duration)));
    observer.observe({ type: 'longtask' });
    const t0 = performance.now();
    const vectors = await Promise.all(Array.from({ length: 200 }, (_, i) => embedder.embed(blobs[i % blobs.length]!)));
    const elapsed = performance.now() - t0;
    await new Promise((r) => setTimeout(r, 100)); // let the observer flush
    observer.disconnect();
    await embedder.dispose();
    return { done: vectors.length, long, elapsed };
  }, images);
  expect(out.done).toBe(200);
  expect(out.long, `long tasks during ${out.elapsed.toFixed(0)} ms of embedding`).toEqual([]);
});

test('dispose() frees the workers and later calls reject with a clear error', async ({ served }) => {
  const out = await served.evaluate(async () => {
    const omni = await import('/dist/browser/index.js');
    const embedder = await omni.createEmbedder({ device: 'wasm' });
    await embedder.embed('before');
    const inflight = embedder.embed('queued just before dispose').then(() => 'ok', (e) => e.code);
    await embedder.dispose();
    const after = await embedder.embed('after').then(() => ({ name: 'none', code: 'none', message: 'resolved' }), (e) => ({ name: e.name, code: e.code, message: e.message }));
    return { inflight: await inflight, after };
  });
  expect(['ok', 'disposed']).toContain(out.inflight);
  expect(out.after).toMatchObject({ name: 'DisposedError', code: 'disposed' });
  expect(out.after.message).toMatch(/disposed/);
});
