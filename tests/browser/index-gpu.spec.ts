import { test, expect } from './fixtures';
import type { SearchOptions } from '../../src/index';

/**
 * The WebGPU path (WGSL scoring + per-workgroup top-k, host merge) must return exactly the ids the
 * CPU path returns, on the real adapter Chromium exposes (SwiftShader here). Data is generated in the
 * page from a seed so nothing big crosses the protocol.
 */
test('CPU and GPU top-k give identical ids and scores (float32 and int8; random, clustered, ties, filters, shards)', async ({ served }) => {
  const report = await served.evaluate(async () => {
    const m = await import('/dist/browser/index.js');
    const rng = testRandom;
    const r = rng(7);
    const gauss = () => testGauss(r);
    const d = 64;
    const randomVec = () => Float32Array.from({ length: d }, gauss);
    const centres = Array.from({ length: 12 }, randomVec);
    const clusteredVec = () => {
      const c = centres[Math.floor(r() * centres.length)]!;
      return Float32Array.from(c, (x) => x + 0.25 * gauss());
    };
    const out: { name: string; backendSeen: string; same: boolean; cpu: string[]; gpu: string[]; scoreDiff: number }[] = [];
    let info: unknown = null;
    for (const storage of ['float32', 'int8'] as const) {
      for (const [kind, gen, n] of [
        ['random', randomVec, 9000],
        ['clustered', clusteredVec, 9000],
      ] as const) {
        // A small shard size forces several GPU buffers (and dispatches) per search.
        const idx = await m.createIndex({ dims: d, storage, device: 'auto', gpuShardBytes: storage === 'int8' ? 2048 * 64 : 4096 * 256 });
        const items = [];
        for (let i = 0; i < n; i++) items.push({ id: `${kind}${i}`, vector: gen(), metadata: { even: i % 2 === 0, g: i % 7 } });
        // Exact duplicates: ties must break by insertion order on both paths.
        for (let i = 0; i < 30; i++) items.push({ id: `dup${i}`, vector: items[5]!.vector, metadata: { even: true, g: 0 } });
        await idx.add(items);
        await idx.remove([`${kind}17`, `${kind}4000`]);
        const queries = [items[5]!.vector, ...Array.from({ length: 6 }, gen)];
        for (const [qi, q] of queries.entries()) {
          for (const opts of [{ k: 10 }, { k: 37 }, { k: 10, filter: { even: true } }, { k: 5, exclude: ['dup0', 'dup1', `${kind}5`] }, { k: 12, filter: { g: { $in: [1, 3] } } }] as SearchOptions[]) {
            const cpu = await idx.search(q, { ...opts, device: 'cpu' });
            const gpu = await idx.search(q, { ...opts, device: 'gpu' });
            const scoreDiff = Math.max(0, ...cpu.map((x: { score: number }, i: number) => Math.abs(x.score - (gpu[i]?.score ?? Infinity))));
            const c = cpu.map((x: { id: string }) => x.id);
            const g = gpu.map((x: { id: string }) => x.id);
            out.push({ name: `${storage}/${kind}/q${qi}/${JSON.stringify(opts)}`, backendSeen: 'both', same: JSON.stringify(c) === JSON.stringify(g) && c.length === (opts.k ?? 10), cpu: c, gpu: g, scoreDiff });
          }
        }
        info = idx.gpuInfo;
        await idx.dispose();
      }
    }
    return { out, info };
  });
  expect(report.info, 'a WebGPU adapter was used').not.toBeNull();
  for (const row of report.out) {
    expect(row.gpu, row.name).toEqual(row.cpu);
    expect(row.same, row.name).toBe(true);
    expect(row.scoreDiff, row.name).toBe(0);
  }
  expect(report.out.length).toBe(2 * 2 * 7 * 5);
  // The duplicates of item 5 follow it in insertion order, on both paths.
  const dupRow = report.out.find((r) => r.name.startsWith('float32/random/q0/{"k":10}'))!;
  expect(dupRow.cpu.slice(0, 10)).toEqual(['random5', ...Array.from({ length: 9 }, (_, i) => `dup${i}`)]);
});

test('device "gpu" really runs on WebGPU and "auto" keeps small indexes on the CPU', async ({ served }) => {
  const res = await served.evaluate(async () => {
    const m = await import('/dist/browser/index.js');
    const idx = await m.createIndex({ dims: 8, device: 'gpu' });
    await idx.add({ id: 'a', vector: new Float32Array([1, 0, 0, 0, 0, 0, 0, 0]) });
    const hit = await idx.search(new Float32Array([1, 0, 0, 0, 0, 0, 0, 0]));
    const auto = await m.createIndex({ dims: 8 });
    await auto.add({ id: 'a', vector: new Float32Array([1, 0, 0, 0, 0, 0, 0, 0]) });
    const out = { backend: idx.backend, info: idx.gpuInfo, hit: hit[0]?.id, autoBackend: auto.backend };
    await idx.dispose();
    await auto.dispose();
    return out;
  });
  expect(res.backend).toBe('gpu');
  expect(res.info).not.toBeNull();
  expect(res.hit).toBe('a');
  expect(res.autoBackend).toBe('cpu');
});
