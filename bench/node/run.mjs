// Server-side bulk embedding (omni-embed/node, onnxruntime-node, worker_threads) vs the browser SDK
// (Chromium, WASM, cross-origin isolated) on the same machine, the same model files and inputs:
//   node bench/node/run.mjs [--runs 3] [--quick] [--dtypes fp32,q8] [--no-write]
// Not part of npm test. Build first (node scripts/build.mjs). Runs alternate node/browser per
// workload (ABAB); reports median (min–max) items/s and the node ÷ browser ratio per adjacent pair.
// Writes bench/node/results.json and the table between <!-- node:start --> / <!-- node:end --> in docs/server.md.
import { chromium } from 'playwright-core';
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { startServer } from '../../tests/server/server.mjs';
import { chromiumLaunchOptions } from '../../tests/helpers/chromium.mjs';
import { createEmbedder } from '../../dist/node/index.js';

const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const argv = process.argv.slice(2);
const arg = (n, d) => { const i = argv.indexOf(`--${n}`); return i >= 0 ? argv[i + 1] : d; };
const QUICK = argv.includes('--quick');
const RUNS = Number(arg('runs', QUICK ? '1' : '3'));
const DTYPES = arg('dtypes', 'fp32,q8').split(',');
const N = QUICK ? { text: 100, image: 40, audio: 10, video: 8, omni: 10 } : { text: 600, image: 200, audio: 40, video: 30, omni: 40 };
const log = (...a) => console.log(`[bench:node ${new Date().toISOString().slice(11, 19)}]`, ...a);
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const stats = (xs) => ({ median: median(xs), min: Math.min(...xs), max: Math.max(...xs), values: xs.map((x) => +x.toFixed(2)) });

const items = JSON.parse(readFileSync(resolve(root, 'data/heldout/index.json'), 'utf8')).items;
const cycle = (xs, n) => Array.from({ length: n }, (_, i) => xs[i % xs.length]);
const SPECS = {
  text: cycle([...new Set(items.map((i) => i.caption))], N.text),
  image: cycle(items.filter((i) => i.kind === 'image').map((i) => i.files.image), N.image),
  audio: cycle(items.filter((i) => i.kind === 'audio').map((i) => i.files.audio), N.audio),
  video: cycle(items.filter((i) => i.kind === 'video').map((i) => i.files.frames_strip), N.video),
  omni: cycle(items.filter((i) => i.kind === 'omni' && i.files.image && i.files.audio).map((i) => ({ text: i.title ?? i.caption, image: i.files.image, audio: i.files.audio })), N.omni),
};

/** Node inputs, read before the clock starts (the browser's are fetched before it too). */
async function nodeInputs(kind) {
  const bytes = (p) => new Uint8Array(readFileSync(resolve(root, 'data/heldout', p)));
  const strip = async (p) => {
    const { data, info } = await sharp(resolve(root, 'data/heldout', p)).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
    return { frames: Array.from({ length: 8 }, (_, f) => {
      const out = new Uint8ClampedArray(64 * 64 * 4);
      for (let y = 0; y < 64; y++) out.set(data.subarray((y * info.width + f * 64) * 4, (y * info.width + f * 64 + 64) * 4), y * 256);
      return { data: out, width: 64, height: 64 };
    }) };
  };
  const s = SPECS[kind];
  if (kind === 'text') return s;
  if (kind === 'image' || kind === 'audio') return s.map(bytes);
  if (kind === 'video') return Promise.all(s.map(strip));
  return s.map((o) => ({ text: o.text, image: bytes(o.image), audio: bytes(o.audio) }));
}

async function nodeRun(embedder, kind) {
  const inputs = await nodeInputs(kind);
  const t = performance.now();
  await Promise.all(inputs.map((x) => embedder.embed(x)));
  return inputs.length / ((performance.now() - t) / 1000);
}

async function browserRun(page, kind) {
  return page.evaluate(async ({ kind, specs }) => {
    const E = window.embedder;
    const blob = (p) => fetch(`/data/heldout/${p}`).then((r) => r.blob());
    const strip = async (p) => {
      const sheet = await createImageBitmap(await blob(p));
      return { frames: await Promise.all(Array.from({ length: 8 }, (_, i) => createImageBitmap(sheet, 64 * i, 0, 64, 64))) };
    };
    const inputs = kind === 'text' ? specs
      : kind === 'image' || kind === 'audio' ? await Promise.all(specs.map(blob))
      : kind === 'video' ? await Promise.all(specs.map(strip))
      : await Promise.all(specs.map(async (o) => ({ text: o.text, image: await blob(o.image), audio: await blob(o.audio) })));
    const t = performance.now();
    await Promise.all(inputs.map((x) => E.embed(x)));
    return inputs.length / ((performance.now() - t) / 1000);
  }, { kind, specs: SPECS[kind] });
}

