// The project's own static server for browser tests, the demo and benchmarks.
// Why not vite dev: tests must exercise the *built* library exactly as users receive it,
// and fault injection (cut connections, 404s, corrupt bytes) needs control over every response.
import { createServer } from 'node:http';
import { createReadStream, statSync } from 'node:fs';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.onnx': 'application/octet-stream',
  '.onnx_data': 'application/octet-stream',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.wav': 'audio/wav',
  '.webm': 'video/webm',
  '.mp4': 'video/mp4',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * URL prefixes mapped onto folders. `/ort/` serves onnxruntime-web's runtime files from
 * node_modules so no page ever needs a CDN; everything else is the repository itself.
 */
const MOUNTS = [
  ['/ort/', join(ROOT, 'node_modules/onnxruntime-web/dist')],
  ['/', ROOT],
];

/**
 * Hub layout, so model loading is tested against the same URLs as huggingface.co (host = origin + '/hub'):
 * /hub/{org}/{name}/resolve/{revision}/{file} → models/{name}/{file}, else tests/fixtures/models/{name}/{file}.
 */
const HUB = /^\/hub\/[^/]+\/([^/]+)\/resolve\/[^/]+\/(.+)$/;

/**
 * Generated replicas of hub repos (tools/replicas/), in the hub layout too (host = origin + '/replicas/<set>'):
 * /replicas/{set}/{org}/{name}/resolve/{revision}/{file} → .replicas/{set}/{org}/{name}/{file}
 * (and /replicas/{set}/{org}/{name}/{file}, the layout of a local model path).
 */
// `resolve/<rev>/` may be left out: transformers.js's localModelPath reads <path>/<org>/<name>/<file>.
const REPLICA = /^\/replicas\/([\w.-]+)\/([\w.-]+)\/([\w.-]+)\/(?:resolve\/[^/]+\/)?(.+)$/;

function resolveHub(pathname) {
  const r = REPLICA.exec(pathname);
  if (r) {
    const rel = decodeURIComponent(r[4]);
    const dir = join(ROOT, '.replicas', r[1], r[2], r[3]);
    const full = normalize(join(dir, rel));
    if (!full.startsWith(dir + sep) || rel.split('/').some((s) => s.startsWith('.'))) return null;
    try {
      return statSync(full).isFile() ? full : null;
    } catch {
      return null;
    }
  }
  const m = HUB.exec(pathname);
  if (!m) return undefined;
  for (const dir of ['models', 'tests/fixtures/models']) {
    const full = resolvePath(`/${dir}/${m[1]}/${m[2]}`);
    try {
      if (full && statSync(full).isFile()) return full;
    } catch {}
  }
  return null;
}

function resolvePath(pathname) {
  const hub = resolveHub(pathname);
  if (hub !== undefined) return hub;
  for (const [prefix, dir] of MOUNTS) {
    if (!pathname.startsWith(prefix)) continue;
    const rel = decodeURIComponent(pathname.slice(prefix.length));
    const full = normalize(join(dir, rel));
    if (full !== dir && !full.startsWith(dir + sep)) return null; // path traversal
    return full;
  }
  return null;
}

/**
 * Faults are armed per path pattern through POST /__fault and consumed by matching requests:
 *   { match: "substring", kind: "404"|"cut"|"corrupt"|"slow"|"500", times?: n, afterBytes?: n, delayMs?: n }
 * They exist so tests can prove that each failure surfaces as the right typed error.
 */
export function startServer({ port = 0, host = '127.0.0.1', quiet = true } = {}) {
  /** @type {{method:string,url:string,status:number,t:number}[]} */
  const log = [];
  /** @type {{match:string,kind:string,times:number,afterBytes?:number,delayMs?:number}[]} */
  let faults = [];

  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const entry = { method: req.method ?? 'GET', url: url.pathname + url.search, status: 0, t: Date.now() };

    // Cross-origin isolation: needed for SharedArrayBuffer and multi-threaded WASM.
    res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
    res.setHeader('Cross-Origin-Embedder-Policy', 'require-corp');
    res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
    res.setHeader('Cache-Control', 'no-store');

    if (url.pathname.startsWith('/__')) return control(req, res, url);

    log.push(entry);
    const file = resolvePath(url.pathname === '/' ? '/demo/index.html' : url.pathname);
    let stat;
    try {
      stat = file ? statSync(file) : null;
    } catch {
      stat = null;
    }
    const target = stat?.isDirectory() ? join(file, 'index.html') : file;
    if (stat?.isDirectory()) {
      try { stat = statSync(target); } catch { stat = null; }
    }
    const fault = takeFault(url.pathname);
    if (!stat || fault?.kind === '404') return finish(res, entry, 404, 'not found');
    if (fault?.kind === '500') return finish(res, entry, 500, 'injected server error');
    if (fault?.kind === 'slow') await new Promise((r) => setTimeout(r, fault.delayMs ?? 500));

    res.setHeader('Content-Type', MIME[extname(target)] ?? 'application/octet-stream');
    res.setHeader('Content-Length', String(stat.size));
    res.statusCode = 200;
    entry.status = 200;
    if (req.method === 'HEAD') return res.end();

    const stream = createReadStream(target);
    if (fault?.kind === 'cut' || fault?.kind === 'corrupt') {
      const limit = fault.afterBytes ?? Math.floor(stat.size / 2);
      let sent = 0;
      stream.on('data', (chunk) => {
        if (fault.kind === 'corrupt') {
          const buf = Buffer.from(chunk);
          if (sent <= limit && limit < sent + buf.length) buf[limit - sent] ^= 0xff;
          sent += buf.length;
          res.write(buf);
          return;
        }
        const room = limit - sent;
        if (room <= 0) return;
        res.write(chunk.subarray(0, room));
        sent += Math.min(room, chunk.length);
        if (sent >= limit) {
          stream.destroy();
          // Destroying the socket without ending the response is what a dropped connection looks like.
          setTimeout(() => res.socket?.destroy(), 20);
        }
      });
      stream.on('end', () => res.end());
      return;
    }
    stream.pipe(res);
  });

  function takeFault(pathname) {
    const i = faults.findIndex((f) => pathname.includes(f.match));
    if (i < 0) return null;
    const f = faults[i];
    if (--f.times <= 0) faults.splice(i, 1);
    return f;
  }

  async function control(req, res, url) {
    res.setHeader('Content-Type', 'application/json');
    if (url.pathname === '/__log') {
      if (req.method === 'DELETE') log.length = 0;
      return res.end(JSON.stringify(log));
    }
    if (url.pathname === '/__fault') {
      if (req.method === 'DELETE') faults = [];
      if (req.method === 'POST') {
        let body = '';
        for await (const chunk of req) body += chunk;
        const spec = JSON.parse(body);
        faults.push({ times: 1, ...spec });
      }
      return res.end(JSON.stringify(faults));
    }
    res.statusCode = 404;
    res.end('{}');
  }

  function finish(res, entry, status, text) {
    entry.status = status;
    res.statusCode = status;
    res.setHeader('Content-Type', 'text/plain');
    res.end(text);
  }

  return new Promise((resolveStart) => {
    server.listen(port, host, () => {
      const addr = server.address();
      const origin = `http://${host}:${addr.port}`;
      if (!quiet) console.log(`omni-embed server on ${origin}`);
      resolveStart({ origin, server, log, close: () => new Promise((r) => server.close(() => r())) });
    });
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const port = Number(process.env.PORT ?? process.argv[2] ?? 5173);
  startServer({ port, quiet: false });
}
