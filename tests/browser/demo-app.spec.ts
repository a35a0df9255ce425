import { test, expect } from './fixtures';
import type { Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';

// The demo app (demo/, a vite app importing the SDK as `omni-embed`), built by `vite build` into
// demo/dist/ exactly as `npm run build:demo` does, served by the project's server, on the bundled
// omni-tiny. (tests/browser/demo-dev.spec.ts covers `npm run demo`, the vite dev server.)
// WASM keeps these runs predictable on the CI box (WebGPU there is SwiftShader); the demo itself
// defaults to device 'auto' and shows the device it got.
const DEVICE = process.env.DEMO_DEVICE ?? 'wasm';
const DIR = process.env.DEMO_PATH ?? '/demo/dist/';
const APP = `${DIR}index.html?device=${DEVICE}`;
// Screenshots for docs/ are refreshed on request (SCREENSHOTS=1); a plain test run leaves the tree clean.
const SHOTS = process.env.SCREENSHOTS ? 'docs/screenshots' : 'tests/.out/screenshots';


/**
 * Console errors and uncaught exceptions from the app. (The fixture's own list also holds the 404 for
 * /favicon.ico that Chromium asks for on the fixture's blank start page; the demo page declares its icon.)
 */
function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error' && !msg.location().url.endsWith('/favicon.ico')) errors.push(`${msg.text()} @ ${msg.location().url}`);
  });
  page.on('pageerror', (err) => errors.push(String(err)));
  return errors;
}

/** Starts from an empty library: no persisted index, no user files, no markers. */
async function resetStorage(page: Page) {
  await page.evaluate(async () => {
    localStorage.clear();
    const dbs = await indexedDB.databases();
    await Promise.all(dbs.map((d) => new Promise((r) => { const q = indexedDB.deleteDatabase(d.name!); q.onsuccess = q.onerror = q.onblocked = r; })));
  });
}

/**
 * A different recording of a held-out clip: 0.25 s of silence first, 70 % gain and a little noise,
 * written as a new 16-bit WAV (so the query is not the very bytes that were indexed).
 */
function rerecord(wav: Buffer): Buffer {
  let off = 12;
  let fmt: Buffer | undefined;
  let data: Buffer | undefined;
  while (off + 8 <= wav.length) {
    const id = wav.toString('ascii', off, off + 4);
    const size = wav.readUInt32LE(off + 4);
    if (id === 'fmt ') fmt = wav.subarray(off + 8, off + 8 + size);
    if (id === 'data') data = wav.subarray(off + 8, off + 8 + size);
    off += 8 + size + (size & 1);
  }
  if (!fmt || !data || fmt.readUInt16LE(14) !== 16) throw new Error('expected a 16-bit PCM WAV');
  const rate = fmt.readUInt32LE(4);
  const channels = fmt.readUInt16LE(2);
  const pad = Math.round(rate * 0.25) * channels;
  const n = data.length / 2;
  const out = Buffer.alloc(44 + (pad + n) * 2);
  out.write('RIFF', 0, 'ascii');
  out.writeUInt32LE(36 + (pad + n) * 2, 4);
  out.write('WAVEfmt ', 8, 'ascii');
  out.writeUInt32LE(16, 16);
  fmt.copy(out, 20, 0, 16);
  out.write('data', 36, 'ascii');
  out.writeUInt32LE((pad + n) * 2, 40);
  let seed = 7;
  for (let i = 0; i < n; i++) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    const noise = ((seed / 0x7fffffff) - 0.5) * 200;
    const v = Math.max(-32768, Math.min(32767, Math.round(data.readInt16LE(i * 2) * 0.7 + noise)));
    out.writeInt16LE(v, 44 + (pad + i) * 2);
  }
  return out;
}

test.beforeAll(() => {
  test.setTimeout(120_000);
  // The demo bundles the built package (dist/, which the spec run builds first) with vite.
  if (!process.env.DEMO_PATH) execFileSync('npx', ['vite', 'build', '--logLevel', 'warn'], { stdio: 'inherit' });
});

