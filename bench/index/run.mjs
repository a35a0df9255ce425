// Vector index benchmark (not part of npm test):
//   node scripts/build.mjs && node bench/index/run.mjs [--sizes 100000,1000000] [--runs 7] [--gpu-runs 3] [--gpu-budget-s 240]
// Times exact top-10 over N vectors of 256 dims (float32 and int8 storage, CPU and WebGPU paths) in
// headless Chromium, against a baseline: copying the same number of bytes the search scans, in the
// same page (TypedArray.set). ratio = search time / copy time. Writes bench/index/results.json and the
// table between <!-- index:start --> and <!-- index:end --> in docs/benchmarks.md.
import { chromium } from 'playwright-core';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import { startServer } from '../../tests/server/server.mjs';

const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : def;
};
const SIZES = arg('sizes', '100000,1000000').split(',').map(Number);
const STORAGES = arg('storages', 'float32,int8').split(',');
const RUNS = Number(arg('runs', '7'));
const GPU_RUNS = Number(arg('gpu-runs', '3'));
const GPU_BUDGET_S = Number(arg('gpu-budget-s', '240'));
const DIMS = 256;
const K = 10;

if (!existsSync(resolve(root, 'dist/browser/index.js'))) {
  console.error('dist/browser/index.js missing: run `node scripts/build.mjs` first');
  process.exit(1);
}

const server = await startServer();
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--enable-unsafe-webgpu', '--no-sandbox', '--disable-background-networking', '--no-first-run', '--js-flags=--max-old-space-size=8192'],
});
const page = await browser.newPage();
page.on('console', (m) => m.type() === 'error' && console.error('page:', m.text()));
page.on('pageerror', (e) => console.error('page error:', e));
await page.goto(`${server.origin}/tests/pages/blank.html`);

const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  if (!s.length) return null;
  const med = s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  return { median: med, min: s[0], max: s[s.length - 1], runs: s.length, all: xs };
};

const results = [];
let gpuInfo = null;
for (const n of SIZES) {
  for (const storage of STORAGES) {
    console.log(`building ${n} × ${DIMS} ${storage} ...`);
    const built = await page.evaluate(
      async ({ n, storage, DIMS }) => {
        const m = await import('/dist/browser/index.js');
        if (window.__idx) await window.__idx.dispose();
        window.__idx = null;
        const idx = await m.createIndex({ dims: DIMS, storage, device: 'auto', capacity: n });
        let s = 0x9e3779b9 ^ n;
        const rnd = () => {
          s ^= s << 13; s ^= s >>> 17; s ^= s << 5;
          return ((s >>> 0) / 4294967296) - 0.5;
        };
        const t0 = performance.now();
        const CH = 20000;
        for (let b = 0; b < n; b += CH) {
          const items = [];
          for (let i = b; i < Math.min(n, b + CH); i++) {
            const v = new Float32Array(DIMS);
            for (let j = 0; j < DIMS; j++) v[j] = rnd();
            items.push({ id: `v${i}`, vector: v });
          }
          await idx.add(items);
        }
        window.__idx = idx;
        window.__queries = Array.from({ length: 16 }, () => Float32Array.from({ length: DIMS }, rnd));
        // Bytes one search scans: float32 rows, or the int8 plane + one f32 scale per row.
        window.__scanBytes = storage === 'float32' ? n * DIMS * 4 : n * DIMS + n * 4;
        return { addMs: performance.now() - t0, count: idx.count };
      },
      { n, storage, DIMS },
    );
    console.log(`  added in ${(built.addMs / 1000).toFixed(1)} s`);

    const copy = await page.evaluate(async ({ RUNS }) => {
      const bytes = window.__scanBytes;
      const src = new Uint8Array(bytes);
      for (let i = 0; i < bytes; i += 4096) src[i] = i & 255;
      const dst = new Uint8Array(bytes);
      dst.set(src); // warm: page in both buffers
      const t = [];
      for (let r = 0; r < RUNS; r++) {
        const t0 = performance.now();
        dst.set(src);
        t.push(performance.now() - t0);
      }
      return { bytes, t };
    }, { RUNS });

    const row = { n, dims: DIMS, k: K, storage, bytesScanned: copy.bytes, addMs: built.addMs, copy: stats(copy.t), cpu: null, gpu: null };
    for (const device of ['cpu', 'gpu']) {
      console.log(`  ${device} search ...`);
      const runs = device === 'gpu' ? GPU_RUNS : RUNS;
      const res = await page.evaluate(
        async ({ device, runs, K, budgetMs }) => {
          const idx = window.__idx;
          const qs = window.__queries;
          try {
            // Warm-up (for the GPU: pipeline compile + uploading every row): not counted.
            const w0 = performance.now();
            const warm = await idx.search(qs[0], { k: K, device });
            const warmMs = performance.now() - w0;
            const t = [];
            let ids = warm.map((r) => r.id);
            const start = performance.now();
            for (let r = 0; r < runs; r++) {
              if (r > 0 && performance.now() - start > budgetMs) break;
              const t0 = performance.now();
              const out = await idx.search(qs[1 + (r % 15)], { k: K, device });
              t.push(performance.now() - t0);
              if (r === 0) ids = out.map((x) => x.id);
            }
            return { warmMs, t, ids, info: idx.gpuInfo };
          } catch (e) {
            return { error: String(e) };
          }
        },
        { device, runs, K, budgetMs: device === 'gpu' ? GPU_BUDGET_S * 1000 : 600_000 },
      );
      if (res.error) {
        console.log(`    failed: ${res.error}`);
        row[device] = { error: res.error };
        continue;
      }
      if (device === 'gpu' && res.info) gpuInfo = res.info;
      row[device] = { warmupMs: res.warmMs, ...stats(res.t), ids: res.ids };
      const st = row[device];
      console.log(`    median ${st.median?.toFixed(1)} ms over ${st.runs} runs (warm-up ${res.warmMs.toFixed(0)} ms)`);
    }
    if (row.cpu?.ids && row.gpu?.ids) row.sameIds = JSON.stringify(row.cpu.ids) === JSON.stringify(row.gpu.ids);
    for (const d of ['cpu', 'gpu']) if (row[d]?.median) row[d].ratio = row[d].median / row.copy.median;
    results.push(row);
  }
}
await page.evaluate(async () => window.__idx && (await window.__idx.dispose()));

