import { test, expect } from './fixtures';

/**
 * Page-side data: a seeded Gaussian mixture on the unit sphere (cluster centres uniform on the
 * sphere, members = normalize(centre + spread · g / √d) with a spread drawn per cluster), so IVF
 * lists have real structure to find; queries are fresh draws from the same mixture.
 */
const SETUP = `
  window.__mixture = (n, d, clusters, seed, prefix) => {
    const r = testRandom(seed);
    const g = () => testGauss(r);
    const norm = (v) => { let s = 0; for (const x of v) s += x * x; s = Math.sqrt(s); for (let j = 0; j < v.length; j++) v[j] /= s; return v; };
    const centres = Array.from({ length: clusters }, () => ({ c: norm(Float32Array.from({ length: d }, g)), spread: 0.6 + 0.6 * r() }));
    const draw = () => { const k = centres[Math.floor(r() * clusters)]; const v = new Float32Array(d); for (let j = 0; j < d; j++) v[j] = k.c[j] + k.spread * g() / Math.sqrt(d); return norm(v); };
    return { items: Array.from({ length: n }, (_, i) => ({ id: prefix + i, vector: draw(), metadata: { i } })), draw };
  };
`;

test('IVF over a clustered 20k set: recall@10 vs exact ≥ 0.93 at the default nprobe, and probing every list equals exact search (int8, binary)', async ({ served }) => {
  test.setTimeout(240_000);
  await served.addScriptTag({ content: SETUP });
  const r = await served.evaluate(async () => {
    const m = await import('/dist/browser/index.js');
    const w = window as any;
    const out: Record<string, unknown> = {};
    for (const storage of ['int8', 'binary'] as const) {
      const mix = w.__mixture(20000, 64, 200, 5, 'v');
      const idx = await m.createIndex({ dims: 64, storage, device: 'cpu' });
      await idx.add(mix.items);
      const phases = new Set<string>();
      let lastAssign = 0;
      const info = await idx.trainIvf({ onProgress: (p) => { phases.add(p.phase); if (p.phase === 'assign') lastAssign = p.done; } });
      idx.verifyIvf();
      const queries = Array.from({ length: 50 }, () => mix.draw());
      let hit = 0;
      let allEqual = true;
      let probedEqualsExact = true;
      for (const q of queries) {
        const exact = await idx.search(q, { k: 10, exact: true });
        const approx = await idx.search(q, { k: 10 });
        const all = await idx.search(q, { k: 10, nprobe: info.lists });
        const ids = new Set(exact.map((x) => x.id));
        hit += approx.filter((x) => ids.has(x.id)).length;
        if (JSON.stringify(all) !== JSON.stringify(exact)) allEqual = false;
        // With a filter too: the mask applies inside the lists exactly as in the exact scan.
        const f = { filter: (md: any) => md.i % 3 === 0, k: 10 };
        if (JSON.stringify(await idx.search(q, { ...f, nprobe: info.lists })) !== JSON.stringify(await idx.search(q, { ...f, exact: true }))) probedEqualsExact = false;
        // binary: the Hamming pre-filter too (another kernel and score expression inside the lists).
        const h = { prefilter: 'hamming' as const, k: 10 };
        if (storage === 'binary' && JSON.stringify(await idx.search(q, { ...h, nprobe: info.lists })) !== JSON.stringify(await idx.search(q, { ...h, exact: true }))) probedEqualsExact = false;
      }
      out[storage] = { info, recall: hit / (queries.length * 10), allEqual, probedEqualsExact, phases: [...phases], lastAssign, ivf: idx.ivf };
      await idx.dispose();
    }
    return out;
  });
  for (const storage of ['int8', 'binary']) {
    const x = r[storage] as any;
    console.log(`${storage}: ${x.info.lists} lists, recall@10 ${x.recall} at nprobe ${x.info.defaultNprobe}, imbalance ${x.ivf.imbalance.toFixed(3)}`);
    expect(x.info.lists, storage).toBe(Math.round(Math.sqrt(20000) / 2));
    expect(x.phases, storage).toEqual(['seed', 'train', 'assign', 'layout']);
    expect(x.lastAssign, storage).toBe(20000);
    expect(x.recall, `${storage} recall@10 at nprobe ${x.info.defaultNprobe}`).toBeGreaterThanOrEqual(0.93);
    expect(x.allEqual, `${storage}: nprobe = all lists equals exact`).toBe(true);
    expect(x.probedEqualsExact, `${storage}: with a filter`).toBe(true);
    expect(x.ivf.imbalance, storage).toBeLessThan(2);
    expect(x.ivf.retrainSuggested, storage).toBe(false);
  }
});

