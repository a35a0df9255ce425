import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from '@playwright/test';
import { armFault, clearFaults, clearServerLog, expect, serverLog, test } from './fixtures';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const FIXTURE = 'tests/fixtures/models/tiny-fixture';
const FOLDER = `/${FIXTURE}/`;
const manifest = JSON.parse(readFileSync(resolve(ROOT, FIXTURE, 'manifest.json'), 'utf8')) as { files: Record<string, { size: number; sha256: string }> };

const FILES = ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'preprocessor_config.json'];
// text_model (fp32) and vision_model with its external data, which the manifest declares.
const GRAPH_FILES = ['onnx/text_model.onnx', 'onnx/vision_model.onnx', 'onnx/vision_model.onnx_data'];
const ALL = [...FILES, ...GRAPH_FILES];
const TOTAL = ALL.reduce((s, f) => s + manifest.files[f]!.size, 0);

interface RunResult {
  ok: boolean;
  sha?: Record<string, string>;
  events: { status: string; file: string; loaded: number; total?: number; totalLoaded: number; totalBytes: number; totalKnown: boolean; fromCache: boolean }[];
  warnings: { code: string; message: string; url: string }[];
  cached: string[];
  error?: { name: string; code: string; message: string; url: string; isOmni: boolean; reason?: string };
}

interface RunArgs {
  source: string;
  files?: string[];
  optional?: string[];
  graphs?: string[];
  dtype?: string;
  host?: string;
  revision?: string;
  retries?: number;
  stallTimeoutMs?: number;
  requireCache?: boolean;
  cache?: 'default' | 'full' | 'fullable-ok' | 'none';
}

const load = (page: Page, args: RunArgs): Promise<RunResult> =>
  page.evaluate(async (a) => {
    const h = await import('/tests/pages/models-harness.js' as string);
    return h.run(a);
  }, args);

const fixtureArgs = (extra: Partial<RunArgs> = {}): RunArgs => ({ source: FOLDER, files: FILES, graphs: ['text_model', 'vision_model'], dtype: 'fp32', ...extra });

const expectedSha = (files: string[]) => Object.fromEntries(files.map((f) => [f, manifest.files[f]!.sha256]));
const modelRequests = async (page: Page, part = 'fixtures/models/') => (await serverLog(page)).filter((e) => e.url.includes(part) || e.url.includes('/hub/'));

test.beforeEach(async ({ served }) => {
  await clearFaults(served);
});

test('first load streams with monotonic progress to 100%; a new page then loads it from the cache with no model request', async ({ served }) => {
  // The fixture's digests are real: what arrives is byte-identical to the files on disk.
  for (const f of ALL) expect(createHash('sha256').update(readFileSync(resolve(ROOT, FIXTURE, f))).digest('hex')).toBe(manifest.files[f]!.sha256);
  await clearServerLog(served);
  const first = await load(served, fixtureArgs());
  expect(first.error).toBeUndefined();
  expect(first.sha).toEqual(expectedSha(ALL));

  // The manifest came first, then each file exactly once.
  const reqs = (await modelRequests(served)).map((e) => e.url.slice(FOLDER.length));
  expect(reqs[0]).toBe('manifest.json');
  expect(reqs.slice(1).sort()).toEqual([...ALL].sort());

  const ev = first.events;
  expect(ev.length).toBeGreaterThan(ALL.length * 2); // streamed: more than one event per file
  expect(ev.every((e) => e.totalBytes === TOTAL && e.totalKnown)).toBe(true); // total known up front from the manifest
  for (let i = 1; i < ev.length; i++) expect(ev[i]!.totalLoaded, `event ${i}`).toBeGreaterThanOrEqual(ev[i - 1]!.totalLoaded);
  expect(ev.some((e) => e.totalLoaded > 0 && e.totalLoaded < TOTAL / 2)).toBe(true);
  // Per file, too: loaded only grows and ends at the file's size.
  const big = ev.filter((e) => e.file === 'onnx/text_model.onnx');
  for (let i = 1; i < big.length; i++) expect(big[i]!.loaded).toBeGreaterThanOrEqual(big[i - 1]!.loaded);
  expect(big.length).toBeGreaterThan(2);
  expect(big.at(-1)).toMatchObject({ status: 'done', loaded: manifest.files['onnx/text_model.onnx']!.size, total: manifest.files['onnx/text_model.onnx']!.size });
  expect(ev.filter((e) => e.status === 'done').map((e) => e.file).sort()).toEqual([...ALL].sort());
  expect(ev.at(-1)).toMatchObject({ status: 'ready', totalLoaded: TOTAL, totalBytes: TOTAL });
  expect(ev.every((e) => !e.fromCache)).toBe(true);

  // A new page of the same browser profile: everything comes from the Cache API, nothing from the server.
  const page2 = await served.context().newPage();
  await page2.goto('/tests/pages/blank.html');
  await clearServerLog(page2);
  const second = await load(page2, fixtureArgs());
  expect(second.error).toBeUndefined();
  expect(second.sha).toEqual(expectedSha(ALL));
  expect(await modelRequests(page2)).toEqual([]);
  expect(second.events.filter((e) => e.status === 'done').every((e) => e.fromCache)).toBe(true);
  expect(second.events.at(-1)).toMatchObject({ status: 'ready', totalLoaded: TOTAL, totalBytes: TOTAL });
  await page2.close();
});

