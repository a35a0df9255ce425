// Builds omni-embed/node into dist/node/: the same engine source as the browser worker, bundled
// with `onnxruntime-web/webgpu`, `/jspi` and `/wasm` aliased to src/node/ort-shim.ts (onnxruntime-node behind the same
// API), so the engine runs unchanged on a server. Runtime dependencies stay bare imports: comlink,
// @huggingface/tokenizers, and the optional peers onnxruntime-node, sharp and @electric-sql/pglite.
// Run after scripts/build.mjs (which empties dist/ first); it uses dist/models/omni-tiny/ as the
// bundled model, resolved beside the built entry.
import { build } from 'vite';
import { builtinModules } from 'node:module';
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import { chmodSync, existsSync } from 'node:fs';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
const r = (p) => resolve(root, p);
const NODE_BUILTINS = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];
const EXTERNAL = [/^onnxruntime-node(\/.*)?$/, /^sharp$/, /^@electric-sql\/pglite(\/.*)?$/, /^comlink(\/.*)?$/, /^@huggingface\/tokenizers$/, ...NODE_BUILTINS];

const ENTRIES = { index: 'src/node/index.ts', worker: 'src/node/worker.ts', cli: 'src/cli/main.ts', catalog: 'src/node/catalog/index.ts' };

await build({
  root,
  configFile: false,
  logLevel: 'warn',
  publicDir: false,
  // both ORT builds the engine may import (src/engine/runtime.ts) are onnxruntime-node here
  resolve: { alias: [{ find: /^onnxruntime-web\/(webgpu|jspi|wasm)$/, replacement: r('src/node/ort-shim.ts') }] },
  build: {
    outDir: r('dist/node'),
    emptyOutDir: true,
    target: 'node20',
    ssr: true,
    minify: false,
    sourcemap: true,
    copyPublicDir: false,
    rolldownOptions: {
      input: Object.fromEntries(Object.entries(ENTRIES).filter(([, f]) => existsSync(r(f))).map(([k, f]) => [k, r(f)])),
      external: EXTERNAL,
      output: { format: 'es', entryFileNames: '[name].js', chunkFileNames: 'chunks/[name]-[hash].js', banner: (chunk) => (chunk.name === 'cli' ? '#!/usr/bin/env node' : '') },
    },
  },
});
if (!existsSync(r('dist/models/omni-tiny/config.json'))) throw new Error('dist/models/omni-tiny is missing: run scripts/build.mjs first');
if (existsSync(r('dist/node/cli.js'))) chmodSync(r('dist/node/cli.js'), 0o755);
console.log('built dist/node/');