test('IVF is incremental: adds are findable through their list, rewrites move, removes are gone; growth suggests retraining', async ({ served }) => {
  test.setTimeout(180_000);
  await served.addScriptTag({ content: SETUP });
  const r = await served.evaluate(async () => {
    const m = await import('/dist/browser/index.js');
    const w = window as any;
    const mix = w.__mixture(4000, 48, 20, 9, 'a');
    const idx = await m.createIndex({ dims: 48, storage: 'int8', device: 'cpu' });
    await idx.add(mix.items);
    await idx.trainIvf({ lists: 20 });
    // 3× more items after training, fresh draws from the same mixture: each must come back as its own top hit at nprobe 1.
    const more = Array.from({ length: 13000 }, (_, i) => ({ id: 'b' + i, vector: mix.draw() }));
    await idx.add(more);
    idx.verifyIvf();
    let found = 0;
    for (let i = 0; i < more.length; i += 97) if ((await idx.search(more[i]!.vector, { k: 1, nprobe: 1 }))[0]?.id === more[i]!.id) found++;
    const probes = Math.ceil(more.length / 97);
    // A rewrite: a0 gets b5's vector, so it must now sit in b5's list.
    await idx.upsert({ id: 'a0', vector: more[5]!.vector });
    const rewritten = (await idx.search(more[5]!.vector, { k: 2, nprobe: 1 })).map((x) => x.id).sort();
    // Removes: gone from searches probing every list, and the lists shrink with them (verifyIvf).
    const gone = ['a1', 'a2', 'b7', 'b100'];
    await idx.remove(gone);
    const leftovers: string[] = [];
    for (const id of gone) {
      const v = id.startsWith('a') ? mix.items[Number(id.slice(1))].vector : more[Number(id.slice(1))]!.vector;
      for (const x of await idx.search(v, { k: 20, nprobe: 20 })) if (gone.includes(x.id)) leftovers.push(x.id);
    }
    idx.verifyIvf();
    // export() closes tombstone gaps too: the lists must follow the renumbered slots.
    await idx.remove(['a3']);
    await idx.export();
    idx.verifyIvf();
    const afterExport = (await idx.search(more[9]!.vector, { k: 1, nprobe: 1 }))[0]?.id;
    const info = idx.ivf;
    await idx.dispose();
    return { found, probes, rewritten, leftovers, info, afterExport };
  });
  expect(r.found).toBe(r.probes);
  expect(r.rewritten).toEqual(['a0', 'b5']);
  expect(r.leftovers).toEqual([]);
  expect(r.afterExport).toBe('b9');
  expect(r.info!.trainedCount).toBe(4000);
  // 17k items against 4k at training: past the 4× growth rule.
  expect(r.info!.retrainSuggested).toBe(true);
});