test('a connection cut mid-file is retried; cut every time it is a NetworkError naming the file, nothing partial is cached, and the next load succeeds', async ({ served }) => {
  const file = 'onnx/text_model.onnx';
  // One cut: the retry with backoff completes the load.
  await clearServerLog(served);
  await armFault(served, { match: `${FIXTURE}/${file}`, kind: 'cut', afterBytes: 70_000, times: 1 });
  const retried = await load(served, fixtureArgs({ cache: 'none' }));
  expect(retried.error).toBeUndefined();
  expect(retried.sha![file]).toBe(manifest.files[file]!.sha256);
  expect((await modelRequests(served)).filter((e) => e.url.endsWith(file))).toHaveLength(2);

  // Cut on every attempt: typed error after retries.
  await armFault(served, { match: `${FIXTURE}/${file}`, kind: 'cut', afterBytes: 70_000, times: 10 });
  const failed = await load(served, fixtureArgs({ retries: 1 }));
  expect(failed.ok).toBe(false);
  expect(failed.error).toMatchObject({ name: 'NetworkError', code: 'network_error', isOmni: true });
  expect(failed.error!.message).toContain(file);
  expect(failed.error!.url).toContain(`${FOLDER}${file}`);
  expect(failed.cached.filter((u) => u.endsWith(file))).toEqual([]);

  await clearFaults(served);
  const ok = await load(served, fixtureArgs());
  expect(ok.error).toBeUndefined();
  expect(ok.sha).toEqual(expectedSha(ALL));
  expect(ok.cached.filter((u) => u.endsWith(file))).toHaveLength(1);
});

test('a server that stops answering is a NetworkError (stalled) after the stall timeout, and is retried', async ({ served }) => {
  const file = 'onnx/vision_model.onnx';
  await armFault(served, { match: `${FIXTURE}/${file}`, kind: 'slow', delayMs: 2000, times: 1 });
  const failed = await load(served, fixtureArgs({ stallTimeoutMs: 300, retries: 0, cache: 'none' }));
  expect(failed.error).toMatchObject({ name: 'NetworkError', code: 'network_error', reason: 'stalled' });
  expect(failed.error!.message).toContain(file);
  await armFault(served, { match: `${FIXTURE}/${file}`, kind: 'slow', delayMs: 2000, times: 1 });
  await clearServerLog(served);
  const ok = await load(served, fixtureArgs({ stallTimeoutMs: 300 }));
  expect(ok.error).toBeUndefined();
  expect(ok.sha).toEqual(expectedSha(ALL));
  expect((await modelRequests(served)).filter((e) => e.url.endsWith(file))).toHaveLength(2);
});

test('a 404 is a ModelNotFoundError naming the file, never retried, and the next load succeeds', async ({ served }) => {
  const file = 'onnx/vision_model.onnx_data';
  await clearServerLog(served);
  await armFault(served, { match: `${FIXTURE}/${file}`, kind: '404', times: 1 });
  const failed = await load(served, fixtureArgs());
  expect(failed.error).toMatchObject({ name: 'ModelNotFoundError', code: 'model_not_found', isOmni: true });
  expect(failed.error!.message).toContain(file);
  expect((await modelRequests(served)).filter((e) => e.url.endsWith(file))).toHaveLength(1);
  expect(failed.cached.filter((u) => u.endsWith(file))).toEqual([]);

  const ok = await load(served, fixtureArgs());
  expect(ok.error).toBeUndefined();
  expect(ok.sha).toEqual(expectedSha(ALL));

  // A dtype the model does not have is the same typed error.
  const missing = await load(served, fixtureArgs({ dtype: 'fp16', graphs: ['text_model'] }));
  expect(missing.error).toMatchObject({ code: 'model_not_found' });
  expect(missing.error!.message).toContain('onnx/text_model_fp16.onnx');
});

