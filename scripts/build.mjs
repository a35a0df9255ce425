// Builds the package in two shapes:
//   dist/            ESM for bundlers: dependencies stay bare imports (one onnxruntime-web, the user's).
//   dist/browser/    self-contained ESM for a plain <script type="module">, with ORT's .wasm beside the worker.
// Both keep the same relative layout (index.js + workers/embed.worker.js) so the page API finds its
// worker with `new URL('./workers/embed.worker.js', import.meta.url)` in either shape.
import { build } from 'vite';
import { execFileSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
const r = (p) => resolve(root, p);
const EXTERNAL = [/^onnxruntime-web(\/.*)?$/, /^comlink$/, /^@huggingface\/tokenizers$/];
// The webgpu entry of onnxruntime-web runs both EPs (webgpu, wasm) from its asyncify build.
// The .wasm ships once, in dist/workers/; the self-contained worker points at it.
const ORT_WASM = 'ort-wasm-simd-threaded.asyncify.wasm';
const ORT_BESIDE_BROWSER_WORKER = ['ort.webgpu.min.mjs', 'ort-wasm-simd-threaded.asyncify.mjs'];

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

async function bundle({ outDir, entries, external, plugins = [] }) {
  await build({
    root,
    configFile: false,
    logLevel: 'warn',
    publicDir: false,
    plugins,
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

// `models` is the advanced subpath (omni-embed/models): the loader and cache for apps that manage downloads.
const pageEntries = { index: r('src/index.ts'), models: r('src/models/index.ts') };
const workerEntries = { 'workers/embed.worker': r('workers/embed.worker.ts') };

await bundle({ outDir: r('dist'), entries: pageEntries, external: EXTERNAL });
await bundle({ outDir: r('dist'), entries: workerEntries, external: EXTERNAL });
await bundle({ outDir: r('dist/browser'), entries: pageEntries, external: [] });
await bundle({ outDir: r('dist/browser'), entries: workerEntries, external: [], plugins: [ortBeside] });

// The self-contained worker loads ORT's runtime relative to itself; ship the files it asks for.
mkdirSync(r('dist/browser/workers'), { recursive: true });
for (const f of ORT_BESIDE_BROWSER_WORKER) copyFileSync(r(`node_modules/onnxruntime-web/dist/${f}`), r(`dist/browser/workers/${f}`));
copyFileSync(r(`node_modules/onnxruntime-web/dist/${ORT_WASM}`), r(`dist/workers/${ORT_WASM}`));

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

// Literal asset URLs appended to each built worker (see DefaultAssets in workers/embed.worker.ts):
// in this form app bundlers emit the .wasm and the model files and rewrite the URLs.
function listFiles(dir, prefix = '') {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? listFiles(resolve(dir, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`]);
}
const modelFiles = existsSync(MODEL_OUT) ? listFiles(MODEL_OUT).sort() : [];
function appendDefaults(workerFile, toDist) {
  const url = (rel) => `new URL(${JSON.stringify(toDist + rel)}, import.meta.url).href`;
  const model = modelFiles.map((f) => `    ${JSON.stringify(f)}: ${url(`models/omni-tiny/${f}`)},`).join('\n');
  const code = `\n// Added by scripts/build.mjs: where the bundled model and ORT's runtime live.\nglobalThis.__omniEmbedDefaults = {\n  wasm: ${url(`workers/${ORT_WASM}`)},\n  model: {\n${model}\n  },\n};\n`;
  writeFileSync(r(workerFile), readFileSync(r(workerFile), 'utf8') + code);
}
appendDefaults('dist/workers/embed.worker.js', '../');
appendDefaults('dist/browser/workers/embed.worker.js', '../../');

execFileSync(process.execPath, [r('node_modules/typescript/bin/tsc'), '-p', r('tsconfig.build.json')], { stdio: 'inherit' });
console.log('built dist/ and dist/browser/');

// omni-embed/node (dist/node/): its own script, after dist/ holds the bundled model.
await import('./build-node.mjs');
