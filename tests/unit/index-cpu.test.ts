import { describe, expect, it } from 'vitest';
import { gauss, seededRandom as rng } from '../helpers/random';
import { createIndex, importIndex, IndexError, type IndexItem, type Json } from '../../src/index/index';
import { OmniEmbedError } from '../../src/errors';
import { disableSimdForTesting, simdKernels } from '../../src/index/simd';

// ---- small deterministic data helpers (kept local: tests own their data) ----
function randomVecs(n: number, d: number, seed: number): Float32Array[] {
  const r = rng(seed);
  return Array.from({ length: n }, () => Float32Array.from({ length: d }, () => gauss(r)));
}
/** n items around `c` centres (noise sigma relative to unit-ish centres). */
function clusteredVecs(n: number, d: number, c: number, sigma: number, seed: number): Float32Array[] {
  const r = rng(seed);
  const centres = randomVecs(c, d, seed + 1).map((v) => v.map((x) => x / Math.sqrt(d)));
  return Array.from({ length: n }, () => {
    const ce = centres[Math.floor(r() * c)]!;
    return Float32Array.from(ce, (x) => x + (sigma * gauss(r)) / Math.sqrt(d));
  });
}
function cos(a: Float32Array, b: Float32Array, d = a.length): number {
  let s = 0, na = 0, nb = 0;
  for (let i = 0; i < d; i++) {
    s += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return s / Math.sqrt(na * nb);
}
function items(vs: Float32Array[], meta?: (i: number) => Json): IndexItem[] {
  return vs.map((vector, i) => ({ id: `i${i}`, vector, ...(meta ? { metadata: meta(i) } : {}) }));
}
function bruteTop(vs: Float32Array[], q: Float32Array, k: number): string[] {
  return vs
    .map((v, i) => ({ i, s: cos(v, q) }))
    .sort((a, b) => b.s - a.s || a.i - b.i)
    .slice(0, k)
    .map((x) => `i${x.i}`);
}
async function recallVs(ref: string[][], got: string[][]): Promise<number> {
  let hit = 0, all = 0;
  ref.forEach((r, qi) => {
    const g = new Set(got[qi]);
    for (const id of r) if (g.has(id)) hit++;
    all += r.length;
  });
  return hit / all;
}
async function expectCode(p: Promise<unknown> | (() => unknown), code: string): Promise<void> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    expect(e).toBeInstanceOf(OmniEmbedError);
    expect(e).toBeInstanceOf(IndexError);
    expect((e as IndexError).code).toBe(code);
    return;
  }
  throw new Error(`expected ${code}`);
}