const env = {
  date: new Date().toISOString(),
  cpu: os.cpus()[0]?.model ?? 'unknown',
  cores: os.cpus().length,
  memGiB: Math.round(os.totalmem() / 2 ** 30),
  platform: `${os.platform()} ${os.release()}`,
  node: process.version,
  browser: `Chromium ${browser.version()} (headless, --enable-unsafe-webgpu)`,
  gpu: gpuInfo,
};
await browser.close();
await server.close();

writeFileSync(resolve(root, 'bench/index/results.json'), JSON.stringify({ env, dims: DIMS, k: K, results }, null, 2) + '\n');

const fmt = (x) => (x == null ? '—' : x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
const cell = (st) => (!st ? '—' : st.error ? `failed (${st.error.slice(0, 40)})` : `${fmt(st.median)} ms (${fmt(st.min)}–${fmt(st.max)}, ${st.runs} runs)`);
const lines = [];
lines.push('<!-- index:start -->');
lines.push('## Vector index: exact top-10 (256 dims)');
lines.push('');
lines.push(`Command: \`node scripts/build.mjs && node bench/index/run.mjs\` (results in \`bench/index/results.json\`).`);
lines.push(`Machine: ${env.cpu}, ${env.cores} cores, ${env.memGiB} GiB, ${env.platform}; ${env.browser}; WebGPU adapter: ${env.gpu ? `${env.gpu.vendor || '?'} / ${env.gpu.architecture || '?'}${env.gpu.description ? ` (${env.gpu.description})` : ''}, fallback adapter: ${env.gpu.isFallbackAdapter}` : 'none'}. ${env.date.slice(0, 10)}.`);
lines.push('');
lines.push('Each cell: median (min–max, runs) of one search, after one warm-up search that is not counted (on the GPU the warm-up includes shader compile and uploading every row). Baseline: `Uint8Array.prototype.set` copying as many bytes as the search scans (float32: N·256·4; int8: the int8 plane + scales, N·260), in the same page; **ratio = search / copy** (1.0 would be a search as fast as reading the data once).');
lines.push('');
lines.push('| N | storage | bytes scanned | copy | CPU search | CPU ratio | GPU search | GPU ratio | same ids |');
lines.push('|---|---|---|---|---|---|---|---|---|');
for (const r of results) {
  lines.push(`| ${r.n.toLocaleString('en-US')} | ${r.storage} | ${(r.bytesScanned / 2 ** 20).toFixed(0)} MiB | ${cell(r.copy)} | ${cell(r.cpu)} | ${fmt(r.cpu?.ratio)} | ${cell(r.gpu)} | ${fmt(r.gpu?.ratio)} | ${r.sameIds === undefined ? '—' : r.sameIds ? 'yes' : 'NO'} |`);
}
lines.push('');
lines.push('The GPU here is SwiftShader (a CPU emulation of WebGPU, `isFallbackAdapter: true`), so the GPU column measures correctness-grade software rendering, not a real GPU; with `device: "auto"` the index never picks a fallback adapter. The int8 search includes rescoring the best 40 candidates with the residual plane.');
lines.push('<!-- index:end -->');
const section = lines.join('\n');
const docPath = resolve(root, 'docs/benchmarks.md');
let doc = existsSync(docPath) ? readFileSync(docPath, 'utf8') : '';
const re = /<!-- index:start -->[\s\S]*?<!-- index:end -->/;
doc = re.test(doc) ? doc.replace(re, section) : (doc ? doc.replace(/\n*$/, '\n\n') : '') + section + '\n';
writeFileSync(docPath, doc);
console.log(section);
