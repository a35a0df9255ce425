// Real-scale runs of omni-embed on the full-size CLIP ViT-B/32 replicas (tools/replicas/), WASM:
// peak page+workers memory (measureUserAgentSpecificMemory), time to ready, images/s and texts/s
// (captions of mixed lengths) for fp32 and q8 with 1 and 2 workers. Not part of npm test:
//   node bench/scale/run.mjs [--runs 2] [--port 4610] [--only fp32,q8] [--workers 1,2] [--images 16] [--texts 64]
//                            [--builds dist/browser,bench/.out/scale-before] [--out bench/scale/results.json] [--no-write]
// --builds compares library builds (folders with index.js + workers/) setup by setup, in one browser.
// Generates the replicas first (cached), serves them in the hub layout, alternates the setups run
// by run, and writes bench/scale/results.json. Build the library first: `node scripts/build.mjs`.
import { chromium } from 'playwright-core';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from '../../tests/server/server.mjs';
import { chromiumLaunchOptions } from '../../tests/helpers/chromium.mjs';

const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const argv = process.argv.slice(2);
const arg = (name, def) => { const i = argv.indexOf(`--${name}`); return i >= 0 ? argv[i + 1] : def; };
const RUNS = Number(arg('runs', '2'));
const PORT = Number(arg('port', '4610'));
const DTYPES = arg('only', 'fp32,q8').split(',');
const WORKERS = arg('workers', '1,2').split(',').map(Number);
const BUILDS = arg('builds', 'dist/browser').split(',');
const OUT = arg('out', 'bench/scale/results.json');
const N = { images: Number(arg('images', '16')), texts: Number(arg('texts', '64')) };
const log = (...a) => console.log(`[bench:scale ${new Date().toISOString().slice(11, 19)}]`, ...a);
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };

// Realistic caption lengths, 5 to 77 tokens: short labels to long descriptive sentences.
const WORDS = 'a photo of the small red dog running across green grass in a park near an old stone bridge while two children watch from a wooden bench under tall trees on a sunny afternoon with clouds'.split(' ');
function captions(n) {
  let s = 12345;
  const rnd = () => ((s = (s * 16807) % 2147483647) / 2147483647);
  return Array.from({ length: n }, () => {
    const len = 3 + Math.floor(rnd() ** 2 * 55); // skewed to short, as real queries are
    return Array.from({ length: len }, () => WORDS[Math.floor(rnd() * WORDS.length)]).join(' ');
  });
}

log('generating replicas (cached)');
execFileSync('/usr/bin/python3', ['tools/replicas/make.py', '--scale', 'full', '--variants=,_quantized'], { cwd: root, stdio: 'inherit' });

const server = await startServer({ port: PORT });
const browser = await chromium.launch(chromiumLaunchOptions({ measureMemory: true }));
const host = `${server.origin}/replicas/full`;
const texts = captions(N.texts);

async function once(dtype, workers, build) {
  const page = await browser.newPage();
  await page.goto(`${server.origin}/tests/pages/blank.html`);
  const r = await page.evaluate(async ({ host, dtype, workers, texts, images, build }) => {
    const omni = await import(`/${build}/index.js`);
    const mem = async () => (await performance.measureUserAgentSpecificMemory()).bytes;
    const blobs = [];
    for (let i = 0; i < images; i++) {
      const c = new OffscreenCanvas(320, 240);
      const g = c.getContext('2d');
      g.fillStyle = `hsl(${(i * 47) % 360} 70% 50%)`;
      g.fillRect(0, 0, 320, 240);
      g.fillStyle = '#fff';
      g.fillRect(20 + i * 7, 30, 80, 60 + i * 3);
      blobs.push(await c.convertToBlob({ type: 'image/png' }));
    }
    const base = await mem();
    let peak = base;
    const sample = async () => { peak = Math.max(peak, await mem()); };
    const t0 = performance.now();
    const e = await omni.createEmbedder({ model: 'clip-vit-base-patch32', host, dtype, device: 'wasm', workers });
    const ready = performance.now() - t0;
    await e.embed('warm up'); // first text run
    if (images > 0) await e.embed(blobs[0]); // first image run creates the vision session
    await sample();
    const t1 = performance.now();
    await Promise.all(blobs.map((b) => e.embed(b)));
    const imagesMs = performance.now() - t1;
    await sample();
    const t2 = performance.now();
    await Promise.all(texts.map((t) => e.embed(t)));
    const textsMs = performance.now() - t2;
    await sample();
    const q = [];
    for (let i = 0; i < 5; i++) { const t = performance.now(); await e.embed(texts[i]); q.push(performance.now() - t); }
    q.sort((a, b) => a - b);
    const info = e.info;
    await e.dispose();
    return { ready, imagesPerS: images ? images / (imagesMs / 1000) : null, textsPerS: texts.length / (textsMs / 1000), queryMs: q[2], peakBytes: peak, baseBytes: base, threads: info.threads, workers };
  }, { host, dtype, workers, texts, images: N.images, build });
  await page.close();
  return r;
}

const results = {};
for (let run = 0; run < RUNS; run++) {
  const setups = DTYPES.flatMap((d) => WORKERS.flatMap((w) => BUILDS.map((b) => [d, w, b])));
  if (run % 2) setups.reverse(); // alternate the order: the machine is shared
  for (const [dtype, workers, build] of setups) {
    const key = `${dtype} ${workers}w${BUILDS.length > 1 ? ` ${build}` : ''}`;
    log(`run ${run + 1}/${RUNS}: ${key}`);
    const r = await once(dtype, workers, build);
    log(key, JSON.stringify({ ...r, peakMB: Math.round(r.peakBytes / 1e6) }));
    (results[key] ??= []).push(r);
  }
}
await browser.close();
await server.close();

const summary = Object.fromEntries(Object.entries(results).map(([k, rs]) => [k, {
  runs: rs.length,
  readyMs: Math.round(median(rs.map((r) => r.ready))),
  imagesPerS: rs[0].imagesPerS === null ? null : +median(rs.map((r) => r.imagesPerS)).toFixed(2),
  textsPerS: +median(rs.map((r) => r.textsPerS)).toFixed(2),
  queryMs: Math.round(median(rs.map((r) => r.queryMs))),
  peakMB: Math.round(median(rs.map((r) => r.peakBytes)) / 1e6),
  peakMBRange: [Math.round(Math.min(...rs.map((r) => r.peakBytes)) / 1e6), Math.round(Math.max(...rs.map((r) => r.peakBytes)) / 1e6)],
  threadsPerWorker: rs[0].threads,
}]));
console.table(summary);
if (!argv.includes('--no-write')) {
  writeFileSync(resolve(root, OUT), JSON.stringify({
    date: new Date().toISOString(), command: `node bench/scale/run.mjs ${argv.join(' ')}`.trim(), machine: `${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, shared with other sessions`,
    model: 'Xenova/clip-vit-base-patch32 replica (tools/replicas, seed 0), WASM', n: N, summary, raw: results,
  }, null, 2));
}
