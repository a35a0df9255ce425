// The physical side of the real-scale numbers: raw onnxruntime-web (no library) on the full-size
// CLIP replica's vision tower, fp32 and q8, one worker with every core as a thread, and one large
// fp32 MatMul (WASM SIMD peak). Gives images/s and GFLOP/s to set bench/scale/results.json against.
//   node bench/scale/ceiling.mjs [--runs 3] [--batch 8] [--port 4611]  → bench/scale/ceiling.json
import { chromium } from 'playwright-core';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from '../../tests/server/server.mjs';
import { chromiumLaunchOptions } from '../../tests/helpers/chromium.mjs';

const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const argv = process.argv.slice(2);
const arg = (name, def) => { const i = argv.indexOf(`--${name}`); return i >= 0 ? argv[i + 1] : def; };
const RUNS = Number(arg('runs', '3'));
const BATCH = Number(arg('batch', '8'));
const ROWS = 400;
const THREADS = os.cpus().length;

// ViT-B/32 vision tower per image: 50 tokens × 12 layers × (4·768² attention projections + 2·768·3072 MLP)
// + 12 × 12 heads × 2·50²·64 (scores, weighted sum) + the 32×32 patch Conv (49·768·3072) + projection.
const VISION_FLOP = 2 * (50 * 12 * (4 * 768 * 768 + 2 * 768 * 3072) + 12 * 12 * 2 * 50 * 50 * 64 + 49 * 768 * 3 * 32 * 32 + 768 * 512);
const MATMUL_FLOP = 2 * ROWS * 768 * 3072;

execFileSync('/usr/bin/python3', ['tools/replicas/make.py', '--scale', 'full', '--towers', 'vision', '--variants=,_quantized'], { cwd: root, stdio: 'inherit' });
mkdirSync(resolve(root, '.replicas/bench'), { recursive: true });
execFileSync('/usr/bin/python3', ['bench/scale/matmul.py', '.replicas/bench/matmul.onnx', String(ROWS)], { cwd: root, stdio: 'inherit' });

const server = await startServer({ port: Number(arg('port', '4611')) });
const browser = await chromium.launch(chromiumLaunchOptions());
let res;
try {
  const page = await browser.newPage();
  await page.goto(`${server.origin}/tests/pages/blank.html`);
  res = await page.evaluate(async ({ RUNS, BATCH, ROWS, THREADS }) => {
    // In a worker, as the SDK runs it: ORT's threads need a worker context to block in.
    const src = `
      let ort;
      self.onmessage = async ({ data }) => {
        try {
          ort ??= await import('${location.origin}/ort/ort.min.mjs');
          ort.env.wasm.wasmPaths = '${location.origin}/ort/';
          ort.env.wasm.numThreads = data.threads;
          const s = await ort.InferenceSession.create(data.url, { executionProviders: ['wasm'], graphOptimizationLevel: 'all' });
          const feed = () => data.kind === 'matmul'
            ? { x: new ort.Tensor('float32', new Float32Array(data.rows * 768).fill(0.1), [data.rows, 768]) }
            : { pixel_values: new ort.Tensor('float32', new Float32Array(data.batch * 3 * 224 * 224).map((_, i) => Math.sin(i)), [data.batch, 3, 224, 224]) };
          await s.run(feed());
          const times = [];
          for (let r = 0; r < data.runs; r++) { const t = performance.now(); await s.run(feed()); times.push(performance.now() - t); }
          await s.release();
          self.postMessage({ ok: true, times });
        } catch (e) { self.postMessage({ ok: false, error: String(e) }); }
      };`;
    const worker = new Worker(URL.createObjectURL(new Blob([src], { type: 'text/javascript' })), { type: 'module' });
    const call = (msg) => new Promise((ok, bad) => { worker.onmessage = ({ data }) => (data.ok ? ok(data.times) : bad(new Error(data.error))); worker.postMessage(msg); });
    const repo = `${location.origin}/replicas/full/Xenova/clip-vit-base-patch32/resolve/main/onnx/`;
    const out = {};
    out.matmul = await call({ kind: 'matmul', url: `${location.origin}/.replicas/bench/matmul.onnx`, rows: ROWS, runs: RUNS * 3, threads: THREADS });
    out['vision fp32'] = await call({ kind: 'vision', url: `${repo}vision_model.onnx`, batch: BATCH, runs: RUNS, threads: THREADS });
    out['vision q8'] = await call({ kind: 'vision', url: `${repo}vision_model_quantized.onnx`, batch: BATCH, runs: RUNS, threads: THREADS });
    worker.terminate();
    return out;
  }, { RUNS, BATCH, ROWS, THREADS });
} finally {
  await browser.close();
  await server.close();
}
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const summary = {
  threads: THREADS,
  matmulPeakGflops: +(MATMUL_FLOP / (median(res.matmul) / 1000) / 1e9).toFixed(2),
  'vision fp32': { imagesPerS: +(BATCH / (median(res['vision fp32']) / 1000)).toFixed(2), gflops: +((VISION_FLOP * BATCH) / (median(res['vision fp32']) / 1000) / 1e9).toFixed(2) },
  'vision q8': { imagesPerS: +(BATCH / (median(res['vision q8']) / 1000)).toFixed(2), gflopsEquivalent: +((VISION_FLOP * BATCH) / (median(res['vision q8']) / 1000) / 1e9).toFixed(2) },
  visionGflopPerImage: +(VISION_FLOP / 1e9).toFixed(2),
  rawMs: res,
};
console.log(JSON.stringify(summary, null, 1));
writeFileSync(resolve(root, 'bench/scale/ceiling.json'), JSON.stringify({ date: new Date().toISOString(), command: `node bench/scale/ceiling.mjs ${argv.join(' ')}`.trim(), machine: `${os.cpus().length} cores, shared`, batch: BATCH, runs: RUNS, ...summary }, null, 1) + '\n');
