// A tiny "any website" for the extension test: one page with images, served with CORS headers
// the way image CDNs send them (the offscreen document fetches the image by its URL).
import { createReadStream, existsSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const IMAGES = fileURLToPath(new URL('../../data/heldout/images/', import.meta.url));

export interface Site { origin: string; close(): Promise<void> }

export function startSite(port: number, images: string[]): Promise<Site> {
  const page = `<!doctype html><meta charset="utf-8"><title>Shapes</title>
${images.map((f) => `<img id="${f.replace('.png', '')}" src="/images/${f}" width="64" height="64">`).join('\n')}`;
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    // /nocors/… serves the same images without CORS, like most sites do.
    if (!path.startsWith('/nocors/')) res.setHeader('Access-Control-Allow-Origin', '*');
    res.setHeader('Cache-Control', 'no-store');
    if (path === '/' || path === '/page.html') {
      res.setHeader('Content-Type', 'text/html; charset=utf-8');
      return res.end(page);
    }
    if (path === '/favicon.ico') {
      res.statusCode = 204;
      return res.end();
    }
    const file = join(IMAGES, basename(path));
    if (!/^\/(images|nocors)\//.test(path) || !existsSync(file)) {
      res.statusCode = 404;
      return res.end('not found');
    }
    res.setHeader('Content-Type', 'image/png');
    createReadStream(file).pipe(res);
  });
  const listen = (p: number) => new Promise<Site>((resolve, reject) => {
    server.once('error', reject);
    server.listen(p, '127.0.0.1', () => {
      const { port: actual } = server.address() as AddressInfo;
      resolve({ origin: `http://127.0.0.1:${actual}`, close: () => new Promise((r) => server.close(() => r())) });
    });
  });
  // The images' ids are their URLs, so any port works: take a free one if this one is taken.
  return listen(port).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'EADDRINUSE') throw err;
    return listen(0);
  });
}
