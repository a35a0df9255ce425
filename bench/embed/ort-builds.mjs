// How long onnxruntime-web's two builds take to start in a worker, on omni-tiny's text graph, WASM
// EP, one thread: the measurement behind src/engine/runtime.ts (WASM-only workers run the wasm
// build). Each run is a fresh worker in a fresh context (nothing compiled before), builds alternated.
//   node bench/embed/ort-builds.mjs [--runs 5] [--port 4613]  → bench/embed/ort-builds.json
import { chromium } from 'playwright-core';
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import { startServer } from '../../tests/server/server.mjs';
import { chromiumLaunchOptions } from '../../tests/helpers/chromium.mjs';

const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const argv = process.argv.slice(2);
const arg = (name, def) => { const i = argv.indexOf(`--${name}`); return i >= 0 ? argv[i + 1] : def; };
const RUNS = Number(arg('runs', '5'));
const BUILDS = ['wasm', 'webgpu'];
const server = await startServer({ port: Number(arg('port', '4613')) });
const browser = await chromium.launch(chromiumLaunchOptions());
const runs = Object.fromEntries(BUILDS.map((b) => [b, []]));
const load = loadavg().map((x) => +x.toFixed(1));
try {
  for (let r = 0; r < RUNS; r++) {
    for (const build of r % 2 ? [...BUILDS].reverse() : BUILDS) {
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.goto(`${server.origin}/bench/embed/page.html`);
      const res = await page.evaluate(([build, model]) => new Promise((done, fail) => {
        const w = new Worker('/bench/embed/ort-builds-worker.js', { type: 'module' });
        w.onmessage = (e) => { done(e.data); w.terminate(); };
        w.onerror = (e) => fail(new Error(e.message));
        w.postMessage({ build, model });
      }), [build, '/models/omni-tiny/onnx/text_model.onnx']);
      runs[build].push(res);
      console.log(build, Object.entries(res.at).map(([k, v]) => `${k} ${v.toFixed(0)}`).join(', '));
      await context.close();
    }
  }
} finally {
  await browser.close();
  await server.close();
}
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const steps = Object.keys(runs.wasm[0].at);
const medians = Object.fromEntries(BUILDS.map((b) => [b, Object.fromEntries(steps.map((k) => [k, +median(runs[b].map((x) => x.at[k])).toFixed(1)]))]));
// the two builds run the same kernels: their first output must agree
const sameOutput = runs.wasm.every((x) => x.head.every((v, i) => Math.abs(v - runs.webgpu[0].head[i]) < 1e-5));
// runtime start = instantiate + one trivial session; to first vector = everything up to the first run
const ratio = (k, from) => +((medians.wasm[k] - medians.wasm[from]) / (medians.webgpu[k] - medians.webgpu[from])).toFixed(2);
const summary = { runtimeStart: ratio('runtime', 'read'), readToFirstRun: ratio('firstRun', 'read') };
console.log(JSON.stringify({ medians, summary, sameOutput }));
writeFileSync(resolve(root, 'bench/embed/ort-builds.json'), JSON.stringify({ date: new Date().toISOString(), command: `node bench/embed/ort-builds.mjs ${argv.join(' ')}`.trim(), load, runs: RUNS, medians, summary, sameOutput, raw: runs }, null, 1) + '\n');
