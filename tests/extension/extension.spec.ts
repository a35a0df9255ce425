// Loads the built MV3 extension (extension/dist) into Chromium, saves two images from a web page
// through the context-menu handler, searches from the popup, and shows that the library survives a
// stopped service worker and a closed offscreen document (state lives in IndexedDB, not in globals).
import { chromium, expect, test, type BrowserContext, type Page, type Worker } from '@playwright/test';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSite, type Site } from './site';
import { chromiumLaunchOptions } from '../helpers/chromium.mjs';

const EXT = fileURLToPath(new URL('../../extension/dist', import.meta.url));
const PORT = Number(process.env.EXTENSION_TEST_PORT ?? 4700);
const RED_CIRCLE = 'img000.png';
const BLUE_STAR = 'img011.png';
// The held-out captions of those two images (data/heldout/index.json): the toy model knows this phrasing.
const RED_CAPTION = 'a small red circle in the center';
const BLUE_CAPTION = 'a large blue star in the bottom left';
const RED_CIRCLE_ALT = 'img000_alt.png'; // another rendering of the same concept, not saved

test.describe.configure({ mode: 'serial' });

let site: Site;
let context: BrowserContext;
let userDir: string;
let extId: string;
const foreign: string[] = [];
const errors: string[] = [];

test.beforeAll(async () => {
  site = await startSite(PORT, [RED_CIRCLE, BLUE_STAR, RED_CIRCLE_ALT]);
  userDir = mkdtempSync(join(tmpdir(), 'omni-ext-'));
  context = await chromium.launchPersistentContext(userDir, {
    ...chromiumLaunchOptions({ extraArgs: [`--disable-extensions-except=${EXT}`, `--load-extension=${EXT}`] }),
    headless: true,
  });
  // Everything the extension needs is in its package: only the test site may be asked for images.
  context.on('request', (req) => {
    const url = req.url();
    if (!url.startsWith('chrome-extension://') && !url.startsWith(site.origin) && !url.startsWith('data:') && !url.startsWith('blob:')) foreign.push(url);
  });
  context.on('page', (page) => watch(page));
  const sw = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker'));
  extId = new URL(sw.url()).host;
});

test.afterAll(async () => {
  await context?.close();
  await site?.close();
  if (userDir) rmSync(userDir, { recursive: true, force: true });
});

function watch(page: Page): void {
  page.on('console', (m) => { if (m.type() === 'error') errors.push(`${page.url()}: ${m.text()}`); });
  page.on('pageerror', (e) => errors.push(`${page.url()}: ${String(e)}`));
}

/** The extension's current service worker (a new one after a restart). */
async function serviceWorker(): Promise<Worker> {
  const mine = (w: Worker) => w.url().startsWith(`chrome-extension://${extId}/`);
  return context.serviceWorkers().find(mine) ?? (await context.waitForEvent('serviceworker', { predicate: mine }));
}

/** What Chrome calls on a context-menu click on an image (no tab: the offscreen document fetches it). */
async function menuClick(item: 'MENU_SAVE' | 'MENU_SIMILAR', srcUrl: string, pageUrl: string): Promise<unknown> {
  const sw = await serviceWorker();
  return sw.evaluate(
    ([item, srcUrl, pageUrl]) => {
      const g = globalThis as unknown as { handleMenuClick(info: object, tab?: object): Promise<unknown> } & Record<string, string>;
      return g.handleMenuClick({ menuItemId: g[item], srcUrl, pageUrl }, undefined);
    },
    [item, srcUrl, pageUrl] as const,
  );
}

async function openPopup(query = ''): Promise<Page> {
  const popup = await context.newPage();
  await popup.goto(`chrome-extension://${extId}/popup.html${query}`);
  return popup;
}

interface Hit { id: string; score: number }

async function results(popup: Page): Promise<Hit[]> {
  await expect(popup.locator('body')).toHaveAttribute('data-state', 'idle');
  await expect(popup.locator('#status')).not.toHaveClass(/error/);
  return popup.$$eval('#results li', (lis) => lis.map((li) => ({ id: (li as HTMLElement).dataset.id!, score: Number((li as HTMLElement).dataset.score) })));
}

async function search(popup: Page, text: string): Promise<Hit[]> {
  await popup.fill('#query', text);
  await popup.click('button[type=submit]');
  return results(popup);
}

const img = (file: string) => `${site.origin}/images/${file}`;

