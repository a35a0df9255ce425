import { test, expect } from './fixtures';

/** Page-side helpers: a seeded vector generator and the module. */
const SETUP = `
  window.__rng = testRandom;
  window.__vecs = (n, d, seed, prefix) => { const r = window.__rng(seed); const out = []; for (let i = 0; i < n; i++) { const v = new Float32Array(d); for (let j = 0; j < d; j++) v[j] = r() - 0.5; out.push({ id: prefix + i, vector: v, metadata: { i, tag: i % 3 === 0 ? 'a' : 'b' } }); } return out; };
`;

test('a reload restores exactly the committed index (ids, order, metadata, vectors, results); uncommitted changes are dropped', async ({ served }) => {
  await served.addScriptTag({ content: SETUP });
  const before = await served.evaluate(async () => {
    const m = await import('/dist/browser/index.js');
    const w = window as any;
    await m.deletePersistedIndex('persist-reload');
    const idx = await m.createIndex({ dims: 48, storage: 'int8', persist: { name: 'persist-reload' } });
    await idx.add(w.__vecs(9000, 48, 1, 'x'));
    await idx.remove(['x0', 'x4097', 'x8999']);
    await idx.upsert({ id: 'x5', vector: w.__vecs(1, 48, 99, 'q')[0].vector, metadata: { replaced: true } });
    const c1 = await idx.commit();
    // A second, incremental commit: only the touched chunk is rewritten.
    await idx.add(w.__vecs(10, 48, 2, 'y'));
    const c2 = await idx.commit();
    // Not committed: must not survive the reload.
    await idx.add(w.__vecs(5, 48, 3, 'z'));
    await idx.remove(['x1']);
    const q = w.__vecs(1, 48, 7, 'q')[0].vector;
    return { c1, c2, q: Array.from(q) };
  });
  expect(before.c2.version).toBe(before.c1.version + 1);
  await served.reload();
  await served.addScriptTag({ content: SETUP });
  const after = await served.evaluate(async (q: number[]) => {
    const m = await import('/dist/browser/index.js');
    const idx = await m.createIndex({ dims: 48, storage: 'int8', persist: { name: 'persist-reload' } });
    const res = {
      version: idx.committedVersion,
      count: idx.count,
      ids: idx.ids(),
      x5: idx.get('x5')?.metadata,
      x6: idx.get('x6'),
      hits: await idx.search(new Float32Array(q), { k: 8, filter: { tag: 'a' } }),
    };
    // Same data rebuilt in memory gives the same search results.
    const mem = await m.createIndex({ dims: 48, storage: 'int8', device: 'cpu' });
    await mem.import(await idx.export());
    const memHits = await mem.search(new Float32Array(q), { k: 8, filter: { tag: 'a' } });
    const wrong = await m.createIndex({ dims: 32, persist: { name: 'persist-reload' } }).then(() => null, (e: any) => e.code);
    await idx.dispose();
    return { ...res, memHits, wrong };
  }, before.q as number[]);
  expect(after.version).toBe(before.c2.version);
  // Exactly the committed ids: 9000 − 3 removed + 10 added, x1 still present (its removal was not committed).
  expect(after.count).toBe(9000 - 3 + 10);
  expect(after.ids).toContain('x1');
  expect(after.ids.some((id: string) => id.startsWith('z'))).toBe(false);
  expect(after.ids.slice(0, 4)).toEqual(['x1', 'x2', 'x3', 'x4']);
  expect(after.ids.at(-1)).toBe('y9');
  expect(after.x5).toEqual({ replaced: true });
  expect(after.x6!.metadata).toEqual({ i: 6, tag: 'a' });
  expect(after.x6!.vector).toHaveLength(48);
  expect(after.hits).toHaveLength(8);
  expect(after.hits).toEqual(after.memHits);
  expect(after.wrong).toBe('index_persist_mismatch');
});