describe('index: exact CPU search', () => {
  it('float32 cosine top-k equals a brute-force sort, with cosine scores', async () => {
    const vs = randomVecs(3000, 48, 1);
    const idx = await createIndex({ dims: 48, device: 'cpu' });
    await idx.add(items(vs));
    expect(idx.count).toBe(3000);
    expect(idx.backend).toBe('cpu');
    for (const q of randomVecs(5, 48, 2)) {
      const res = await idx.search(q, { k: 12 });
      expect(res.map((r) => r.id)).toEqual(bruteTop(vs, q, 12));
      const best = vs[Number(res[0]!.id.slice(1))]!;
      expect(res[0]!.score).toBeCloseTo(cos(best, q), 5);
      for (let i = 1; i < res.length; i++) expect(res[i - 1]!.score).toBeGreaterThanOrEqual(res[i]!.score);
    }
  });

  it('dot metric keeps magnitudes', async () => {
    const idx = await createIndex({ dims: 2, metric: 'dot', device: 'cpu' });
    await idx.add([
      { id: 'small', vector: new Float32Array([1, 0]) },
      { id: 'big', vector: new Float32Array([3, 0.5]) },
    ]);
    const res = await idx.search(new Float32Array([1, 0]), { k: 2 });
    expect(res.map((r) => r.id)).toEqual(['big', 'small']);
    expect(res[0]!.score).toBeCloseTo(3, 6);
  });

  it('equal scores rank by insertion order; upsert keeps the position, remove keeps the order', async () => {
    const idx = await createIndex({ dims: 4, device: 'cpu' });
    const v = new Float32Array([1, 2, 3, 4]);
    await idx.add(['a', 'b', 'c', 'd', 'e'].map((id) => ({ id, vector: v })));
    expect((await idx.search(v, { k: 3 })).map((r) => r.id)).toEqual(['a', 'b', 'c']);
    await idx.remove(['b']);
    expect(idx.count).toBe(4);
    expect((await idx.search(v, { k: 3 })).map((r) => r.id)).toEqual(['a', 'c', 'd']);
    await idx.upsert([{ id: 'a', vector: v, metadata: { x: 1 } }, { id: 'f', vector: v }]);
    expect(idx.ids()).toEqual(['a', 'c', 'd', 'e', 'f']);
    expect(idx.get('a')!.metadata).toEqual({ x: 1 });
    expect((await idx.search(v, { k: 10 })).map((r) => r.id)).toEqual(['a', 'c', 'd', 'e', 'f']);
  });

  it('filters by metadata (object form, array fields, $in, predicate) and excludes ids', async () => {
    const vs = randomVecs(400, 16, 3);
    const idx = await createIndex({ dims: 16, device: 'cpu' });
    await idx.add(items(vs, (i) => ({ modality: i % 3 === 0 ? 'image' : 'text', tags: [`t${i % 5}`], n: i })));
    const q = vs[7]!;
    const img = await idx.search(q, { k: 20, filter: { modality: 'image' } });
    expect(img).toHaveLength(20);
    expect(img.every((r) => (r.metadata as { modality: string }).modality === 'image')).toBe(true);
    const ref = bruteTop(vs.map((v, i) => (i % 3 === 0 ? v : new Float32Array(16).fill(0).map((_, j) => (j === 0 ? -1 : 0)))), q, 20);
    expect(img.map((r) => r.id)).toEqual(ref);
    const tagged = await idx.search(q, { k: 400, filter: { tags: 't2' } });
    expect(tagged).toHaveLength(80);
    const inSet = await idx.search(q, { k: 400, filter: { n: { $in: [1, 2, 3, 999] } } });
    expect(inSet.map((r) => r.id).sort()).toEqual(['i1', 'i2', 'i3']);
    const fn = await idx.search(q, { k: 5, filter: (m) => ((m as { n: number }).n ?? 0) >= 390 });
    expect(fn.every((r) => Number(r.id.slice(1)) >= 390)).toBe(true);
    const ex = await idx.search(q, { k: 3, exclude: ['i7'] });
    expect(ex.map((r) => r.id)).not.toContain('i7');
    expect(ex.map((r) => r.id)).toEqual(bruteTop(vs, q, 4).filter((id) => id !== 'i7').slice(0, 3));
  });

  it('Matryoshka: longer vectors are truncated to dims and renormalized (items and queries)', async () => {
    const idx = await createIndex({ dims: 8, device: 'cpu' });
    const long = Float32Array.from({ length: 32 }, (_, i) => i + 1);
    await idx.add({ id: 'x', vector: long });
    const stored = idx.get('x')!.vector;
    expect(stored).toHaveLength(8);
    const n = Math.hypot(...Array.from(long.subarray(0, 8)));
    stored.forEach((v, i) => expect(v).toBeCloseTo((i + 1) / n, 6));
    const res = await idx.search(long);
    expect(res[0]!.score).toBeCloseTo(1, 6);
  });

  it('rejects bad input with stable codes and leaves the index unchanged', async () => {
    await expectCode(createIndex({ dims: 0 }), 'index_invalid_options');
    await expectCode(createIndex({ dims: 4, storage: 'binary', device: 'gpu' }), 'index_invalid_options');
    const idx = await createIndex({ dims: 4, device: 'cpu' });
    await idx.add({ id: 'ok', vector: new Float32Array([1, 0, 0, 0]) });
    await expectCode(idx.add({ id: 'short', vector: new Float32Array(3) }), 'index_dims_mismatch');
    await expectCode(idx.add({ id: 'nan', vector: new Float32Array([1, NaN, 0, 0]) }), 'index_invalid_vector');
    await expectCode(idx.add({ id: 'zero', vector: new Float32Array(4) }), 'index_invalid_vector');
    await expectCode(idx.add({ id: 'arr', vector: [1, 2, 3, 4] as unknown as Float32Array }), 'index_invalid_vector');
    await expectCode(idx.add({ id: '', vector: new Float32Array([1, 0, 0, 0]) }), 'index_invalid_id');
    await expectCode(idx.add({ id: 'ok', vector: new Float32Array([1, 0, 0, 0]) }), 'index_duplicate_id');
    // A bad item late in a batch: nothing of the batch lands.
    await expectCode(idx.add([{ id: 'b1', vector: new Float32Array([0, 1, 0, 0]) }, { id: 'b2', vector: new Float32Array([Infinity, 0, 0, 0]) }]), 'index_invalid_vector');
    expect(idx.count).toBe(1);
    await expectCode(idx.remove(['ok', 'missing']), 'index_unknown_id');
    expect(idx.count).toBe(1);
    await expectCode(idx.search(new Float32Array([1, NaN, 0, 0])), 'index_invalid_vector');
    await expectCode(idx.search(new Float32Array(2)), 'index_dims_mismatch');
    await expectCode(idx.search(new Float32Array([1, 0, 0, 0]), { k: -1 }), 'index_invalid_options');
    await expectCode(idx.commit(), 'index_invalid_options');
    await idx.dispose();
    await expectCode(idx.search(new Float32Array([1, 0, 0, 0])), 'index_disposed');
  });
});

