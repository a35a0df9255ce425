// The project's one vite configuration.
//
//   vite                      the demo's dev server on http://127.0.0.1:5173/ (npm run demo)
//   vite build                the demo's production build → demo/dist/ (servable by any static server)
//   vite preview              serves demo/dist/
//   vite build --mode <lib>   one of the four library bundles; scripts/build.mjs runs all four, then tsc
//
// Library modes (see docs/architecture.md, "Zero-config bundling"):
//   lib             dist/index.js                     page API, dependencies stay bare imports
//   lib-worker      dist/workers/embed.worker.js      worker, ORT a bare import; ORT's .wasm and the model beside it
//   browser         dist/browser/index.js             self-contained page API
//   browser-worker  dist/browser/workers/…            self-contained worker, ORT a separate file next to it
//
// The demo imports the SDK by its package name, `omni-embed`, resolved to the built dist/index.js: the
// demo runs on what a user installs, bundled by vite the way a user's app is.
import { defineConfig, type Plugin, type UserConfig } from 'vite';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('.', import.meta.url));
const r = (p: string) => resolve(root, p);

// Three onnxruntime-web builds ship (src/engine/runtime.ts): the webgpu entry runs both EPs from its
// asyncify .wasm; the jspi entry does the same, faster to start, where the browser has JSPI; the wasm
// entry, for workers that only run WASM, starts in a third of the asyncify build's time.
const ORT_DIST = r('node_modules/onnxruntime-web/dist');
const ORT_WASM = { webgpu: 'ort-wasm-simd-threaded.asyncify.wasm', jspi: 'ort-wasm-simd-threaded.jspi.wasm', wasm: 'ort-wasm-simd-threaded.wasm' };
const ORT_ENTRY = { 'onnxruntime-web/webgpu': './ort.webgpu.min.mjs', 'onnxruntime-web/jspi': './ort.jspi.min.mjs', 'onnxruntime-web/wasm': './ort.wasm.min.mjs' } as Record<string, string>;
const ORT_BESIDE_BROWSER_WORKER = ['ort.webgpu.min.mjs', 'ort-wasm-simd-threaded.asyncify.mjs', 'ort.jspi.min.mjs', 'ort-wasm-simd-threaded.jspi.mjs', 'ort.wasm.min.mjs', 'ort-wasm-simd-threaded.mjs'];
const BARE_DEPS = [/^onnxruntime-web(\/.*)?$/, /^comlink$/, /^@huggingface\/tokenizers$/];
// The default model ships inside the package: configs, manifest, and the 8-bit graphs, which the
// defaults pick on WASM and WebGPU alike (the worker tells the engine so). fp32 doubled the package
// (15.1 MB for the defaults against 3.4 MB) for embeddings at cosine 0.99998 to q8's; it and the other
// variants load from models/omni-tiny served by the app (modelUrl) or from a host it names.
const MODEL_SRC = r('models/omni-tiny');
const shipsModelFile = (rel: string) => !rel.endsWith('.onnx') || /_model_quantized\.onnx$/.test(rel);