const server = await startServer({ port: 0 });
const browser = await chromium.launch(chromiumLaunchOptions());
const page = await browser.newPage();
await page.goto(`${server.origin}/tests/pages/blank.html`);
const results = {};
let nodeInfo, browserInfo;
for (const DTYPE of DTYPES) {
  browserInfo = await page.evaluate(async (dtype) => {
    const omni = await import('/dist/browser/index.js');
    await window.embedder?.dispose();
    // the repo's full folder: the package bundles q8 only
    window.embedder = await omni.createEmbedder({ device: 'wasm', dtype, modelUrl: '/models/omni-tiny/' });
    return { ...window.embedder.info, crossOriginIsolated, cores: navigator.hardwareConcurrency };
  }, DTYPE);
  const node = await createEmbedder({ dtype: DTYPE, modelDir: 'models/omni-tiny' });
  nodeInfo = node.info;
  log(DTYPE, 'node', JSON.stringify({ workers: nodeInfo.workers, threadsPerWorker: nodeInfo.threadsPerWorker }), 'browser', JSON.stringify({ workers: browserInfo.workers, threads: browserInfo.threads, isolated: browserInfo.crossOriginIsolated }));
  for (const kind of Object.keys(SPECS)) {
    // Warm-up: sessions created, code paths compiled, on both sides.
    await nodeRun(node, kind);
    await browserRun(page, kind);
    const n = [], b = [];
    for (let r = 0; r < RUNS; r++) {
      if (r % 2 === 0) { n.push(await nodeRun(node, kind)); b.push(await browserRun(page, kind)); }
      else { b.push(await browserRun(page, kind)); n.push(await nodeRun(node, kind)); }
    }
    const key = `${kind} ${DTYPE}`;
    results[key] = { kind, dtype: DTYPE, items: SPECS[kind].length, node: stats(n), browser: stats(b), ratio: stats(n.map((x, i) => x / b[i])) };
    log(key, `node ${results[key].node.median.toFixed(1)}/s`, `browser ${results[key].browser.median.toFixed(1)}/s`, `ratio ${results[key].ratio.median.toFixed(2)}×`);
  }
  await node.dispose();
}
await browser.close();
await server.close();

const env = {
  date: new Date().toISOString(), dtypes: DTYPES, runs: RUNS, cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, loadavg: os.loadavg().map((x) => +x.toFixed(1)), node: process.version,
  nodeSetup: `${nodeInfo.workers} worker threads × ${nodeInfo.threadsPerWorker} ORT thread(s), onnxruntime-node`,
  browserSetup: `Chromium ${browser.version()}, ${browserInfo.workers ?? '?'} workers × ${browserInfo.threads} WASM thread(s), crossOriginIsolated=${browserInfo.crossOriginIsolated}`,
};
const fmt = (s) => `${s.median.toFixed(1)} (${s.min.toFixed(1)}–${s.max.toFixed(1)})`;
const table = [
  `Machine: ${env.cpus} cores (${env.cpuModel}), shared with other jobs (load average ${env.loadavg.join(', ')} at the end); ${env.date.slice(0, 16)}Z, ${RUNS} alternating runs per side after a warm-up.`,
  `Node: ${env.nodeSetup}. Browser: ${env.browserSetup}.`,
  '',
  '| Workload | dtype | Items per run | omni-embed/node (items/s) | browser SDK, WASM (items/s) | node ÷ browser |',
  '|---|---|---:|---:|---:|---:|',
  ...Object.values(results).map((r) => `| ${r.kind} | ${r.dtype} | ${r.items} | ${fmt(r.node)} | ${fmt(r.browser)} | ${r.ratio.median.toFixed(2)}× (${r.ratio.min.toFixed(2)}–${r.ratio.max.toFixed(2)}) |`),
].join('\n');
console.log(table);
if (!argv.includes('--no-write')) {
  writeFileSync(resolve(root, 'bench/node/results.json'), JSON.stringify({ env, results }, null, 2));
  const doc = resolve(root, 'docs/server.md');
  const text = readFileSync(doc, 'utf8');
  const start = '<!-- node:start -->', end = '<!-- node:end -->';
  if (text.includes(start)) writeFileSync(doc, text.slice(0, text.indexOf(start) + start.length) + `\n${table}\n` + text.slice(text.indexOf(end)));
}