describe('index: WebAssembly SIMD scan', () => {
  it('gives bit-identical ids and scores to the JS loop (float32 and int8, odd dims, filters)', async () => {
    expect(simdKernels()).not.toBeNull();
    for (const storage of ['float32', 'int8'] as const) {
      const vs = randomVecs(3000, 37, 31);
      const idx = await createIndex({ dims: 37, storage, device: 'cpu' });
      await idx.add(items(vs, (i) => ({ odd: i % 2 === 1 })));
      for (const q of randomVecs(4, 37, 32)) {
        for (const opts of [{ k: 15 }, { k: 5, filter: { odd: true } }, { k: 10, rescore: false }]) {
          const fast = await idx.search(q, opts);
          disableSimdForTesting(true);
          const slow = await idx.search(q, opts);
          disableSimdForTesting(false);
          expect(fast).toEqual(slow);
        }
      }
    }
  });
});

describe('index: quantized storage recall vs float32', () => {
  const d = 256;
  async function recall(storage: 'int8' | 'binary', vs: Float32Array[], qs: Float32Array[], rescore?: boolean): Promise<number> {
    const f = await createIndex({ dims: d, device: 'cpu' });
    const x = await createIndex({ dims: d, storage, device: 'cpu' });
    await f.add(items(vs));
    await x.add(items(vs));
    const ref: string[][] = [];
    const got: string[][] = [];
    for (const q of qs) {
      ref.push((await f.search(q, { k: 10 })).map((r) => r.id));
      got.push((await x.search(q, { k: 10, ...(rescore === undefined ? {} : { rescore }) })).map((r) => r.id));
    }
    return recallVs(ref, got);
  }
  const random = randomVecs(5000, d, 21);
  const randomQ = randomVecs(30, d, 22);
  // Tight clusters (items of a cluster at cosine ~0.92 of each other) with queries from the same
  // clusters: the densest neighbourhoods, the hardest case for quantization.
  const tight = clusteredVecs(6000, d, 40, 0.3, 11);
  const tightQ = clusteredVecs(30, d, 40, 0.3, 18);
  // Retrieval-like: queries are noisy views (cosine ~0.8) of indexed items.
  const loose = clusteredVecs(6000, d, 40, 1.0, 11);
  const nearQ = loose.slice(0, 30).map((v, i) => {
    const r = rng(100 + i);
    const n = Math.hypot(...v);
    return v.map((x) => x + (0.75 * n * gauss(r)) / 16);
  });

  it('int8 (per-vector scale, residual rescoring) recall@10 >= 0.99 on random and tight-cluster data', async () => {
    expect(await recall('int8', random, randomQ)).toBeGreaterThanOrEqual(0.99);
    expect(await recall('int8', tight, tightQ)).toBeGreaterThanOrEqual(0.99);
    // The first stage alone (int8 plane only) is already close: it is what the GPU scans.
    expect(await recall('int8', random, randomQ, false)).toBeGreaterThanOrEqual(0.95);
  });

  it('binary (sign bits) + rescoring recall@10 >= 0.95 on random data and retrieval-like queries', async () => {
    const rnd = await recall('binary', random, randomQ);
    expect(rnd).toBeGreaterThanOrEqual(0.95);
    expect(await recall('binary', loose, nearQ)).toBeGreaterThanOrEqual(0.95);
    // Without rescoring, sign bits alone rank far worse.
    expect(await recall('binary', random, randomQ, false)).toBeLessThan(rnd);
  });
});

