import { test, expect } from './fixtures';
import type { CreateIndexOptions, SearchOptions } from '../../src/index';

/**
 * In Chromium (which has relaxed SIMD), every CPU kernel must return the JS reference's ids and
 * scores: relaxed-SIMD int8 digits, plain SIMD, and the JS loop, with and without rescoring.
 */
test('relaxed SIMD, plain SIMD and the JS reference agree exactly (int8, float32, binary)', async ({ served }) => {
  const report = await served.evaluate(async () => {
    const m = await import('/dist/browser/index.js');
    const uniform = testRandom(99);
    const rnd = (): number => uniform() - 0.5;
    const out: { case: string; kernels: string[]; same: boolean; n: number }[] = [];
    for (const storage of ['int8', 'float32', 'binary'] as const) {
      for (const dims of [37, 256]) {
        const vs = Array.from({ length: 4001 }, () => Float32Array.from({ length: dims }, rnd));
        const qs = Array.from({ length: 4 }, () => Float32Array.from({ length: dims }, rnd));
        const results: string[] = [];
        const kernels: string[] = [];
        for (const k of ['auto', 'simd', 'js'] as const) {
          const idx = await m.createIndex({ dims, storage, device: 'cpu', kernels: k });
          await idx.add(vs.map((vector: Float32Array, i: number) => ({ id: `v${i}`, vector })));
          kernels.push(idx.cpuKernel);
          const got = [];
          for (const q of qs) for (const rescore of [false, true]) got.push(await idx.search(q, { k: 20, rescore }));
          results.push(JSON.stringify(got));
          await idx.dispose();
        }
        out.push({ case: `${storage} ${dims}d`, kernels, same: results.every((r) => r === results[0]), n: JSON.parse(results[0]!).length });
      }
    }
    return out;
  });
  for (const r of report) {
    expect(r.same, r.case).toBe(true);
    expect(r.n).toBe(8);
    if (r.case.startsWith('int8')) expect(r.kernels).toEqual(['relaxed-simd', 'simd', 'js']);
    else expect(r.kernels).toEqual(['simd', 'simd', 'js']);
  }
});

test('the scan split over index workers (shared memory) equals the one-thread scan and the JS reference', async ({ served }) => {
  const report = await served.evaluate(async () => {
    const m = await import('/dist/browser/index.js');
    let s = 4242;
    const rnd = (): number => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 4294967296) - 0.5;
    const n = 70001, d = 40;
    const vs = Array.from({ length: n }, () => Float32Array.from({ length: d }, rnd));
    // Exact duplicates across the worker shares: ties must still break by insertion order.
    for (const i of [3, 35001, 70000]) vs[i] = vs[1]!;
    const qs = [vs[1]!, ...Array.from({ length: 3 }, () => Float32Array.from({ length: d }, rnd))];
    const extra = Array.from({ length: 60000 }, () => Float32Array.from({ length: d }, rnd));
    const out: { storage: string; isolated: boolean; threads: number[]; runs: { completed: number; failed: number }[]; same: boolean }[] = [];
    for (const storage of ['int8', 'float32', 'binary'] as const) {
      const results: string[] = [];
      const threads: number[] = [];
      const runs: { completed: number; failed: number }[] = [];
      for (const opts of [{}, { threads: 1 }, { threads: 1, kernels: 'js' }] as Partial<CreateIndexOptions>[]) {
        const idx = await m.createIndex({ dims: d, storage, device: 'cpu', ...opts });
        await idx.add(vs.map((vector: Float32Array, i: number) => ({ id: `v${i}`, vector, metadata: { odd: i % 2 === 1 } })));
        threads.push(idx.searchThreads);
        const got = [];
        for (const q of qs) for (const o of [{ k: 10 }, { k: 7, rescore: false }, { k: 5, filter: { odd: true } }, { k: 6, rescore: false, prefilter: 'hamming' }] as SearchOptions[]) got.push(await idx.search(q, o));
        // Grow the (shared) memory after the workers attached, remove some rows, and search again.
        await idx.add(extra.map((vector: Float32Array, i: number) => ({ id: `x${i}`, vector })));
        await idx.remove(['v2', 'v40000', 'x5']);
        for (const q of [...qs, extra[7]!]) got.push(await idx.search(q, { k: 12 }));
        results.push(JSON.stringify(got));
        runs.push(idx.threadedSearches);
        await idx.dispose();
      }
      out.push({ storage, isolated: crossOriginIsolated, threads, runs, same: results.every((r) => r === results[0]) });
    }
    return { out, cores: navigator.hardwareConcurrency };
  });
  for (const r of report.out) {
    expect(r.isolated).toBe(true);
    expect(r.threads).toEqual([Math.min(8, report.cores), 1, 1]);
    expect(r.threads[0]).toBeGreaterThan(1);
    expect(r.same, r.storage).toBe(true);
    // Every search of the default index really ran on the workers (none fell back), growth included.
    expect(r.runs[0], r.storage).toEqual({ completed: 21, failed: 0 });
    expect(r.runs[1]).toEqual({ completed: 0, failed: 0 });
  }
});

test('a search over 300k × 256 never blocks the main thread for a long task (workers and one thread)', async ({ served }) => {
  test.setTimeout(360_000);
  const r = await served.evaluate(async () => {
    const m = await import('/dist/browser/index.js');
    const longTasks: number[] = [];
    const obs = new PerformanceObserver((l) => {
      for (const e of l.getEntries()) longTasks.push(e.duration);
    });
    const n = 300000, d = 256;
    const out: Record<string, { longTasks: number[]; ms: number; threads: number }> = {};
    for (const storage of ['int8', 'float32', 'binary'] as const) {
      const variants = { workers: await m.createIndex({ dims: d, storage, device: 'cpu', capacity: n }), one: await m.createIndex({ dims: d, storage, device: 'cpu', capacity: n, threads: 1 }) };
      let s = 12345;
      const rnd = (): number => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 4294967296) - 0.5;
      for (let b = 0; b < n; b += 20000) {
        const items = [];
        for (let i = b; i < b + 20000; i++) items.push({ id: `v${i}`, vector: Float32Array.from({ length: d }, rnd) });
        for (const idx of Object.values(variants)) await idx.add(items);
      }
      for (const [name, idx] of Object.entries(variants)) {
        await idx.search(Float32Array.from({ length: d }, rnd));
        // Let the garbage of building the data be collected first: a GC pause is not the search's.
        await new Promise((res) => setTimeout(res, 1500));
        longTasks.length = 0;
        obs.observe({ type: 'longtask', buffered: false });
        const t0 = performance.now();
        for (let i = 0; i < 3; i++) await idx.search(Float32Array.from({ length: d }, rnd), { k: 10 });
        const ms = performance.now() - t0;
        await new Promise((res) => setTimeout(res, 50));
        obs.disconnect();
        out[`${storage} ${name}`] = { longTasks: [...longTasks], ms, threads: idx.searchThreads };
      }
      for (const idx of Object.values(variants)) await idx.dispose();
    }
    return { out, cores: navigator.hardwareConcurrency };
  });
  for (const [name, x] of Object.entries(r.out)) {
    expect(x.threads, name).toBe(name.endsWith('one') ? 1 : Math.min(8, r.cores));
    expect(x.longTasks, `${name}: long tasks during search (${x.ms.toFixed(0)} ms for 3)`).toEqual([]);
  }
});