test('manifest: minimal permissions, CSP with wasm-unsafe-eval and no unsafe-eval', () => {
  const manifest = JSON.parse(readFileSync(join(EXT, 'manifest.json'), 'utf8'));
  expect(manifest.manifest_version).toBe(3);
  expect(manifest.permissions.sort()).toEqual(['activeTab', 'contextMenus', 'offscreen', 'scripting', 'unlimitedStorage']);
  expect(manifest.host_permissions).toBeUndefined();
  const csp: string = manifest.content_security_policy.extension_pages;
  expect(csp).toContain("'wasm-unsafe-eval'");
  expect(csp).not.toMatch(/'unsafe-eval'|'unsafe-inline'|https?:/);
});

test('save two images from a page, then text search from the popup ranks the right one first', async () => {
  const page = await context.newPage();
  await page.goto(`${site.origin}/page.html`);
  const srcs = await page.$$eval('img', (imgs) => imgs.map((i) => (i as HTMLImageElement).src));
  expect(srcs).toContain(img(RED_CIRCLE));

  const t0 = Date.now();
  expect(await menuClick('MENU_SAVE', img(RED_CIRCLE), page.url())).toMatchObject({ id: img(RED_CIRCLE), count: 1 });
  expect(await menuClick('MENU_SAVE', img(BLUE_STAR), page.url())).toMatchObject({ id: img(BLUE_STAR), count: 2 });
  console.log(`first save (model load + 2 embeddings): ${Date.now() - t0} ms`);
  // Without CORS and without a tab to read it through (activeTab exists only after a real click),
  // the image cannot be read: the error says so and nothing is saved.
  await expect(menuClick('MENU_SAVE', `${site.origin}/nocors/${RED_CIRCLE_ALT}`, page.url())).rejects.toThrow(/could not fetch/);

  const popup = await openPopup();
  await expect(popup.locator('#status')).toHaveText('2 images in your library');
  const red = await search(popup, RED_CAPTION);
  expect(red.map((h) => h.id)).toEqual([img(RED_CIRCLE), img(BLUE_STAR)]);
  expect(red[0]!.score).toBeGreaterThan(red[1]!.score);
  await expect(popup.locator('#results li').first().locator('.score')).toHaveText(red[0]!.score.toFixed(3));
  await expect(popup.locator('#results li').first().locator('img')).toHaveAttribute('src', /^data:image\/png;base64,/);
  const blue = await search(popup, BLUE_CAPTION);
  expect(blue[0]!.id).toBe(img(BLUE_STAR));

  // "Find similar in my library" on another rendering of the red circle opens the results tab.
  const opened = context.waitForEvent('page', { predicate: (p) => p.url().includes('popup.html?similar=') });
  await menuClick('MENU_SIMILAR', img(RED_CIRCLE_ALT), page.url());
  const similar = await results(await opened);
  expect(similar[0]!.id).toBe(img(RED_CIRCLE));
  await popup.close();
  await (await opened).close();
  await page.close();
  expect(errors).toEqual([]);
  expect(foreign).toEqual([]);
});

test('still works after the service worker is stopped and the offscreen document is gone', async () => {
  // Drop the offscreen document too: the restarted worker must rebuild it and the library must
  // come back from IndexedDB.
  const before = await serviceWorker();
  await before.evaluate(() => (globalThis as unknown as { chrome: { offscreen: { closeDocument(): Promise<void> } } }).chrome.offscreen.closeDocument());

  const popup = await openPopup();
  const cdp = await context.newCDPSession(popup);
  const states: string[] = [];
  cdp.on('ServiceWorker.workerVersionUpdated', ({ versions }) => {
    for (const v of versions) if (v.scriptURL === `chrome-extension://${extId}/background.js`) states.push(v.runningStatus);
  });
  await cdp.send('ServiceWorker.enable');
  await cdp.send('ServiceWorker.stopAllWorkers');
  await expect.poll(() => states.at(-1), { message: 'the service worker stops' }).toBe('stopped');
  states.length = 0;

  // The next message starts a fresh worker (no globals survive), which recreates the offscreen
  // document, which reloads the model and the library.
  const t0 = Date.now();
  const red = await search(popup, RED_CAPTION);
  console.log(`search after restart (new worker, new offscreen document, model reload): ${Date.now() - t0} ms`);
  expect(states).toContain('running');
  expect(red.map((h) => h.id)).toEqual([img(RED_CIRCLE), img(BLUE_STAR)]);
  const status = await popup.evaluate(() => (globalThis as unknown as { chrome: { runtime: { sendMessage(m: object): Promise<unknown> } } }).chrome.runtime.sendMessage({ target: 'background', type: 'status' }));
  console.log('offscreen status:', JSON.stringify(status));
  expect(status).toMatchObject({ count: 2, device: 'wasm', dtype: 'q8' });
  await cdp.detach();
  await popup.close();
  expect(errors).toEqual([]);
  expect(foreign).toEqual([]);
});
