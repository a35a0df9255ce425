import { test, expect } from './fixtures';
import type { Page } from '@playwright/test';

// The demo app (demo/index.html + demo/app.js) on the project's server, on the bundled omni-tiny.
// WASM keeps these runs predictable on the CI box (WebGPU there is SwiftShader); the demo itself
// defaults to device 'auto' and shows the device it got.
const DEVICE = process.env.DEMO_DEVICE ?? 'wasm';
const APP = `/demo/index.html?device=${DEVICE}`;
const SHOTS = 'docs/screenshots';

test.describe.configure({ mode: 'serial' });

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

test('demo: indexes the gallery with a progress bar, answers text, audio and video queries, and reloads without re-indexing', async ({ served, consoleErrors }) => {
  test.setTimeout(900_000);
  const page = served;
  await page.setViewportSize({ width: 1360, height: 1000 });
  // A fresh library: no persisted index, no user files, no markers.
  await page.goto('/tests/pages/blank.html');
  await page.evaluate(async () => {
    localStorage.clear();
    const dbs = await indexedDB.databases();
    await Promise.all(dbs.map((d) => new Promise((r) => { const q = indexedDB.deleteDatabase(d.name!); q.onsuccess = q.onerror = q.onblocked = r; })));
  });

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

  // Text → image: a held-out caption brings a matching image into the top 3.
  await page.fill('#query', 'a red circle');
  await page.press('#query', 'Enter');
  await expect(page.locator('#results')).toHaveAttribute('data-query', 'a red circle');
  const text = await results(page);
  console.log('text', JSON.stringify(text.slice(0, 5)));
  expect(text.length).toBeGreaterThan(3);
  expect.soft(text.slice(0, 3).some((r) => r.kind === 'image' && r.colour === 'red' && r.shape === 'circle')).toBe(true);
  // Scores are shown, in descending order; the query is placed on the map.
  for (let i = 1; i < text.length; i++) expect(text[i]!.score).toBeLessThanOrEqual(text[i - 1]!.score);
  await expect(page.locator('#map #map-query')).toHaveCount(1);
  await page.screenshot({ path: `${SHOTS}/02-text-query.png` });

  // Modality filter: only images.
  await page.check('input[name=kind][value=image]');
  await expect(page.locator('#results')).toHaveAttribute('data-filter', 'image');
  const imagesOnly = await results(page);
  expect(imagesOnly.length).toBeGreaterThan(0);
  expect(imagesOnly.every((r) => r.kind === 'image')).toBe(true);
  await page.check('input[name=kind][value=all]');

  // Audio file → the item it speaks about (same colour and shape, another modality) in the top 5.
  await chooseFile(page, '#query-file', 'audio/aud078.wav', 'audio/wav');
  await expect(page.locator('#results')).toHaveAttribute('data-query', 'aud078.wav');
  const audio = await results(page);
  console.log('audio', JSON.stringify(audio.slice(0, 5)));
  expect.soft(audio.slice(0, 5).some((r) => r.id === 'aud078')).toBe(true);
  expect.soft(audio.slice(0, 5).some((r) => r.id !== 'aud078' && r.colour === 'red' && r.shape === 'square')).toBe(true);
  await expect(page.locator('#results audio').first()).toBeAttached();
  await page.screenshot({ path: `${SHOTS}/03-audio-query.png` });

  // Video file (decoded from WebM by the SDK, while the gallery copy was embedded from its frame strip)
  // → its own item and a same-colour, same-shape motion in the top 5.
  await chooseFile(page, '#query-file', 'video/vid108.webm', 'video/webm');
  await expect(page.locator('#results')).toHaveAttribute('data-query', 'vid108.webm', { timeout: 60_000 });
  const video = await results(page);
  console.log('video', JSON.stringify(video.slice(0, 5)));
  expect.soft(video.slice(0, 5).some((r) => r.id === 'vid108')).toBe(true);
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
  await page.fill('#query', 'a red circle');
  await page.press('#query', 'Enter');
  await expect(page.locator('#results')).toHaveAttribute('data-query', 'a red circle');
  expect.soft((await results(page)).slice(0, 3).some((r) => r.kind === 'image' && r.colour === 'red' && r.shape === 'circle')).toBe(true);

  expect(consoleErrors).toEqual([]);
});
