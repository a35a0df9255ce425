// As a new user would: pack the library, install the tarball into a bare vite app (index.html +
// main.js, no vite config), and embed text and an image under `vite dev` and `vite build` +
// `vite preview` — no files copied by hand, no request leaving the app's origin.
import { test, expect } from '@playwright/test';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { MAIN_JS, freshApp, installedVersion, pageHtml } from './consumer-app';

const APP = resolve('tests/.out/fresh-app');
const servers: ChildProcess[] = [];

test.beforeAll(async () => {
  test.setTimeout(300_000);
  freshApp(APP, 'fresh-app', { vite: installedVersion('vite') }, {
    'index.html': pageHtml('<script type="module" src="/main.js"></script>'),
    'main.js': MAIN_JS,
  });
  execFileSync('npx', ['vite', 'build'], { cwd: APP, stdio: 'ignore' });
});

test.afterAll(() => {
  // npx runs vite as its child: the whole process group goes, or vite outlives the test and holds its port.
  for (const s of servers) if (s.pid) try { process.kill(-s.pid); } catch { /* already gone */ }
});

async function startVite(args: string[], port: number): Promise<string> {
  const proc = spawn('npx', ['vite', ...args, '--port', String(port), '--strictPort', '--host', '127.0.0.1'], { cwd: APP, stdio: 'ignore', detached: true });
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
