// Bundles transformers.js's browser build for the benchmark page into bench/.out/tjs/ (git-ignored).
// transformers.web.js imports bare specifiers (onnxruntime-web/webgpu, onnxruntime-common), so a page
// cannot load it as is. We keep its *own* pinned onnxruntime-web (1.31-dev, nested under its package)
// as a separate, served file — exactly like omni-embed's dist/browser keeps ORT beside its worker —
// and bundle everything else. Nothing is fetched from a CDN: the page sets wasmPaths to the served copy.
import { build } from 'vite';
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import { existsSync, readFileSync, statSync } from 'node:fs';

const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const TJS = resolve(root, 'node_modules/@huggingface/transformers');
export const TJS_ORT_URL = '/node_modules/@huggingface/transformers/node_modules/onnxruntime-web/dist/';
const out = resolve(root, 'bench/.out/tjs');
const entry = resolve(TJS, 'dist/transformers.web.js');

export async function buildTjs({ force = false } = {}) {
  const file = resolve(out, 'transformers.js');
  if (!force && existsSync(file) && statSync(file).mtimeMs > statSync(entry).mtimeMs) return file;
  await build({
    root,
    configFile: false,
    logLevel: 'warn',
    publicDir: false,
    plugins: [{
      name: 'tjs-ort-external',
      enforce: 'pre',
      resolveId(id) {
        // The non-bundled ORT entry (it loads its wasm from wasmPaths); the bundle variant would be inlined as base64.
        if (id === 'onnxruntime-web/webgpu') return { id: `${TJS_ORT_URL}ort.webgpu.min.mjs`, external: true };
        return null;
      },
    }],
    build: {
      outDir: out,
      emptyOutDir: true,
      target: 'es2022',
      minify: false,
      sourcemap: false,
      assetsInlineLimit: 0,
      lib: { entry, formats: ['es'], fileName: () => 'transformers.js' },
    },
  });
  return file;
}

export function tjsVersions() {
  const v = (p) => JSON.parse(readFileSync(resolve(root, p), 'utf8')).version;
  return {
    transformers: v('node_modules/@huggingface/transformers/package.json'),
    ortForTransformers: v('node_modules/@huggingface/transformers/node_modules/onnxruntime-web/package.json'),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) console.log(await buildTjs({ force: true }));