test('IVF lists persist with the index: a reload restores them without training and searches return the same results', async ({ served }) => {
  test.setTimeout(180_000);
  await served.addScriptTag({ content: SETUP });
  const before = await served.evaluate(async () => {
    const m = await import('/dist/browser/index.js');
    const w = window as any;
    await m.deletePersistedIndex('ivf-persist');
    const mix = w.__mixture(10000, 64, 40, 21, 'p');
    const idx = await m.createIndex({ dims: 64, storage: 'int8', device: 'cpu', persist: { name: 'ivf-persist' } });
    await idx.add(mix.items);
    await idx.trainIvf({ lists: 40 });
    await idx.remove(['p3', 'p4']);
    await idx.add(w.__mixture(300, 64, 40, 22, 'late').items);
    await idx.commit();
    const cleanAfterCommit = !idx.hasUncommittedChanges;
    // Retraining on demand is a change to commit even when no item changed.
    await idx.trainIvf({ lists: 40, seed: 7 });
    const dirtyAfterRetrain = idx.hasUncommittedChanges;
    await idx.commit();
    const queries = Array.from({ length: 20 }, () => Array.from(mix.draw() as Float32Array));
    const results = [];
    for (const q of queries) results.push(await idx.search(new Float32Array(q), { k: 10, nprobe: 3 }));
    const info = idx.ivf;
    await idx.dispose();
    return { queries, results, info, cleanAfterCommit, dirtyAfterRetrain };
  });
  expect(before.cleanAfterCommit).toBe(true);
  expect(before.dirtyAfterRetrain).toBe(true);
  await served.reload();
  const after = await served.evaluate(async (queries: number[][]) => {
    const m = await import('/dist/browser/index.js');
    // Count workers started while the index opens: restoring the lists must not train (no IVF workers).
    let workersStarted = 0;
    const W = window.Worker;
    (window as any).Worker = class extends W {
      constructor(...a: ConstructorParameters<typeof Worker>) {
        super(...a);
        workersStarted++;
      }
    };
    const idx = await m.createIndex({ dims: 64, storage: 'int8', device: 'cpu', persist: { name: 'ivf-persist' } });
    const startedDuringOpen = workersStarted;
    const results = [];
    for (const q of queries) results.push(await idx.search(new Float32Array(q), { k: 10, nprobe: 3 }));
    idx.verifyIvf();
    const info = idx.ivf;
    (window as any).Worker = W;
    await idx.dispose();
    await m.deletePersistedIndex('ivf-persist');
    return { results, info, startedDuringOpen };
  }, before.queries);
  // The same lists (bytes may differ: a restore lays the lists out afresh, with fresh slack).
  expect({ ...after.info, bytes: 0 }).toEqual({ ...before.info, bytes: 0 });
  expect(after.info!.bytes).toBeGreaterThan(0);
  expect(after.startedDuringOpen).toBe(0);
  expect(after.results).toEqual(before.results);
});

test('bad IVF options fail with typed errors that say what is wrong', async ({ served }) => {
  await served.addScriptTag({ content: SETUP });
  const r = await served.evaluate(async () => {
    const m = await import('/dist/browser/index.js');
    const w = window as any;
    const err = (p: Promise<unknown>) => p.then(() => null, (e: any) => ({ code: e.code, name: e.name, message: e.message }));
    const small = await m.createIndex({ dims: 32, storage: 'int8', device: 'cpu' });
    await small.add(w.__mixture(500, 32, 5, 1, 's').items);
    const f32 = await m.createIndex({ dims: 32, device: 'cpu' });
    await f32.add(w.__mixture(2000, 32, 5, 1, 'f').items);
    const idx = await m.createIndex({ dims: 32, storage: 'int8', device: 'cpu' });
    await idx.add(w.__mixture(2000, 32, 5, 1, 'i').items);
    const q = w.__mixture(1, 32, 5, 2, 'q').items[0].vector;
    const out = {
      nprobeUntrained: await err(idx.search(q, { nprobe: 2 })),
      tooFew: await err(small.trainIvf()),
      tooManyLists: await err(idx.trainIvf({ lists: 200 })),
      float32: await err(f32.trainIvf()),
      badLists: await err(idx.trainIvf({ lists: 2.5 })),
      badSample: await err(idx.trainIvf({ lists: 10, sample: 50 })),
    } as Record<string, unknown>;
    await idx.trainIvf({ lists: 10 });
    out.nprobeZero = await err(idx.search(q, { nprobe: 0 }));
    out.nprobeHigh = await err(idx.search(q, { nprobe: 11 }));
    out.nprobeFraction = await err(idx.search(q, { nprobe: 1.5 }));
    out.ok = (await idx.search(q, { nprobe: 10 })).length;
    for (const x of [small, f32, idx]) await x.dispose();
    return out;
  });
  expect(r.nprobeUntrained).toMatchObject({ code: 'index_invalid_options', name: 'IndexError', message: expect.stringContaining('trainIvf') });
  expect(r.tooFew).toMatchObject({ code: 'index_ivf_too_few_vectors', message: expect.stringContaining('at least 1000') });
  expect(r.tooManyLists).toMatchObject({ code: 'index_ivf_too_few_vectors', message: expect.stringContaining('200 lists need at least 3200') });
  expect(r.float32).toMatchObject({ code: 'index_invalid_options', message: expect.stringContaining("storage 'int8' or 'binary'") });
  expect(r.badLists).toMatchObject({ code: 'index_invalid_options', message: expect.stringContaining('lists must be a positive integer') });
  expect(r.badSample).toMatchObject({ code: 'index_invalid_options', message: expect.stringContaining('sample') });
  for (const k of ['nprobeZero', 'nprobeHigh', 'nprobeFraction']) expect(r[k], k).toMatchObject({ code: 'index_invalid_options', message: expect.stringContaining('nprobe must be an integer in [1, 10]') });
  expect(r.ok).toBe(10);
});

