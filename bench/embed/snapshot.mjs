// Snapshot of the library build a benchmark measures, shared by bench/embed and bench/scale.
import { copyFileSync, cpSync, existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const log = (...a) => console.log('[bench]', ...a);

/**
 * Copies dist/browser into bench/.out/omni: others may rebuild dist while we measure. Waits until the
 * build has been quiet for 10 s, and puts omni-embed's own ORT runtime (node_modules/onnxruntime-web,
 * the version its worker bundles) beside the worker; the page passes that folder as `wasmPaths`,
 * a documented createEmbedder option, so the run does not depend on where a build emits the .wasm.
 */
export async function snapshotOmni() {
  const dist = resolve(root, 'dist/browser');
  const need = ['index.js', 'workers/embed.worker.js', 'workers/ort.webgpu.min.mjs'];
  for (let i = 0; ; i++) {
    const ok = need.every((f) => existsSync(resolve(dist, f)));
    const age = ok ? Date.now() - Math.max(...need.map((f) => statSync(resolve(dist, f)).mtimeMs)) : 0;
    if (ok && age > 10_000) break;
    if (i > 30) throw new Error('dist/browser is incomplete or keeps changing; run `node scripts/build.mjs`');
    log('waiting for dist/browser to settle');
    await new Promise((r) => setTimeout(r, 5000));
  }
  const snap = resolve(root, 'bench/.out/omni');
  rmSync(snap, { recursive: true, force: true });
  mkdirSync(snap, { recursive: true });
  cpSync(dist, snap, { recursive: true });
  // every ORT build's runtime (src/engine/runtime.ts): the page passes this folder as wasmPaths
  for (const f of ['asyncify.mjs', 'asyncify.wasm', 'jspi.mjs', 'jspi.wasm', 'mjs', 'wasm'].map((ext) => `ort-wasm-simd-threaded.${ext}`)) {
    copyFileSync(resolve(root, 'node_modules/onnxruntime-web/dist', f), resolve(snap, 'workers', f));
  }
}

