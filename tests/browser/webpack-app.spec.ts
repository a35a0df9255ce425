// As a new webpack user would: install the packed library into a bare webpack 5 app (src/index.js,
// no webpack config: `webpack --mode production` with its defaults) and embed text and an image with
// the SDK's defaults. webpack has to find the worker, ORT's .wasm and the model through the literal
// `new URL(…, import.meta.url)` expressions; no request may leave the page's origin.
import { test, expect } from './fixtures';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { MAIN_JS, freshApp, installedVersion, pageHtml } from './consumer-app';

const APP = resolve('tests/.out/webpack-app');

test.beforeAll(() => {
  test.setTimeout(300_000);
  freshApp(APP, 'webpack-app', { webpack: installedVersion('webpack'), 'webpack-cli': installedVersion('webpack-cli') }, { 'src/index.js': MAIN_JS });
  execFileSync('npx', ['webpack', '--mode', 'production'], { cwd: APP, stdio: 'ignore' });
  // webpack's default output is dist/main.js (a classic script); the page is the user's own.
  writeFileSync(join(APP, 'dist/index.html'), pageHtml('<script src="main.js"></script>'));
});

test('a fresh webpack 5 app (no config) embeds text and an image with defaults', async ({ served }) => {
  test.setTimeout(300_000);
  const emitted = readdirSync(join(APP, 'dist'));
  // The worker, ORT's runtime and the model's graphs are webpack's own emitted assets.
  expect(emitted.some((f) => f.endsWith('.wasm'))).toBe(true);
  expect(emitted.filter((f) => f.endsWith('.onnx')).length).toBeGreaterThan(0);
  expect(existsSync(join(APP, 'dist/main.js'))).toBe(true);
  const failures: string[] = [];
  served.on('response', (r) => { if (r.status() >= 400) failures.push(`${r.status()} ${r.url()}`); });
  // Except the /favicon.ico 404 that Chromium draws for the fixture's blank start page (the app's page declares its icon).
  served.on('console', (m) => { if (m.type() === 'error' && !m.location().url.endsWith('/favicon.ico')) failures.push(`${m.text()} @ ${m.location().url}`); });
  served.on('pageerror', (e) => failures.push(String(e)));
  await served.goto('/tests/.out/webpack-app/dist/index.html');
  await expect(served.locator('#out')).not.toHaveText('working', { timeout: 240_000 });
  const result = JSON.parse((await served.locator('#out').textContent())!);
  expect(result.error).toBeUndefined();
  expect(result).toMatchObject({ ok: true, text: 256, image: 256 });
  expect(failures).toEqual([]);
});
