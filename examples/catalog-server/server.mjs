// Example: a catalog search server. The catalog (here: the held-out images, embedded at start-up
// with omni-embed/node, or the rows `omni-embed index` wrote) lives in PostgreSQL + pgvector
// (embedded PGlite). The page embeds the user's query on the device and sends only the vector:
// the query text never leaves the browser. The page shows these results next to its on-device library.
//
//   node examples/catalog-server/server.mjs [port] [--db <pgdata from omni-embed index>]
import { createServer } from 'node:http';
import { createReadStream, readFileSync, statSync } from 'node:fs';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createEmbedder } from 'omni-embed/node';
import { openCatalog } from 'omni-embed/node/catalog';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const HERE = fileURLToPath(new URL('.', import.meta.url));
const MIME = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8', '.json': 'application/json', '.wasm': 'application/wasm', '.onnx': 'application/octet-stream', '.png': 'image/png', '.wav': 'audio/wav' };
const MAX_BODY = 64 * 1024;

/** The held-out images as the demo catalog, embedded on the server (what a nightly job would do). */
async function demoCatalog() {
  const index = JSON.parse(readFileSync(join(ROOT, 'data/heldout/index.json'), 'utf8'));
  const images = index.items.filter((i) => i.kind === 'image');
  const embedder = await createEmbedder({ workers: 1 });
  try {
    const vectors = await embedder.embedBatch(images.map((i) => pathToFileURL(join(ROOT, 'data/heldout', i.files.image))));
    const catalog = await openCatalog({ dims: embedder.info.dims });
    await catalog.upsert(images.map((i, k) => ({ id: i.id, vector: vectors[k].vector, meta: { caption: i.caption, image: `/data/heldout/${i.files.image}` } })));
    return catalog;
  } finally {
    await embedder.dispose();
  }
}

/** Validates the one thing a client may send: a finite vector of the catalog's dims, and k. */
function parseQuery(body, dims) {
  let q;
  try {
    q = JSON.parse(body);
  } catch {
    return { error: 'body must be JSON { vector: number[], k?: number }' };
  }
  if (!Array.isArray(q?.vector) || q.vector.length !== dims || !q.vector.every(Number.isFinite)) return { error: `vector must be ${dims} finite numbers` };
  const k = q.k ?? 10;
  if (!Number.isInteger(k) || k < 1 || k > 100) return { error: 'k must be an integer from 1 to 100' };
  return { vector: q.vector, k };
}

function send(res, status, body, type = 'application/json') {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
  res.end(typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body));
}

function serveStatic(res, path) {
  const file = path === '/' ? join(HERE, 'index.html') : path === '/app.js' ? join(HERE, 'app.js') : resolve(ROOT, `.${decodeURIComponent(path)}`);
  const allowed = [join(ROOT, 'dist') + sep, join(ROOT, 'data', 'heldout') + sep, HERE];
  if (!allowed.some((a) => file.startsWith(a))) return send(res, 404, { error: 'not found' });
  try {
    if (!statSync(file).isFile()) throw new Error('not a file');
  } catch {
    return send(res, 404, { error: 'not found' });
  }
  res.writeHead(200, { 'content-type': MIME[extname(file)] ?? 'application/octet-stream' });
  createReadStream(file).pipe(res);
}

export async function startServer({ port = 0, db } = {}) {
  const catalog = db ? await openCatalog({ dims: 256, dataDir: db }) : await demoCatalog();
  const server = createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    if (url.pathname === '/search') {
      if (req.method !== 'POST') return send(res, 405, { error: 'POST a query vector' });
      let body = '';
      req.on('data', (c) => {
        body += c;
        if (body.length > MAX_BODY) req.destroy();
      });
      req.on('end', async () => {
        const q = parseQuery(body, catalog.dims);
        if (q.error) return send(res, 400, { error: q.error });
        try {
          send(res, 200, { results: await catalog.search(q.vector, q.k) });
        } catch (err) {
          send(res, 500, { error: `${err.name}: ${err.message}` });
        }
      });
      return;
    }
    if (req.method !== 'GET') return send(res, 405, { error: 'GET only' });
    serveStatic(res, url.pathname);
  });
  await new Promise((r) => server.listen(port, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    catalog,
    async close() {
      await new Promise((r) => server.close(r));
      await catalog.close();
    },
  };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const dbAt = args.indexOf('--db');
  const port = Number(args.find((a, i) => /^\d+$/.test(a) && args[i - 1] !== '--db') ?? 5180);
  const { url } = await startServer({ port, ...(dbAt >= 0 ? { db: args[dbAt + 1] } : {}) });
  console.log(`catalog server on ${url}`);
}