test('a reload forced in the middle of a large commit loses nothing committed before it', async ({ served }) => {
  await served.addScriptTag({ content: SETUP });
  const committed = await served.evaluate(async () => {
    const m = await import('/dist/browser/index.js');
    const w = window as any;
    sessionStorage.clear();
    await m.deletePersistedIndex('persist-crash');
    const idx = await m.createIndex({ dims: 256, persist: { name: 'persist-crash' } });
    await idx.add(w.__vecs(3000, 256, 11, 'a'));
    const c = await idx.commit();
    // The big write: 90k more vectors (≈ 92 MB over 23 chunks) plus changes to committed items.
    await idx.remove(['a0', 'a1']);
    await idx.upsert({ id: 'a2', vector: w.__vecs(1, 256, 12, 'n')[0].vector, metadata: { changed: true } });
    await idx.add(w.__vecs(90000, 256, 13, 'b'));
    idx
      .commit({
        onProgress: (written: number, total: number) => {
          if (written === 2) {
            sessionStorage.setItem('reloadedAt', `${written}/${total}`);
            location.reload();
          }
        },
      })
      .then(() => sessionStorage.setItem('bigCommitFinished', '1'), () => undefined);
    return { version: c.version, count: c.count, ids: idx.ids().slice(0, 3) };
  });
  await served.waitForFunction(() => sessionStorage.getItem('reloadedAt') !== null && (window as any).__omniReloaded !== false, null, { timeout: 60_000 }).catch(() => undefined);
  await served.waitForLoadState('load');
  // Wait until we are in the fresh document (the old one set reloadedAt before navigating away).
  await served.waitForFunction(() => !(window as any).__vecs, null, { timeout: 60_000 });
  const after = await served.evaluate(async () => {
    const m = await import('/dist/browser/index.js');
    const idx = await m.createIndex({ dims: 256, persist: { name: 'persist-crash' } });
    const out = {
      reloadedAt: sessionStorage.getItem('reloadedAt'),
      finished: sessionStorage.getItem('bigCommitFinished'),
      version: idx.committedVersion,
      count: idx.count,
      first: idx.ids().slice(0, 3),
      a2: idx.get('a2')?.metadata,
      anyB: idx.has('b0') || idx.has('b89999'),
    };
    // The index is still usable and committable after the interrupted write.
    await idx.add({ id: 'after', vector: new Float32Array(256).fill(1) });
    const c = await idx.commit();
    await idx.dispose();
    return { ...out, nextVersion: c.version };
  });
  expect(after.reloadedAt, 'the reload happened during the commit').toMatch(/^2\/\d+$/);
  expect(after.finished, 'the big commit must not have completed before the reload').toBeNull();
  expect(after.version).toBe(committed.version);
  expect(after.count).toBe(3000);
  expect(after.first).toEqual(['a0', 'a1', 'a2']);
  expect(after.a2).toEqual({ i: 2, tag: 'b' });
  expect(after.anyB).toBe(false);
  expect(after.nextVersion).toBe(committed.version + 1);
});

test('the index runs and persists inside a dedicated worker; the page reads what the worker committed', async ({ served }) => {
  const res = await served.evaluate(async () => {
    const worker = new Worker('/tests/pages/index-worker.js', { type: 'module' });
    const reply = await new Promise<any>((resolve, reject) => {
      worker.onmessage = (e) => resolve(e.data);
      worker.onerror = (e) => reject(new Error(e.message));
      worker.postMessage({ name: 'persist-worker', n: 500, dims: 32 });
    });
    worker.terminate();
    const m = await import('/dist/browser/index.js');
    const idx = await m.createIndex({ dims: 32, storage: 'int8', persist: { name: 'persist-worker' } });
    const page = { count: idx.count, version: idx.committedVersion, meta: idx.get('w7')?.metadata };
    await idx.dispose();
    return { reply, page };
  });
  expect(res.reply.ok).toBe(true);
  expect(res.reply.isWorker).toBe(true);
  expect(res.reply.hits[0].id).toBe('w3');
  expect(res.page).toEqual({ count: 500, version: res.reply.version, meta: { i: 7 } });
});