test('a corrupted byte is an IntegrityError naming the file (after one retry), is never cached, and a bad cached entry is evicted', async ({ served }) => {
  const file = 'onnx/text_model.onnx';
  await clearServerLog(served);
  await armFault(served, { match: `${FIXTURE}/${file}`, kind: 'corrupt', afterBytes: 123_456, times: 2 });
  const failed = await load(served, fixtureArgs());
  expect(failed.error).toMatchObject({ name: 'IntegrityError', code: 'integrity_error', isOmni: true });
  expect(failed.error!.message).toContain(file);
  expect(failed.error!.message).toContain('sha256');
  expect((await modelRequests(served)).filter((e) => e.url.endsWith(file))).toHaveLength(2); // one retry for a corrupt download
  expect(failed.cached.filter((u) => u.endsWith(file))).toEqual([]);

  await clearFaults(served);
  const ok = await load(served, fixtureArgs());
  expect(ok.error).toBeUndefined();
  expect(ok.sha).toEqual(expectedSha(ALL));

  // Tamper with the cached copy: the next load notices, evicts it, downloads it again.
  await served.evaluate(async (url) => {
    const { lib } = await import('/tests/pages/models-harness.js' as string);
    const cache = new lib.CacheApiModelCache();
    await cache.put(url, new Uint8Array(200_000), { size: 200_000, path: 'onnx/text_model.onnx', model: url });
  }, new URL(`${FOLDER}${file}`, served.url()).href);
  await clearServerLog(served);
  const healed = await load(served, fixtureArgs());
  expect(healed.error).toBeUndefined();
  expect(healed.sha).toEqual(expectedSha(ALL));
  expect(healed.warnings.map((w) => w.code)).toEqual(['integrity_error']);
  expect((await modelRequests(served)).map((e) => e.url)).toEqual([`${FOLDER}${file}`]);
});

test('a full cache gives QuotaExceededError naming the file: a warning with the bytes still returned, an error when the cache is required; nothing partial stays and the next load caches', async ({ served }) => {
  const best = await load(served, fixtureArgs({ cache: 'full' }));
  expect(best.error).toBeUndefined();
  expect(best.sha).toEqual(expectedSha(ALL));
  expect(best.warnings.length).toBeGreaterThan(0);
  expect(best.warnings.every((w) => w.code === 'quota_exceeded')).toBe(true);
  // Every file, manifest included, was downloaded but could not be stored.
  expect(best.warnings.map((w) => w.url).sort()).toEqual([...ALL, 'manifest.json'].map((f) => new URL(`${FOLDER}${f}`, served.url()).href).sort());
  expect(best.cached.filter((u) => u.includes('/onnx/'))).toEqual([]);

  const required = await load(served, fixtureArgs({ cache: 'full', requireCache: true }));
  expect(required.error).toMatchObject({ name: 'QuotaExceededError', code: 'quota_exceeded', isOmni: true });
  // The manifest is the first file stored, so it is the one named.
  expect(required.error!.url).toBe(new URL(`${FOLDER}manifest.json`, served.url()).href);
  expect(required.error!.message).toContain(`${FOLDER}manifest.json`);
  expect(required.cached.filter((u) => u.includes('/onnx/'))).toEqual([]);

  // Space freed: the load succeeds and stores every file, and the one after makes no request.
  const ok = await load(served, fixtureArgs({ cache: 'fullable-ok', requireCache: true }));
  expect(ok.error).toBeUndefined();
  for (const f of ALL) expect(ok.cached).toContain(new URL(`${FOLDER}${f}`, served.url()).href);
  await clearServerLog(served);
  const again = await load(served, fixtureArgs());
  expect(again.sha).toEqual(expectedSha(ALL));
  expect(await modelRequests(served)).toEqual([]);
});

