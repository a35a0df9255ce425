import { test, expect } from './fixtures';
import type { SearchOptions } from '../../src/index';

/**
 * The SIMD Hamming pre-filter (256 dims: whole 16-byte chunks) inside the index workers: the same
 * ids, scores and tie order as one thread and as the JS reference, with duplicates across the
 * worker shares, a filter, and the k × 50 candidates of a rescored search.
 */
test("prefilter 'hamming' over index workers agrees with one thread and the JS reference", async ({ served }) => {
  test.setTimeout(240_000);
  const report = await served.evaluate(async () => {
    const m = await import('/dist/browser/index.js');
    let s = 777;
    const rnd = (): number => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 4294967296) - 0.5;
    const n = 90001, d = 256;
    // Mostly copies of 40 vectors, in every kernel block of both shares: the k-th distance is always
    // shared by hundreds of rows, which must come back in insertion order; every 10th row random.
    const base = Array.from({ length: 40 }, () => Float32Array.from({ length: d }, rnd));
    const vs = Array.from({ length: n }, (_, i) => (i % 10 === 9 ? Float32Array.from({ length: d }, rnd) : base[(i * 7) % 40]!));
    const qs = [base[2]!, vs[19]!, ...Array.from({ length: 2 }, () => Float32Array.from({ length: d }, rnd))];
    const opts: SearchOptions[] = [{ k: 10 }, { k: 10, rescore: false }, { k: 300, rescore: false }, { k: 5, filter: { odd: true } }];
    const results: string[] = [];
    const threads: number[] = [];
    const runs: { completed: number; failed: number }[] = [];
    for (const o of [{}, { threads: 1 }, { threads: 1, kernels: 'js' as const }]) {
      const idx = await m.createIndex({ dims: d, storage: 'binary', device: 'cpu', ...o });
      await idx.add(vs.map((vector, i) => ({ id: `v${i}`, vector, metadata: { odd: i % 2 === 1 } })));
      threads.push(idx.searchThreads);
      const got = [];
      for (const q of qs) for (const x of opts) got.push(await idx.search(q, { ...x, prefilter: 'hamming' }));
      results.push(JSON.stringify(got));
      runs.push(idx.threadedSearches);
      await idx.dispose();
    }
    return { threads, runs, same: results.map((r) => r === results[0]), sample: results[0]!.slice(0, 200) };
  });
  expect(report.threads[0]).toBeGreaterThan(1);
  expect(report.threads.slice(1)).toEqual([1, 1]);
  expect(report.runs[0]).toEqual({ completed: 16, failed: 0 });
  expect(report.same).toEqual([true, true, true]);
});
