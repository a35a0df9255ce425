// What every consumer test (fresh vite app, fresh webpack app) does: pack the library as `npm pack`
// would ship it, install the tarball into a bare app beside the bundler, and run one page that
// embeds text and an image with the defaults, reporting into <pre id="out">.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const MAIN_JS = `import { createEmbedder } from 'omni-embed';
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

export const pageHtml = (script: string) =>
  `<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="data:,"></head><body><pre id="out">working</pre>${script}</body></html>`;

/** The version of a dev tool this repository has installed, so the app's install is served from npm's cache. */
export const installedVersion = (pkg: string): string => JSON.parse(readFileSync(`node_modules/${pkg}/package.json`, 'utf8')).version;

/** A fresh app folder holding the packed library, a package.json that depends on it, then `npm install`. */
export function freshApp(dir: string, name: string, devDependencies: Record<string, string>, files: Record<string, string>): void {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const packed = JSON.parse(execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', dir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }))[0].filename;
  writeFileSync(join(dir, 'package.json'), JSON.stringify({
    name, private: true, type: 'module',
    dependencies: { 'omni-embed': `file:./${packed}` },
    devDependencies,
  }));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  execFileSync('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund'], { cwd: dir, stdio: 'ignore' });
}