test('loads from the hub-style layout (custom host), from another path of the same files, and relative paths; cache management lists, deletes, clears', async ({ served }) => {
  const origin = new URL(served.url()).origin;
  await clearServerLog(served);
  const hub = await load(served, fixtureArgs({ source: 'acme/tiny-fixture', host: `${origin}/hub` }));
  expect(hub.error).toBeUndefined();
  expect(hub.sha).toEqual(expectedSha(ALL));
  const hubReqs = (await modelRequests(served)).map((e) => e.url);
  expect(hubReqs[0]).toBe('/hub/acme/tiny-fixture/resolve/main/manifest.json');
  expect(hubReqs).toContain('/hub/acme/tiny-fixture/resolve/main/onnx/vision_model.onnx_data');
  expect(hubReqs.every((u) => u.startsWith('/hub/acme/tiny-fixture/resolve/main/'))).toBe(true);

  const rev = await load(served, fixtureArgs({ source: 'acme/tiny-fixture', host: `${origin}/hub/`, revision: 'v1.0', graphs: ['text_model'], dtype: 'q4' }));
  expect(rev.error).toBeUndefined();
  expect(rev.sha!['onnx/text_model_q4.onnx']).toBe(manifest.files['onnx/text_model_q4.onnx']!.sha256);

  // The same files under a different host path (absolute URL, no trailing slash) and a relative path.
  const abs = await load(served, fixtureArgs({ source: `${origin}/hub/acme/tiny-fixture/resolve/mirror`, graphs: ['text_model'] }));
  expect(abs.error).toBeUndefined();
  const rel = await load(served, fixtureArgs({ source: '../fixtures/models/tiny-fixture/', graphs: ['text_model'] }));
  expect(rel.error).toBeUndefined();
  expect(rel.sha!['onnx/text_model.onnx']).toBe(manifest.files['onnx/text_model.onnx']!.sha256);

  // A folder without a manifest loads unverified; its absence is remembered (no second 404 probe).
  await clearServerLog(served);
  const bare = await load(served, { source: '/tests/fixtures/models/no-manifest/', files: ['config.json'], optional: ['tokenizer_config.json'], graphs: ['text_model'] });
  expect(bare.error).toBeUndefined();
  expect(Object.keys(bare.sha!)).toEqual(['config.json', 'onnx/text_model.onnx']);
  await clearServerLog(served);
  await load(served, { source: '/tests/fixtures/models/no-manifest/', files: ['config.json'], graphs: ['text_model'] });
  expect(await modelRequests(served)).toEqual([]);

  const listed = await served.evaluate(async () => {
    const { lib } = await import('/tests/pages/models-harness.js' as string);
    const before = await lib.listCachedModels();
    const deleted = await lib.deleteCachedModel('acme/tiny-fixture');
    const after = await lib.listCachedModels();
    await lib.clearModelCache();
    const cleared = await lib.listCachedModels();
    return { before, deleted, after: after.map((m: { id: string }) => m.id), cleared };
  });
  const hubModel = listed.before.find((m: { id: string }) => m.id === 'acme/tiny-fixture');
  expect(hubModel).toBeDefined();
  // Both revisions' files, each with its size: manifest + 7 files at main; manifest + 4 JSON files + q4 graph at v1.0.
  expect(hubModel.files).toHaveLength(ALL.length + 1 + FILES.length + 2);
  expect(hubModel.totalBytes).toBe(hubModel.files.reduce((s: number, f: { size: number }) => s + f.size, 0));
  expect(hubModel.totalBytes).toBeGreaterThan(TOTAL);
  expect(listed.deleted).toBe(hubModel.files.length);
  expect(listed.after).not.toContain('acme/tiny-fixture');
  expect(listed.after.length).toBeGreaterThan(0);
  expect(listed.cleared).toEqual([]);
});

test('two workers loading one model at once download each file once (Web Lock per file), and the page then loads with no model request', async ({ served }) => {
  await clearServerLog(served);
  // Slow responses make the two workers' loads overlap for sure.
  await armFault(served, { match: `${FIXTURE}/onnx/`, kind: 'slow', delayMs: 400, times: 6 });
  const replies = await served.evaluate(async (args) => {
    const one = () => new Promise<any>((res, rej) => {
      const w = new Worker('/tests/pages/models-load.worker.js', { type: 'module' });
      w.onmessage = (e) => { w.terminate(); res(e.data); };
      w.onerror = (e) => rej(new Error(e.message));
      setTimeout(() => rej(new Error('worker did not answer in 30 s')), 30_000);
      w.postMessage(args);
    });
    return Promise.all([one(), one()]);
  }, fixtureArgs({ source: new URL(FOLDER, served.url()).href }));
  for (const r of replies) {
    expect(r.error).toBeUndefined();
    expect(r.sha).toEqual(expectedSha(ALL));
  }
  const reqs = (await modelRequests(served)).map((e) => e.url.slice(FOLDER.length));
  // Each file once, the manifest included.
  expect(reqs.sort()).toEqual([...ALL, 'manifest.json'].sort());
  expect(replies.some((r: RunResult) => r.events.some((e) => e.status === 'done' && e.fromCache))).toBe(true);
  await clearServerLog(served);
  const page = await load(served, fixtureArgs());
  expect(page.sha).toEqual(expectedSha(ALL));
  expect(await modelRequests(served)).toEqual([]);
});