async function results(page: Page) {
  return page.locator('#results .card').evaluateAll((cards) =>
    cards.map((c) => {
      const d = (c as HTMLElement).dataset;
      return { id: d.id!, kind: d.kind!, colour: d.colour!, shape: d.shape!, digit: d.digit!, caption: d.caption!, score: Number(d.score), rank: Number(d.rank) };
    }),
  );
}

async function waitReady(page: Page, timeout = 600_000) {
  await expect(page.locator('body')).toHaveAttribute('data-state', /ready|error/, { timeout });
  await expect(page.locator('body')).toHaveAttribute('data-state', 'ready');
}

/** Puts a held-out file into the page's file chooser (same path as a user picking it). */
async function chooseFile(page: Page, selector: string, path: string, mimeType: string) {
  const res = await page.request.get(`/data/heldout/${path}`);
  expect(res.ok()).toBe(true);
  await page.setInputFiles(selector, { name: path.split('/').pop()!, mimeType, buffer: await res.body() });
}

test('demo: indexes the gallery with a progress bar, answers text, audio and video queries, and reloads without re-indexing', async ({ served }) => {
  test.setTimeout(900_000);
  const page = served;
  const errors = watchErrors(page);
  await page.setViewportSize({ width: 1360, height: 1000 });
  await resetStorage(page);

  const t0 = Date.now();
  await page.goto(APP);
  // The progress bar is visible while the gallery is embedded, and moves.
  await expect(page.locator('body')).toHaveAttribute('data-state', 'indexing', { timeout: 120_000 });
  await expect(page.locator('#index-progress')).toBeVisible();
  await expect(page.locator('#device-badge')).toHaveText(/device: (WASM|WebGPU)/);
  await expect(page.locator('#model-badge')).toContainText('omni-tiny');
  await expect.poll(async () => Number(await page.locator('#index-progress').getAttribute('data-done')), { timeout: 120_000 }).toBeGreaterThan(5);
  await page.screenshot({ path: `${SHOTS}/01-indexing.png` });
  await waitReady(page);
  console.log(`indexed in ${Date.now() - t0} ms`);
  await expect(page.locator('#index-progress')).toBeHidden();
  const total = Number(await page.locator('#library').getAttribute('data-count'));
  expect(total).toBe(180);
  expect(Number(await page.locator('body').getAttribute('data-embedded-on-load'))).toBe(180);
  // The map shows every indexed item.
  await expect(page.locator('#map circle.pt')).toHaveCount(180);

  // Text → image: a held-out caption (img000's) brings a matching image into the top 3.
  await page.fill('#query', 'a small red circle in the center');
  await page.press('#query', 'Enter');
  await expect(page.locator('#results')).toHaveAttribute('data-query', 'a small red circle in the center');
  const text = await results(page);
  console.log('text', JSON.stringify(text.slice(0, 5).map((r) => `${r.id} ${r.caption} ${r.score}`)));
  expect(text.length).toBe(12);
  expect(text.slice(0, 3).some((r) => r.kind === 'image' && r.colour === 'red' && r.shape === 'circle')).toBe(true);
  // Scores are shown, in descending order; the query is placed on the map.
  for (let i = 1; i < text.length; i++) expect(text[i]!.score).toBeLessThanOrEqual(text[i - 1]!.score);
  await expect(page.locator('#map #map-query')).toHaveCount(1);
  // The short form: a red circle (any modality) in the top 3.
  await page.fill('#query', 'a red circle');
  await page.press('#query', 'Enter');
  await expect(page.locator('#results')).toHaveAttribute('data-query', 'a red circle');
  const short = await results(page);
  console.log('short', JSON.stringify(short.slice(0, 5).map((r) => `${r.id} ${r.caption} ${r.score}`)));
  expect(short.slice(0, 3).some((r) => r.colour === 'red' && r.shape === 'circle')).toBe(true);
  await page.screenshot({ path: `${SHOTS}/02-text-query.png` });

  // Modality filter: only images.
  await page.check('input[name=kind][value=image]');
  await expect(page.locator('#results')).toHaveAttribute('data-filter', 'image');
  const imagesOnly = await results(page);
  expect(imagesOnly.length).toBeGreaterThan(0);
  expect(imagesOnly.every((r) => r.kind === 'image')).toBe(true);
  await page.check('input[name=kind][value=all]');

  // Audio file: another recording of a held-out clip (delayed, quieter, noisy) finds that clip in the top 5.
  const wav = rerecord(await (await page.request.get('/data/heldout/audio/aud078.wav')).body());
  await page.setInputFiles('#query-file', { name: 'my-recording.wav', mimeType: 'audio/wav', buffer: wav });
  await expect(page.locator('#results')).toHaveAttribute('data-query', 'my-recording.wav');
  const audio = await results(page);
  console.log('audio', JSON.stringify(audio.slice(0, 5).map((r) => `${r.id} ${r.caption} ${r.score}`)));
  expect(audio.slice(0, 5).map((r) => r.id)).toContain('aud078');
  await expect(page.locator('#results audio').first()).toBeAttached();
  await expect(page.locator('#query-view audio')).toBeAttached();
  await page.screenshot({ path: `${SHOTS}/03-audio-query.png` });

  // Video file (decoded from WebM by the SDK, while the gallery copy was embedded from its frame strip)
  // finds that clip in the top 5.
  await chooseFile(page, '#query-file', 'video/vid108.webm', 'video/webm');
  await expect(page.locator('#results')).toHaveAttribute('data-query', 'vid108.webm', { timeout: 60_000 });
  const video = await results(page);
  console.log('video', JSON.stringify(video.slice(0, 5).map((r) => `${r.id} ${r.caption} ${r.score}`)));
  expect(video.slice(0, 5).map((r) => r.id)).toContain('vid108');
  await expect(page.locator('#results video').first()).toBeAttached();
  await page.screenshot({ path: `${SHOTS}/04-video-query.png` });

  // Reload: the library comes back from IndexedDB, nothing is embedded again.
  const t1 = Date.now();
  await page.reload();
  await waitReady(page, 120_000);
  console.log(`reloaded in ${Date.now() - t1} ms`);
  expect(Number(await page.locator('body').getAttribute('data-embedded-on-load'))).toBe(0);
  expect(Number(await page.locator('body').getAttribute('data-restored'))).toBe(180);
  await expect(page.locator('#library .tile')).toHaveCount(180);
  await expect(page.locator('#status')).toContainText('nothing re-embedded');
  // …and it still answers.
  await page.fill('#query', 'a small red circle in the center');
  await page.press('#query', 'Enter');
  await expect(page.locator('#results')).toHaveAttribute('data-query', 'a small red circle in the center');
  expect((await results(page)).slice(0, 3).some((r) => r.kind === 'image' && r.colour === 'red' && r.shape === 'circle')).toBe(true);

  // The built demo opens at its folder's URL too: the same library, still not re-embedded.
  await page.goto(`${DIR}?device=${DEVICE}`);
  await waitReady(page, 120_000);
  expect(Number(await page.locator('body').getAttribute('data-embedded-on-load'))).toBe(0);
  await expect(page.locator('#library .tile')).toHaveCount(180);

  // When the model's files change (another manifest hash), the stored vectors are stale: re-embedded.
  await page.evaluate(() => localStorage.setItem('omni-demo/omni-tiny/fingerprint', 'an-older-model'));
  await page.reload();
  await waitReady(page);
  expect(Number(await page.locator('body').getAttribute('data-embedded-on-load'))).toBe(180);
  await expect(page.locator('#library .tile')).toHaveCount(180);

  expect(errors).toEqual([]);
});

