// `npm run demo` is vite's dev server on the top-level vite.config.ts: cross-origin isolated (COOP/COEP,
// so ORT's WASM may use threads), the SDK imported by its package name, styles hot-swapped in place.
import { test, expect } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';

const STYLE = 'demo/style.css';
let vite: ChildProcess | undefined;
let origin = '';

test.beforeAll(async () => {
  test.setTimeout(120_000);
  // Near this run's TEST_PORT; vite moves on to a free port if that one is taken, and says which.
  const port = Number(process.env.TEST_PORT ?? 4317) + 1;
  vite = spawn('npx', ['vite', '--port', String(port)], { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let log = '';
  origin = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`vite did not start:\n${log}`)), 90_000);
    const read = (chunk: Buffer) => {
      log += chunk.toString();
      // eslint-disable-next-line no-control-regex
      const m = /Local:\s+(http:\/\/127\.0\.0\.1:\d+)\//.exec(log.replace(/\x1b\[[0-9;]*m/g, ''));
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    vite!.stdout!.on('data', read);
    vite!.stderr!.on('data', read);
    vite!.on('exit', (code) => reject(new Error(`vite exited (${code}):\n${log}`)));
  });
});

test.afterAll(() => {
  if (vite?.pid) process.kill(-vite.pid);
});

test('npm run demo: vite dev serves the demo cross-origin isolated, on the SDK by its package name, with hot CSS', async ({ page }) => {
  test.setTimeout(300_000);
  const foreign: string[] = [];
  const errors: string[] = [];
  const sdk: string[] = [];
  page.on('request', (r) => {
    if (!r.url().startsWith(origin) && !/^(data|blob):/.test(r.url())) foreign.push(r.url());
    if (/\/dist\/index\.js(\?|$)/.test(r.url())) sdk.push(r.url());
  });
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));

  const res = await page.goto(`${origin}/?device=wasm`);
  expect(res!.headers()['cross-origin-opener-policy']).toBe('same-origin');
  expect(res!.headers()['cross-origin-embedder-policy']).toBe('require-corp');
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
  // The demo's source names the package, and what the browser loads for it is the built package.
  expect(readFileSync('demo/app.js', 'utf8')).toMatch(/from 'omni-embed'/);
  await expect(page.locator('body')).toHaveAttribute('data-state', /ready|error/, { timeout: 240_000 });
  await expect(page.locator('body')).toHaveAttribute('data-state', 'ready');
  expect(sdk.length).toBeGreaterThan(0);
  await expect(page.locator('#library')).toHaveAttribute('data-count', '180');

  // It answers a query.
  await page.fill('#query', 'a red circle');
  await page.press('#query', 'Enter');
  await expect(page.locator('#results')).toHaveAttribute('data-query', 'a red circle');
  await expect(page.locator('#results .card')).toHaveCount(12);

  // Hot update: a change to the stylesheet applies without reloading the page (the marker survives).
  await page.evaluate(() => { (window as unknown as { hmrMarker: number }).hmrMarker = 42; });
  const original = readFileSync(STYLE, 'utf8');
  try {
    writeFileSync(STYLE, `${original}\nbody { outline: 3px solid rgb(1, 2, 3); }\n`);
    await expect.poll(() => page.evaluate(() => getComputedStyle(document.body).outlineColor), { timeout: 30_000 }).toBe('rgb(1, 2, 3)');
    expect(await page.evaluate(() => (window as unknown as { hmrMarker?: number }).hmrMarker)).toBe(42);
  } finally {
    writeFileSync(STYLE, original);
  }
  expect(foreign).toEqual([]);
  expect(errors).toEqual([]);
});