const COOP_COEP = {
  // Cross-origin isolation: SharedArrayBuffer, so ORT's WASM can run multi-threaded.
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

function listFiles(dir: string, prefix = ''): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? listFiles(resolve(dir, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`]);
}

function emitFiles(ctx: { emitFile: (f: { type: 'asset'; fileName: string; source: Uint8Array }) => string }, from: string, to: string, keep: (rel: string) => boolean = () => true) {
  if (!existsSync(from)) return;
  for (const rel of listFiles(from).sort()) if (keep(rel)) ctx.emitFile({ type: 'asset', fileName: `${to}${rel}`, source: readFileSync(resolve(from, rel)) });
}

/**
 * The page API spawns `new URL(WORKER_REL, import.meta.url)` (src/api/create-embedder.ts); app
 * bundlers only follow a literal, so the built file gets one.
 */
function literalWorkerUrl(): Plugin {
  return {
    name: 'omni-embed:literal-worker-url',
    generateBundle(_options, bundle) {
      const chunk = bundle['index.js'];
      if (chunk?.type !== 'chunk') this.error('index.js was not built');
      const patched = chunk.code.replace('new URL(WORKER_REL, import.meta.url)', 'new URL("./workers/embed.worker.js", import.meta.url)');
      if (patched === chunk.code) this.error('worker URL pattern not found; the page API changed without the build');
      chunk.code = patched;
    },
  };
}

/**
 * Appends to the worker the literal asset URLs of ORT's .wasm and of every bundled model file (see
 * DefaultAssets in workers/embed.worker.ts): in this form app bundlers emit those files and rewrite
 * the URLs. `toDist` leads from the worker's folder to dist/.
 */
function workerDefaults(toDist: string): Plugin {
  const url = (rel: string) => `new URL(${JSON.stringify(toDist + rel)}, import.meta.url).href`;
  return {
    name: 'omni-embed:worker-defaults',
    generateBundle(_options, bundle) {
      const chunk = bundle['workers/embed.worker.js'];
      if (chunk?.type !== 'chunk') this.error('workers/embed.worker.js was not built');
      const modelFiles = existsSync(MODEL_SRC) ? listFiles(MODEL_SRC).filter(shipsModelFile).sort() : [];
      const model = modelFiles.map((f) => `    ${JSON.stringify(f)}: ${url(`models/omni-tiny/${f}`)},`).join('\n');
      const runtime = `{ ${Object.entries(ORT_WASM).map(([build, f]) => `${build}: ${url(`workers/${f}`)}`).join(', ')} }`;
      chunk.code += `\n// Added by vite.config.ts: where the bundled model and ORT's runtimes live.\nglobalThis.__omniEmbedDefaults = {\n  runtime: ${runtime},\n  model: {\n${model}\n  },\n};\n`;
    },
  };
}

/** dist/ ships ORT's three .wasm files once (dist/workers/) and the bundled model (dist/models/omni-tiny/). */
function bundlerAssets(): Plugin {
  return {
    name: 'omni-embed:bundler-assets',
    generateBundle() {
      for (const f of Object.values(ORT_WASM)) this.emitFile({ type: 'asset', fileName: `workers/${f}`, source: readFileSync(resolve(ORT_DIST, f)) });
      emitFiles(this, MODEL_SRC, 'models/omni-tiny/', shipsModelFile);
    },
  };
}

/**
 * In the self-contained build ORT stays a separate file next to the worker instead of being bundled:
 * bundling would inline its 27 MB .wasm as base64 (library mode inlines `new URL()` assets) and
 * ORT locates its runtime relative to its own module URL, which only works if it keeps one.
 * Its .wasm files are the ones in dist/workers/ (the defaults point there).
 */
function ortBesideWorker(): Plugin {
  return {
    name: 'omni-embed:ort-beside-worker',
    enforce: 'pre',
    resolveId(id) {
      if (id === 'onnxruntime-web') return { id: ORT_ENTRY['onnxruntime-web/webgpu']!, external: true };
      if (ORT_ENTRY[id]) return { id: ORT_ENTRY[id]!, external: true };
      return null;
    },
    generateBundle() {
      for (const f of ORT_BESIDE_BROWSER_WORKER) this.emitFile({ type: 'asset', fileName: `workers/${f}`, source: readFileSync(resolve(ORT_DIST, f)) });
    },
  };
}

/** The page entries: the curated API, and the `omni-embed/models` subpath (the loader and cache, for apps that manage downloads). */
const PAGE_ENTRIES = { index: 'src/index.ts', models: 'src/models/index.ts' };

const LIBRARY: Record<string, { outDir: string; entry: Record<string, string>; external: RegExp[]; plugins: Plugin[] }> = {
  lib: { outDir: 'dist', entry: PAGE_ENTRIES, external: BARE_DEPS, plugins: [literalWorkerUrl()] },
  'lib-worker': { outDir: 'dist', entry: { 'workers/embed.worker': 'workers/embed.worker.ts' }, external: BARE_DEPS, plugins: [workerDefaults('../'), bundlerAssets()] },
  browser: { outDir: 'dist/browser', entry: PAGE_ENTRIES, external: [], plugins: [literalWorkerUrl()] },
  'browser-worker': { outDir: 'dist/browser', entry: { 'workers/embed.worker': 'workers/embed.worker.ts' }, external: [], plugins: [ortBesideWorker(), workerDefaults('../../')] },
};