test('an IVF search probing every list of 300k × 256 never blocks the main thread for a long task', async ({ served }) => {
  test.setTimeout(360_000);
  await served.addScriptTag({ content: SETUP });
  const r = await served.evaluate(async () => {
    const m = await import('/dist/browser/index.js');
    const w = window as any;
    const mix = w.__mixture(1, 256, 300, 31, 'x');
    const idx = await m.createIndex({ dims: 256, storage: 'int8', device: 'cpu', capacity: 300000 });
    for (let b = 0; b < 300000; b += 20000) await idx.add(Array.from({ length: 20000 }, (_, i) => ({ id: `v${b + i}`, vector: mix.draw() })));
    const info = await idx.trainIvf({ iterations: 3 });
    await idx.search(mix.draw(), { nprobe: info.lists });
    // The garbage of building the data is collected first: a GC pause is not the search's.
    await new Promise((res) => setTimeout(res, 1500));
    const longTasks: number[] = [];
    const obs = new PerformanceObserver((l) => {
      for (const e of l.getEntries()) longTasks.push(e.duration);
    });
    obs.observe({ type: 'longtask', buffered: false });
    const ms: number[] = [];
    for (let i = 0; i < 5; i++) {
      // Each search in a task of its own (as from an event): otherwise the awaits chain into one task.
      await new Promise((res) => setTimeout(res, 0));
      const t0 = performance.now();
      await idx.search(mix.draw(), { k: 10, nprobe: info.lists });
      ms.push(performance.now() - t0);
    }
    await new Promise((res) => setTimeout(res, 50));
    obs.disconnect();
    await idx.dispose();
    return { longTasks, ms };
  });
  expect(r.longTasks, `long tasks during IVF searches over every list (${r.ms.map((x) => x.toFixed(0)).join(', ')} ms)`).toEqual([]);
});

test('adds piling into one list make the lists unbalanced, and that suggests retraining; retraining evens them out', async ({ served }) => {
  test.setTimeout(180_000);
  await served.addScriptTag({ content: SETUP });
  const r = await served.evaluate(async () => {
    const m = await import('/dist/browser/index.js');
    const w = window as any;
    const idx = await m.createIndex({ dims: 48, storage: 'int8', device: 'cpu' });
    await idx.add(w.__mixture(4000, 48, 20, 41, 'a').items);
    const trained = await idx.trainIvf({ lists: 20 });
    // 4000 more, all from one new tight cluster: they land in one or two lists (2× growth, below the 4× rule).
    await idx.add(w.__mixture(4000, 48, 1, 42, 'b').items);
    const piled = idx.ivf!;
    idx.verifyIvf();
    const retrained = await idx.trainIvf({ lists: 20 });
    await idx.dispose();
    return { trained, piled, retrained };
  });
  expect(r.trained.imbalance).toBeLessThan(1.5);
  expect(r.trained.retrainSuggested).toBe(false);
  expect(r.piled.imbalance).toBeGreaterThan(2);
  expect(r.piled.retrainSuggested).toBe(true);
  expect(r.retrained.imbalance).toBeLessThan(r.piled.imbalance);
});