describe('index: export / import', () => {
  it('round-trips every storage format exactly, and rejects foreign files', async () => {
    const vs = randomVecs(300, 20, 5);
    for (const storage of ['float32', 'int8', 'binary'] as const) {
      const a = await createIndex({ dims: 20, storage, device: 'cpu' });
      await a.add(items(vs, (i) => (i % 2 ? { i } : null)));
      await a.remove(['i3']);
      const blob = await a.export();
      const b = await importIndex(blob, { device: 'cpu' });
      expect(b.storage).toBe(storage);
      expect(b.ids()).toEqual(a.ids());
      expect(b.get('i5')).toEqual(a.get('i5'));
      const q = vs[9]!;
      expect(await b.search(q, { k: 7 })).toEqual(await a.search(q, { k: 7 }));
    }
    const idx = await createIndex({ dims: 20, device: 'cpu' });
    await expectCode(idx.import(new Blob(['not an index file at all'])), 'index_bad_file');
    const other = await createIndex({ dims: 21, device: 'cpu' });
    await other.add({ id: 'x', vector: new Float32Array(21).fill(1) });
    await expectCode(idx.import(await other.export()), 'index_import_mismatch');
    const good = await (await importIndex(await other.export())).export();
    await expectCode(importIndex(good.slice(0, good.size - 8)), 'index_bad_file');
  });
});

describe('index: batch add does not block the event loop', () => {
  it('adds 100k items while timers keep firing', async () => {
    const d = 32;
    const r = rng(9);
    const list: IndexItem[] = [];
    for (let i = 0; i < 100_000; i++) list.push({ id: `v${i}`, vector: Float32Array.from({ length: d }, () => r() - 0.5) });
    const idx = await createIndex({ dims: d, device: 'cpu' });
    let ticks = 0;
    let last = performance.now();
    let maxGap = 0;
    const timer = setInterval(() => {
      const now = performance.now();
      maxGap = Math.max(maxGap, now - last);
      last = now;
      ticks++;
    }, 1);
    const t0 = performance.now();
    await idx.add(list);
    const took = performance.now() - t0;
    clearInterval(timer);
    expect(idx.count).toBe(100_000);
    // The add took many time slices and the timer ran between them.
    expect(ticks).toBeGreaterThan(Math.min(5, took / 50));
    expect((await idx.search(list[12345]!.vector, { k: 1 }))[0]!.id).toBe('v12345');
  });
});
