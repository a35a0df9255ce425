import { test, expect } from './fixtures';

// Issue #17 "Scale": 1M × 256 int8 committed to and restored from IndexedDB, with progress both ways.
// Heavy (≈ 520 MB of rows, ~1 min here): the numbers for the docs come from bench/index/run.mjs; this
// asserts the behaviour.
test('1M × 256 int8 is committed to IndexedDB and restored with progress, giving the same results', async ({ served }) => {
  test.setTimeout(600_000);
  const r = await served.evaluate(async () => {
    const m = await import('/dist/browser/index.js');
    const n = 1_000_000, d = 256;
    await m.deletePersistedIndex('scale-1m');
    const idx = await m.createIndex({ dims: d, storage: 'int8', device: 'cpu', capacity: n, persist: { name: 'scale-1m' } });
    let s = 99;
    const rnd = (): number => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 4294967296) - 0.5;
    for (let b = 0; b < n; b += 20000) {
      const items = [];
      for (let i = b; i < b + 20000; i++) items.push({ id: `v${i}`, vector: Float32Array.from({ length: d }, rnd) });
      await idx.add(items);
    }
    const q = Float32Array.from({ length: d }, rnd);
    const before = await idx.search(q, { k: 10 });
    const written: number[] = [];
    const c = await idx.commit({ onProgress: (w, total) => written.push(w / total) });
    await idx.dispose();
    const loaded: [number, number][] = [];
    const back = await m.createIndex({ dims: d, storage: 'int8', device: 'cpu', persist: { name: 'scale-1m', onLoadProgress: (l, t) => loaded.push([l, t]) } });
    const after = await back.search(q, { k: 10 });
    const out = { count: back.count, version: back.committedVersion, commitVersion: c.version, before, after, written, loaded, lastId: back.ids().at(-1) };
    await back.dispose();
    await m.deletePersistedIndex('scale-1m');
    return out;
  });
  expect(r.count).toBe(1_000_000);
  expect(r.version).toBe(r.commitVersion);
  expect(r.lastId).toBe('v999999');
  expect(r.after).toEqual(r.before);
  // Progress: one call per 4096-row chunk, increasing, ending at all of it.
  expect(r.written.length).toBe(Math.ceil(1_000_000 / 4096));
  expect(r.written.at(-1)).toBe(1);
  expect(r.loaded.length).toBe(Math.ceil(1_000_000 / 4096));
  expect(r.loaded.every(([l], i) => i === 0 || l > r.loaded[i - 1]![0])).toBe(true);
  expect(r.loaded.at(-1)).toEqual([1_000_000, 1_000_000]);
});
