// Builds the package in two shapes:
//   dist/            ESM for bundlers: dependencies stay bare imports (one onnxruntime-web, the user's).
//   dist/browser/    self-contained ESM for a plain <script type="module">, with ORT's .wasm beside the worker.
// Both keep the same relative layout (index.js + workers/embed.worker.js) so the page API finds its
// worker with `new URL('./workers/embed.worker.js', import.meta.url)` in either shape.
import { build } from 'vite';
import { execFileSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
const r = (p) => resolve(root, p);
const EXTERNAL = [/^onnxruntime-web(\/.*)?$/, /^comlink$/, /^@huggingface\/tokenizers$/];
// The webgpu entry of onnxruntime-web runs both EPs (webgpu, wasm) from its asyncify build.
const ORT_FILES = ['ort.webgpu.min.mjs', 'ort-wasm-simd-threaded.asyncify.mjs', 'ort-wasm-simd-threaded.asyncify.wasm'];

/**
 * In the self-contained build ORT stays a separate file next to the worker instead of being bundled:
 * bundling would inline its 27 MB .wasm as base64 (library mode inlines `new URL()` assets) and
 * ORT locates its runtime relative to its own module URL, which only works if it keeps one.
 */
const ortBeside = {
  name: 'omni-embed:ort-beside-worker',
  enforce: 'pre',
  resolveId(id) {
    if (id === 'onnxruntime-web/webgpu' || id === 'onnxruntime-web') return { id: './ort.webgpu.min.mjs', external: true };
    return null;
  },
};

rmSync(r('dist'), { recursive: true, force: true });

async function bundle({ outDir, entries, external, plugins = [], define = {} }) {
  await build({
    root,
    configFile: false,
    logLevel: 'warn',
    publicDir: false,
    plugins,
    define,
    build: {
      outDir,
      emptyOutDir: false,
      target: 'es2022',
      minify: false,
      sourcemap: true,
      copyPublicDir: false,
      // ORT's .wasm must stay a separate file fetched at run time, never inlined as base64.
      assetsInlineLimit: 0,
      lib: { entry: entries, formats: ['es'], fileName: (_format, name) => `${name}.js` },
      rolldownOptions: { external },
    },
  });
}

const pageEntries = { index: r('src/index.ts') };
const workerEntries = { 'workers/embed.worker': r('workers/embed.worker.ts') };

// Where the bundled omni-tiny sits relative to each page module (see defaultModelUrl()).
const modelPath = (rel) => ({ __OMNI_TINY_PATH__: JSON.stringify(rel) });
await bundle({ outDir: r('dist'), entries: pageEntries, external: EXTERNAL, define: modelPath('./models/omni-tiny/') });
await bundle({ outDir: r('dist'), entries: workerEntries, external: EXTERNAL });
await bundle({ outDir: r('dist/browser'), entries: pageEntries, external: [], define: modelPath('../models/omni-tiny/') });
await bundle({ outDir: r('dist/browser'), entries: workerEntries, external: [], plugins: [ortBeside] });

// The self-contained worker loads ORT's runtime relative to itself; ship the files it asks for.
mkdirSync(r('dist/browser/workers'), { recursive: true });
for (const f of ORT_FILES) copyFileSync(r(`node_modules/onnxruntime-web/dist/${f}`), r(`dist/browser/workers/${f}`));

// Inline the worker path (see spawnWorker in src/api/create-embedder.ts) so app bundlers see it.
for (const file of ['dist/index.js', 'dist/browser/index.js']) {
  const code = readFileSync(r(file), 'utf8');
  const patched = code.replace('new URL(WORKER_REL, import.meta.url)', 'new URL("./workers/embed.worker.js", import.meta.url)');
  if (patched === code) throw new Error(`${file}: worker URL pattern not found; the page API changed without the build`);
  writeFileSync(r(file), patched);
}

// The default model ships inside the package: configs, manifest, and the two graph variants the
// defaults pick (fp32 on WebGPU, 8-bit on WASM). Other variants load from a host the app names.
const MODEL_SRC = r('models/omni-tiny');
const MODEL_OUT = r('dist/models/omni-tiny');
if (existsSync(MODEL_SRC)) {
  cpSync(MODEL_SRC, MODEL_OUT, {
    recursive: true,
    filter: (src) => !src.endsWith('.onnx') || /(_model|_model_quantized)\.onnx$/.test(src),
  });
}

execFileSync(process.execPath, [r('node_modules/typescript/bin/tsc'), '-p', r('tsconfig.build.json')], { stdio: 'inherit' });
console.log('built dist/ and dist/browser/');