test('adding 100k vectors of 256 dims on the main thread keeps the page responsive', async ({ served }) => {
  await served.addScriptTag({ content: SETUP });
  const res = await served.evaluate(async () => {
    const m = await import('/dist/browser/index.js');
    const items = (window as any).__vecs(100_000, 256, 5, 'v');
    const idx = await m.createIndex({ dims: 256, device: 'cpu' });
    const gaps: number[] = [];
    let ticks = 0;
    let last = performance.now();
    let running = true;
    const tick = () => {
      const now = performance.now();
      gaps.push(now - last);
      last = now;
      ticks++;
      if (running) setTimeout(tick, 0);
    };
    setTimeout(tick, 0);
    const t0 = performance.now();
    await idx.add(items);
    const took = performance.now() - t0;
    running = false;
    const hit = await idx.search(items[54321].vector, { k: 1 });
    await idx.dispose();
    gaps.sort((a, b) => a - b);
    const p90 = gaps[Math.floor(gaps.length * 0.9)] ?? Infinity;
    return { took, maxGap: gaps.at(-1) ?? Infinity, p90, ticks, count: 100_000, hit: hit[0]!.id };
  });
  test.info().annotations.push({ type: 'timing', description: JSON.stringify(res) });
  console.log('100k add:', JSON.stringify(res));
  expect(res.hit).toBe('v54321');
  // Time slices of ~8 ms: the timer keeps running all along. Bounds are loose because the machine
  // is shared (2 cores): a single synchronous add of 100k × 256 would be one gap of the whole add.
  expect(res.ticks).toBeGreaterThan(10);
  expect(res.ticks).toBeGreaterThan(res.took / 100);
  expect(res.p90).toBeLessThan(100);
  expect(res.maxGap).toBeLessThan(Math.max(500, res.took / 4));
});

test('an IndexedDB commit refused for quota fails with quota_exceeded and leaves the committed version intact', async ({ served }) => {
  test.setTimeout(120_000);
  await served.addScriptTag({ content: SETUP });
  // Chromium's DevTools quota override does not reach Playwright's browser contexts here (the
  // estimate stays 10 GiB), so the refusal is injected where IndexedDB reports it: put() throwing
  // the QuotaExceededError DOMException that a full origin gives.
  const r = await served.evaluate(async () => {
    const m = await import('/dist/browser/index.js');
    const w = window as any;
    await m.deletePersistedIndex('quota');
    const idx = await m.createIndex({ dims: 256, storage: 'int8', device: 'cpu', persist: { name: 'quota' } });
    await idx.add(w.__vecs(500, 256, 3, 'a'));
    const first = (await idx.commit()).version;
    await idx.add(w.__vecs(20000, 256, 4, 'b'));
    const put = IDBObjectStore.prototype.put;
    IDBObjectStore.prototype.put = function () {
      throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    };
    const e = await idx.commit().then(() => null, (x: any) => ({ code: x.code, name: x.name, message: x.message }));
    IDBObjectStore.prototype.put = put;
    const state = { version: idx.committedVersion, dirty: idx.hasUncommittedChanges };
    // The refused rows are still owed: the next commit, with room, writes them.
    const second = (await idx.commit()).version;
    await idx.dispose();
    const back = await m.createIndex({ dims: 256, storage: 'int8', device: 'cpu', persist: { name: 'quota' } });
    const out = { e, first, state, second, count: back.count };
    await back.dispose();
    await m.deletePersistedIndex('quota');
    return out;
  });
  expect(r.e).toMatchObject({ code: 'quota_exceeded', name: 'IndexError', message: expect.stringContaining('quota') });
  expect(r.state).toEqual({ version: r.first, dirty: true });
  expect(r.second).toBe(r.first + 1);
  expect(r.count).toBe(20500);
});