function libraryConfig(mode: string): UserConfig {
  const lib = LIBRARY[mode]!;
  return {
    root,
    logLevel: 'warn',
    publicDir: false,
    plugins: lib.plugins,
    build: {
      outDir: r(lib.outDir),
      // Four builds share dist/: scripts/build.mjs empties it once, before the first.
      emptyOutDir: false,
      target: 'es2022',
      minify: false,
      sourcemap: true,
      copyPublicDir: false,
      // ORT's .wasm must stay a separate file fetched at run time, never inlined as base64.
      assetsInlineLimit: 0,
      lib: { entry: Object.fromEntries(Object.entries(lib.entry).map(([k, v]) => [k, r(v)])), formats: ['es'], fileName: (_format, name) => `${name}.js` },
      rolldownOptions: { external: lib.external },
    },
  };
}

/** The gallery the demo indexes on first load, served and shipped at data/heldout/ beside the page. */
function demoGallery(): Plugin {
  const DATA = r('data/heldout');
  const PREFIX = '/data/heldout/';
  return {
    name: 'omni-embed:demo-gallery',
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const path = decodeURIComponent((req.url ?? '').split('?')[0]!);
        if (!path.startsWith(PREFIX)) return next();
        const file = resolve(DATA, path.slice(PREFIX.length));
        if (!file.startsWith(DATA + '/') || !existsSync(file)) return next();
        res.setHeader('Content-Type', contentType(file));
        res.end(readFileSync(file));
      });
    },
    generateBundle() {
      emitFiles(this, DATA, 'data/heldout/');
    },
  };
}

function contentType(file: string): string {
  const ext = file.slice(file.lastIndexOf('.'));
  return ({ '.json': 'application/json', '.png': 'image/png', '.jpg': 'image/jpeg', '.wav': 'audio/wav', '.webm': 'video/webm', '.mp4': 'video/mp4' } as Record<string, string>)[ext] ?? 'application/octet-stream';
}

/**
 * A short hash of the bundled model's manifest (sizes and digests of its files): vectors stored by an
 * older build of the model are stale, and the demo re-embeds when this changes.
 */
function modelFingerprint(): string {
  const manifest = resolve(MODEL_SRC, 'manifest.json');
  if (!existsSync(manifest)) return 'unknown';
  return createHash('sha256').update(readFileSync(manifest)).digest('hex').slice(0, 16);
}

function demoConfig(command: 'build' | 'serve'): UserConfig {
  // The demo runs on the built package; build it on first use (a fresh clone after `npm ci` has it already).
  if (!existsSync(r('dist/index.js')) || !existsSync(r('dist/workers/embed.worker.js'))) {
    execFileSync(process.execPath, [r('scripts/build.mjs')], { stdio: 'inherit', cwd: root });
  }
  return {
    root: r('demo'),
    // Relative asset URLs: demo/dist/ works from any folder of any static server.
    base: command === 'build' ? './' : '/',
    publicDir: false,
    plugins: [demoGallery()],
    define: { __OMNI_DEMO_MODEL_FINGERPRINT__: JSON.stringify(modelFingerprint()) },
    resolve: { alias: [{ find: /^omni-embed$/, replacement: r('dist/index.js') }] },
    server: { host: '127.0.0.1', port: 5173, strictPort: true, headers: COOP_COEP, fs: { allow: [root] } },
    preview: { host: '127.0.0.1', port: 5173, strictPort: true, headers: COOP_COEP },
    worker: { format: 'es' },
    build: {
      outDir: r('demo/dist'),
      emptyOutDir: true,
      target: 'es2022',
      // The model and ORT's .wasm are fetched at run time, never inlined.
      assetsInlineLimit: 0,
      chunkSizeWarningLimit: 4096,
    },
  };
}

export default defineConfig(({ command, mode }) => (mode in LIBRARY ? libraryConfig(mode) : demoConfig(command)));
