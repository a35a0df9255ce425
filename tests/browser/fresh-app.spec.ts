// As a new user would: pack the library, install the tarball into a bare vite app (index.html +
// main.js, no vite config), and embed text and an image under `vite dev` and `vite build` +
// `vite preview` — no files copied by hand, no request leaving the app's origin.
import { test, expect } from '@playwright/test';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const APP = resolve('tests/.out/fresh-app');
const viteVersion = JSON.parse(readFileSync('node_modules/vite/package.json', 'utf8')).version;

const MAIN_JS = `import { createEmbedder } from 'omni-embed';
const out = document.getElementById('out');
try {
  const embedder = await createEmbedder();
  const text = await embedder.embed('a red circle');
  const canvas = new OffscreenCanvas(64, 64);
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = 'red';
  ctx.beginPath(); ctx.arc(32, 32, 20, 0, Math.PI * 2); ctx.fill();
  const image = await embedder.embed(await canvas.convertToBlob({ type: 'image/png' }));
  out.textContent = JSON.stringify({ ok: true, device: embedder.info.device, text: text.vector.length, image: image.vector.length });
} catch (err) {
  out.textContent = JSON.stringify({ ok: false, error: String(err?.stack ?? err) });
}
`;

const servers: ChildProcess[] = [];

test.beforeAll(async () => {
  test.setTimeout(300_000);
  rmSync(APP, { recursive: true, force: true });
  mkdirSync(APP, { recursive: true });
  const packed = JSON.parse(execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', APP], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }))[0].filename;
  writeFileSync(join(APP, 'package.json'), JSON.stringify({
    name: 'fresh-app', private: true, type: 'module',
    dependencies: { 'omni-embed': `file:./${packed}` },
    devDependencies: { vite: viteVersion },
  }));
  writeFileSync(join(APP, 'index.html'), '<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="data:,"></head><body><pre id="out">working</pre><script type="module" src="/main.js"></script></body></html>');
  writeFileSync(join(APP, 'main.js'), MAIN_JS);
  execFileSync('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund'], { cwd: APP, stdio: 'ignore' });
  execFileSync('npx', ['vite', 'build'], { cwd: APP, stdio: 'ignore' });
});

test.afterAll(() => {
  for (const s of servers) s.kill();
});

async function startVite(args: string[], port: number): Promise<string> {
  const proc = spawn('npx', ['vite', ...args, '--port', String(port), '--strictPort', '--host', '127.0.0.1'], { cwd: APP, stdio: 'ignore' });
  servers.push(proc);
  const origin = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 60; i++) {
    try {
      if ((await fetch(origin)).ok) return origin;
    } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`vite ${args.join(' ')} did not start`);
}

for (const [mode, args, port] of [['vite dev', [], 4391], ['vite build + preview', ['preview'], 4392]] as const) {
  test(`a fresh vite app embeds text and an image with defaults under ${mode}`, async ({ page }) => {
    const origin = await startVite([...args], port);
    const foreign: string[] = [];
    const failures: string[] = [];
    page.on('request', (r) => { if (!r.url().startsWith(origin) && !/^(data|blob):/.test(r.url())) foreign.push(r.url()); });
    page.on('response', (r) => { if (r.status() >= 400) failures.push(`${r.status()} ${r.url()}`); });
    page.on('console', (m) => { if (m.type() === 'error') failures.push(m.text()); });
    await page.goto(origin);
    await expect(page.locator('#out')).not.toHaveText('working', { timeout: 150_000 });
    const result = JSON.parse((await page.locator('#out').textContent())!);
    expect(result.error).toBeUndefined();
    expect(result).toMatchObject({ ok: true, text: 256, image: 256 });
    expect(foreign).toEqual([]);
    expect(failures).toEqual([]);
  });
}