test('demo: more like this, "for you", drop to search, model picker, own files persist, remove, clear all', async ({ served }) => {
  test.setTimeout(900_000);
  const page = served;
  const errors = watchErrors(page);
  page.on('dialog', (d) => d.accept());
  await page.setViewportSize({ width: 1360, height: 1000 });
  await resetStorage(page);
  await page.goto(APP);
  await waitReady(page);
  await expect(page.locator('#library .tile')).toHaveCount(180);

  // Model picker: the bundled model is selected; the hub presets say they need the network.
  await expect(page.locator('#model-picker')).toHaveValue('omni-tiny');
  const options = await page.locator('#model-picker option').evaluateAll((os) => os.map((o) => ({ value: (o as HTMLOptionElement).value, text: o.textContent!, remote: (o as HTMLElement).dataset.remote })));
  expect(options.length).toBeGreaterThan(1);
  expect(options[0]).toMatchObject({ value: 'omni-tiny', remote: 'false' });
  expect(options[0]!.text).toContain('offline');
  for (const o of options.slice(1)) {
    expect(o.remote).toBe('true');
    expect(o.text).toContain('needs network');
  }

  // More like this: clicking a library item searches with its stored vector and leaves it out.
  await page.locator('#library .tile[data-id=img000]').click();
  await expect(page.locator('#results')).toHaveAttribute('data-query-type', 'item');
  await expect(page.locator('#results')).toHaveAttribute('data-query', 'img000');
  const similar = await results(page);
  expect(similar.length).toBe(12);
  expect(similar.map((r) => r.id)).not.toContain('img000');
  await expect(page.locator('#query-view')).toContainText('More like this');
  // "For you" comes from the clicked items.
  await expect(page.locator('#foryou')).toHaveAttribute('data-from', 'img000');
  expect(Number(await page.locator('#foryou').getAttribute('data-count'))).toBeGreaterThan(0);
  // Click a result: it becomes the query, and the strip now reflects two clicks.
  const second = similar[0]!.id;
  await page.locator(`#results .card[data-id="${second}"] .caption`).click();
  await expect(page.locator('#results')).toHaveAttribute('data-query', second);
  await expect(page.locator('#foryou')).toHaveAttribute('data-from', `img000,${second}`);
  const forYou = await page.locator('#foryou .card').evaluateAll((cs) => cs.map((c) => (c as HTMLElement).dataset.id));
  expect(forYou).not.toContain('img000');
  expect(forYou).not.toContain(second);
  await page.screenshot({ path: `${SHOTS}/05-more-like-this-for-you.png` });

  // Drop an image file on the page to search with it.
  const png = await (await page.request.get('/data/heldout/images/img000_alt.png')).body();
  await page.evaluate(async (bytes) => {
    const dt = new DataTransfer();
    dt.items.add(new File([new Uint8Array(bytes)], 'dropped.png', { type: 'image/png' }));
    window.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, [...png]);
  await expect(page.locator('#results')).toHaveAttribute('data-query', 'dropped.png');
  await expect(page.locator('#results')).toHaveAttribute('data-query-type', 'image');
  await expect(page.locator('#query-view img')).toBeVisible();

  // Add own files: they are embedded, stored, and searchable with the "my files" filter.
  const wav = await (await page.request.get('/data/heldout/audio/aud080.wav')).body();
  await page.setInputFiles('#add-files', [
    { name: 'my-photo.png', mimeType: 'image/png', buffer: png },
    { name: 'my-voice.wav', mimeType: 'audio/wav', buffer: wav },
  ]);
  await expect(page.locator('#library .tile')).toHaveCount(182);
  await expect(page.locator('#library .tile[data-source=mine]')).toHaveCount(2);
  await page.check('input[name=kind][value=mine]');
  await expect(page.locator('#results')).toHaveAttribute('data-filter', 'mine');
  await expect(page.locator('#results .card')).toHaveCount(2);
  const mine = await results(page);
  expect(mine.map((r) => r.caption).sort()).toEqual(['my-photo.png', 'my-voice.wav']);
  // The dropped image and "my-photo.png" are the same file: it is the best match.
  expect(mine[0]!.caption).toBe('my-photo.png');
  expect(mine[0]!.score).toBeGreaterThan(0.99);
  await page.screenshot({ path: `${SHOTS}/06-my-files.png` });

  // They persist: after a reload they are still there, with their media, and nothing is re-embedded.
  await page.reload();
  await waitReady(page, 120_000);
  expect(Number(await page.locator('body').getAttribute('data-embedded-on-load'))).toBe(0);
  await expect(page.locator('#library .tile')).toHaveCount(182);
  await expect(page.locator('#library .tile[data-source=mine]')).toHaveCount(2);
  await expect(page.locator('#library .tile[data-source=mine][data-kind=image] img')).toHaveAttribute('src', /^blob:/);
  // "For you" survives the reload too.
  await expect(page.locator('#foryou')).toHaveAttribute('data-from', `img000,${second}`);

  // Remove one of them.
  const photo = page.locator('#library .tile[data-source=mine][data-kind=image]');
  await photo.hover();
  await photo.locator('.remove').click();
  await expect(page.locator('#library .tile')).toHaveCount(181);
  await expect(page.locator('#library .tile[data-source=mine]')).toHaveCount(1);
  await page.reload();
  await waitReady(page, 120_000);
  await expect(page.locator('#library .tile')).toHaveCount(181);

  // Clear all: the library is empty, and stays empty after a reload (nothing re-indexed).
  await page.click('#clear-all');
  await expect(page.locator('#library .tile')).toHaveCount(0);
  await expect(page.locator('#map')).toHaveAttribute('data-points', '0');
  await page.reload();
  await waitReady(page, 120_000);
  await expect(page.locator('#library .tile')).toHaveCount(0);
  expect(Number(await page.locator('body').getAttribute('data-embedded-on-load'))).toBe(0);
  await page.screenshot({ path: `${SHOTS}/07-cleared.png` });
  // Re-index brings the gallery back.
  await page.click('#reindex');
  await expect(page.locator('#library .tile')).toHaveCount(180, { timeout: 300_000 });
  await waitReady(page);

  expect(errors).toEqual([]);
});

test('demo file store: every IndexedDB operation settles, aborted ones reject with their cause and change nothing', async ({ served }) => {
  const page = served;
  const r = await page.evaluate(async () => {
    const { openFileStore } = await import('/demo/file-store.js' as string);
    const name = 'omni-demo-files/file-store-test';
    const store = openFileStore(name);
    const outcome = (p: Promise<unknown>) => p.then(() => 'resolved', (e: Error) => e.name);
    await store.clear();
    await store.put('a', new Blob(['first']));
    const ac = new AbortController();
    const byCaller = outcome(store.transact('readwrite', (s: IDBObjectStore) => {
      s.put(new Blob(['second']), 'b');
      ac.abort();
    }, { signal: ac.signal }));
    // Asked for before the abort, still waiting for the connection when it comes.
    const whileOpening = outcome(store.put('b', new Blob(['x']), { signal: ac.signal }));
    const uncloneable = outcome(store.put('c', () => 1));
    const duplicate = outcome(store.transact('readwrite', (s: IDBObjectStore) => s.add(new Blob(['again']), 'a')));
    const selfAborted = outcome(store.transact('readwrite', (s: IDBObjectStore) => {
      s.put(new Blob(['d']), 'd');
      s.transaction.abort();
    }));
    const results = { byCaller: await byCaller, whileOpening: await whileOpening, uncloneable: await uncloneable, duplicate: await duplicate, selfAborted: await selfAborted };
    const keys = [...(await store.all()).keys()];
    const text = await (await store.all()).get('a').text();
    // Deleting the database while the store holds it open is not blocked: the store gives way, then reopens.
    const deleted = await new Promise((res) => {
      const q = indexedDB.deleteDatabase(name);
      q.onsuccess = () => res('deleted');
      q.onblocked = () => res('blocked');
      q.onerror = () => res('error');
    });
    const afterDelete = [...(await store.all()).keys()];
    await store.put('z', new Blob(['z']));
    const reopened = [...(await store.all()).keys()];
    await store.close();
    return { results, keys, text, deleted, afterDelete, reopened };
  });
  expect(r.results).toEqual({ byCaller: 'AbortError', whileOpening: 'AbortError', uncloneable: 'DataCloneError', duplicate: 'ConstraintError', selfAborted: 'AbortError' });
  expect(r.keys).toEqual(['a']);
  expect(r.text).toBe('first');
  expect(r.deleted).toBe('deleted');
  expect(r.afterDelete).toEqual([]);
  expect(r.reopened).toEqual(['z']);
});