test('clearing the cache from the page while a worker keeps its loader: the worker downloads again and its new entries are visible', async ({ served }) => {
  const result = await served.evaluate(async (args) => {
    const { lib } = await import('/tests/pages/models-harness.js' as string);
    const w = new Worker('/tests/pages/models-load.worker.js', { type: 'module' });
    const ask = () => new Promise<any>((res, rej) => {
      w.onmessage = (e) => res(e.data);
      w.onerror = (e) => rej(new Error(e.message));
      w.postMessage(args);
    });
    const first = await ask();
    await lib.clearModelCache();
    const cleared = (await lib.listCachedModels()).length;
    const second = await ask();
    const listed = await lib.listCachedModels();
    w.terminate();
    return { first: first.error ?? null, second: second.error ?? null, cleared, secondFromNetwork: second.events.filter((e: any) => e.status === 'done' && !e.fromCache).length, listed };
  }, fixtureArgs({ source: new URL(FOLDER, served.url()).href }));
  expect(result.first).toBeNull();
  expect(result.second).toBeNull();
  expect(result.cleared).toBe(0);
  expect(result.secondFromNetwork).toBe(ALL.length);
  expect(result.listed).toHaveLength(1);
  expect(result.listed[0].files).toHaveLength(ALL.length + 1);
  expect(result.listed[0].totalBytes).toBe(TOTAL + readFileSync(resolve(ROOT, FIXTURE, 'manifest.json')).length);
});

test('offline: a cached model still loads; an uncached one fails with NetworkError (offline) naming the file', async ({ served }) => {
  const warm = await load(served, fixtureArgs({ graphs: ['text_model'] }));
  expect(warm.error).toBeUndefined();
  await served.context().setOffline(true);
  try {
    const cached = await load(served, fixtureArgs({ graphs: ['text_model'] }));
    expect(cached.error).toBeUndefined();
    expect(cached.sha!['onnx/text_model.onnx']).toBe(manifest.files['onnx/text_model.onnx']!.sha256);
    const uncached = await load(served, fixtureArgs({ graphs: ['text_model'], dtype: 'q4', retries: 1 }));
    expect(uncached.error).toMatchObject({ name: 'NetworkError', code: 'network_error', reason: 'offline' });
    expect(uncached.error!.message).toContain('onnx/text_model_q4.onnx');
  } finally {
    await served.context().setOffline(false);
  }
});

const OMNI_TINY = resolve(ROOT, 'models/omni-tiny');
test('the reference model omni-tiny loads from the hub-style layout and from its folder, byte-identical to the files on disk', async ({ served }) => {
  test.skip(!existsSync(resolve(OMNI_TINY, 'onnx/text_model_q4.onnx')), 'models/omni-tiny is not there yet');
  const hasManifest = existsSync(resolve(OMNI_TINY, 'manifest.json'));
  const files = ['config.json', 'tokenizer.json'];
  const want = Object.fromEntries([...files, 'onnx/text_model_q4.onnx'].map((f) => [f, createHash('sha256').update(readFileSync(resolve(OMNI_TINY, f))).digest('hex')]));
  const origin = new URL(served.url()).origin;
  await clearServerLog(served);
  const hub = await load(served, { source: 'omni-embed/omni-tiny', host: `${origin}/hub`, files, graphs: ['text_model'], dtype: 'q4' });
  expect(hub.error).toBeUndefined();
  expect(hub.sha).toEqual(want);
  expect((await modelRequests(served)).every((e) => e.url.startsWith('/hub/omni-embed/omni-tiny/resolve/main/'))).toBe(true);
  // With a manifest the total is known from the first event; without one it becomes known as Content-Lengths arrive.
  expect(hub.events[0]!.totalKnown).toBe(hasManifest);
  expect(hub.events.at(-1)).toMatchObject({ status: 'ready', totalKnown: true });
  expect(hub.events.at(-1)!.totalLoaded).toBe(hub.events.at(-1)!.totalBytes);
  const folder = await load(served, { source: '/models/omni-tiny/', files, graphs: ['text_model'], dtype: 'q4' });
  expect(folder.sha).toEqual(want);
});
