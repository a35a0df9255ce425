// Assembles the unpacked MV3 extension in extension/dist/ from extension/src/, the self-contained
// SDK build (dist/browser/) and the bundled model (dist/models/omni-tiny/).
//   node scripts/build.mjs && node extension/build.mjs      (npm run build:extension)
// Runs scripts/build.mjs itself when dist/browser/ is missing.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');
const out = resolve(process.env.OMNI_EXTENSION_OUT ?? join(here, 'dist'));
const sdk = join(root, 'dist/browser');
const model = join(root, 'dist/models/omni-tiny');

// The offscreen document runs the embedder on WASM with 8-bit graphs (dtype 'q8'), so only the
// *_quantized graphs ship: ~3 MB of model instead of ~13 MB. ORT's runtime (14 MB .wasm) is the bulk.
const GRAPH = /_quantized\.onnx$/;
const SDK_ENTRIES = ['index.js', 'workers/embed.worker.js'];
// The page entries share chunks (index.js and models.js both import the loader's), so every
// top-level module of the build goes along, not only index.js.
const sdkFiles = () => [...new Set([...readdirSync(sdk).filter((f) => f.endsWith('.js')), ...SDK_ENTRIES])];
// ORT's runtime goes beside the worker (the offscreen document passes that folder as wasmPaths).
// It is taken from the one onnxruntime-web the SDK was built with, wherever the build put it. A
// WASM-only embedder runs ORT's wasm build (src/engine/runtime.ts), so the webgpu build's 27 MB
// asyncify .wasm stays out of the package.
const ORT_FILES = ['ort.wasm.min.mjs', 'ort-wasm-simd-threaded.mjs', 'ort-wasm-simd-threaded.wasm'];
const ortSource = (f) => [join(sdk, 'workers', f), join(root, 'dist/workers', f), join(root, 'node_modules/onnxruntime-web/dist', f)].find(existsSync) ?? join(sdk, 'workers', f);

const sdkReady = () => SDK_ENTRIES.every((f) => existsSync(join(sdk, f))) && existsSync(join(model, 'config.json'));
if (!sdkReady()) {
  console.log('dist/browser or dist/models missing: running scripts/build.mjs');
  execFileSync(process.execPath, [join(root, 'scripts/build.mjs')], { stdio: 'inherit', cwd: root });
}

function assemble() {
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  cpSync(join(here, 'src'), out, { recursive: true });
  for (const f of sdkFiles()) {
    const to = join(out, 'sdk', f);
    mkdirSync(dirname(to), { recursive: true });
    copyFileSync(join(sdk, f), to);
  }
  for (const f of ORT_FILES) copyFileSync(ortSource(f), join(out, 'sdk/workers', f));
  cpSync(model, join(out, 'models/omni-tiny'), {
    recursive: true,
    filter: (src) => !src.endsWith('.onnx') ? !src.endsWith('manifest.json') : GRAPH.test(src),
  });
}

// scripts/build.mjs empties dist/ before writing it: if another build is running right now, wait
// for its files instead of failing half-way.
for (let attempt = 1; ; attempt++) {
  try {
    assemble();
    break;
  } catch (err) {
    if (err?.code !== 'ENOENT' || attempt >= 60) throw err;
    if (attempt === 1) console.log('dist/ is being rebuilt; waiting for it…');
    await new Promise((r) => setTimeout(r, 2000));
  }
}
const modelOut = join(out, 'models/omni-tiny');

// A manifest of exactly what ships: the loader then verifies sizes + sha256 and never probes for a
// file that is not there (a missing chrome-extension:// file fails like a network error, not a 404).
function walk(dir) {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}
const files = {};
for (const p of walk(modelOut).sort()) {
  const bytes = readFileSync(p);
  files[relative(modelOut, p).split(sep).join('/')] = { size: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') };
}
writeFileSync(join(modelOut, 'manifest.json'), JSON.stringify({ files }, null, 1) + '\n');

const total = walk(out).reduce((n, p) => n + statSync(p).size, 0);
console.log(`built ${relative(root, out)}/ (${(total / 2 ** 20).toFixed(1)} MiB, model files: ${Object.keys(files).length})`);
