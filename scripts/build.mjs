// Builds the package in two shapes:
//   dist/            ESM for bundlers: dependencies stay bare imports (one onnxruntime-web, the user's).
//   dist/browser/    self-contained ESM for a plain <script type="module">, with ORT's .wasm beside the worker.
// Both keep the same relative layout (index.js + workers/embed.worker.js) so the page API finds its
// worker with `new URL('./workers/embed.worker.js', import.meta.url)` in either shape.
import { build } from 'vite';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
const r = (p) => resolve(root, p);
const EXTERNAL = [/^onnxruntime-web(\/.*)?$/, /^comlink$/, /^@huggingface\/tokenizers$/];
const ORT_WASM = ['ort-wasm-simd-threaded.asyncify.wasm', 'ort-wasm-simd-threaded.asyncify.mjs', 'ort-wasm-simd-threaded.wasm', 'ort-wasm-simd-threaded.mjs'];

rmSync(r('dist'), { recursive: true, force: true });

async function bundle({ outDir, entries, external }) {
  await build({
    root,
    configFile: false,
    logLevel: 'warn',
    publicDir: false,
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

await bundle({ outDir: r('dist'), entries: pageEntries, external: EXTERNAL });
await bundle({ outDir: r('dist'), entries: workerEntries, external: EXTERNAL });
await bundle({ outDir: r('dist/browser'), entries: pageEntries, external: [] });
await bundle({ outDir: r('dist/browser'), entries: workerEntries, external: [] });

// The self-contained worker loads ORT's runtime relative to itself; ship the files it asks for.
mkdirSync(r('dist/browser/workers'), { recursive: true });
for (const f of ORT_WASM) copyFileSync(r(`node_modules/onnxruntime-web/dist/${f}`), r(`dist/browser/workers/${f}`));

execFileSync(process.execPath, [r('node_modules/typescript/bin/tsc'), '-p', r('tsconfig.build.json')], { stdio: 'inherit' });
console.log('built dist/ and dist/browser/');
