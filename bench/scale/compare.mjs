// Real scale, three ways in one browser: omni-embed vs transformers.js on the same full-size CLIP
// ViT-B/32 replica files (tools/replicas/) vs raw onnxruntime-web with no library (the ceiling),
// WASM, fp32 and q8, every setup one worker with every core as an ORT thread. Per setup: cold and
// warm start to the first text vector, images/s, texts/s on captions of mixed length (5–77 tokens),
// one-query latency and peak page+workers memory. Start-up and memory: one library per page;
// throughput and latency: all three in one page, in alternating rounds (a ratio needs both sides
// measured under the same load, and this machine's load shifts by the minute).
//   node scripts/build.mjs && node bench/scale/compare.mjs [--model clip|clap] [--runs 1] [--rounds 3] [--only fp32,q8] [--libs omni,tjs,raw] [--device wasm|webgpu] [--images 16] [--texts 64] [--incognito] [--start-only] [--port 4612] [--out bench/scale/compare.json]
//   → bench/scale/compare.json (the table in docs/benchmarks.md is written from it by hand)
import { chromium } from 'playwright-core';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Tokenizer } from '@huggingface/tokenizers';
import { startServer } from '../../tests/server/server.mjs';
import { chromiumLaunchOptions } from '../../tests/helpers/chromium.mjs';
import { buildTjs, tjsVersions } from '../embed/build-tjs.mjs';
import { snapshotOmni } from '../embed/snapshot.mjs';

const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const argv = process.argv.slice(2);
const arg = (name, def) => { const i = argv.indexOf(`--${name}`); return i >= 0 ? argv[i + 1] : def; };
// --model clap: the audio row (clips/s on the CLAP replica), a workload of its own: compare-audio.mjs.
if (arg('model', 'clip') === 'clap') {
  await import('./compare-audio.mjs');
  process.exit(0);
}
const RUNS = Number(arg('runs', '1'));
const DTYPES = arg('only', 'fp32,q8').split(',');
const LIBS = arg('libs', 'omni,tjs,raw').split(',');
const THREADS = os.cpus().length;
// --device webgpu: every setup on the WebGPU EP. Here that is SwiftShader, a CPU emulation of a
// GPU: its rows say the path works at this scale and nothing about a real GPU's speed.
const DEVICE = arg('device', 'wasm');
const N = { images: Number(arg('images', '16')), texts: Number(arg('texts', '64')), queries: 5 };
const REPO = 'Xenova/clip-vit-base-patch32';
const SUFFIX = { fp32: '', q8: '_quantized' };
const log = (...a) => console.log(`[bench:compare ${new Date().toISOString().slice(11, 19)}]`, ...a);
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };

// Captions of realistic, mixed length: 5 to 77 tokens, skewed short as queries are.
const WORDS = 'a photo of the small red dog running across green grass in a park near an old stone bridge while two children watch from a wooden bench under tall trees on a sunny afternoon with clouds'.split(' ');
function captions(n) {
  let s = 777;
  const rnd = () => ((s = (s * 16807) % 2147483647) / 2147483647);
  return Array.from({ length: n }, () => Array.from({ length: 1 + Math.floor(rnd() ** 3 * 30) }, () => WORDS[Math.floor(rnd() * WORDS.length)]).join(' '));
}

execFileSync('/usr/bin/python3', ['tools/replicas/make.py', '--scale', 'full', '--variants=,_quantized'], { cwd: root, stdio: 'inherit' });
await snapshotOmni();
await buildTjs();
const dir = resolve(root, '.replicas/full', REPO);
const tokenizer = new Tokenizer(JSON.parse(readFileSync(resolve(dir, 'tokenizer.json'), 'utf8')), JSON.parse(readFileSync(resolve(dir, 'tokenizer_config.json'), 'utf8')));
const texts = captions(N.texts);
const ids = texts.map((t) => (tokenizer.encode(t).ids).slice(0, 77));
const lengths = ids.map((r) => r.length);
log(`captions: ${Math.min(...lengths)}–${Math.max(...lengths)} tokens, median ${median(lengths)}`);

const server = await startServer({ port: Number(arg('port', '4612')) });
const LAUNCH = chromiumLaunchOptions({ webgpu: DEVICE === 'webgpu', measureMemory: true });
const browser = await chromium.launch(LAUNCH);
// Start-up runs in a fresh persistent profile per library, as a user's browser is: in an
// off-the-record context (browser.newContext(), --incognito) Chromium refuses Cache API entries
// over about 256 MB (bench/scale/cache-entry-limit.mjs: 254 MB stores, 270 MB fails), so CLIP fp32's
// 351 MB vision graph is never cached there and every "warm" start downloads it again.
const INCOGNITO = argv.includes('--incognito');
// --start-only: each library's page stops at its first vector (no throughput or memory rows), so several
// alternating runs fit: on SwiftShader one start varies by seconds with the machine's load.
const START_ONLY = argv.includes('--start-only');
async function freshContext() {
  if (INCOGNITO) return browser.newContext();
  const dir = mkdtempSync(resolve(os.tmpdir(), 'omni-bench-profile-'));
  const context = await chromium.launchPersistentContext(dir, LAUNCH);
  const close = context.close.bind(context);
  context.close = async () => { await close(); rmSync(dir, { recursive: true, force: true }); };
  return context;
}
const images = JSON.parse(readFileSync(resolve(root, 'data/heldout/index.json'), 'utf8')).items.filter((i) => i.files?.image).slice(0, N.images).map((i) => i.files.image);

async function library(page, lib, dtype, phase) {
  return page.evaluate(async ({ lib, dtype, texts, images, n, threads, phase, origin, repo, device, startOnly }) => {
    const B = await import('/bench/embed/harness.js');
    await B.loadInputs({ captions: texts, images, audio: [] });
    const mem = async () => (await performance.measureUserAgentSpecificMemory()).bytes;
    let peak = await mem();
    const sample = async () => { peak = Math.max(peak, await mem()); };
    const hub = { model: 'clip-vit-base-patch32', host: `${origin}/replicas/full`, localModelPath: '/replicas/full/', modelId: repo, maxLength: 77 };
    const name = lib === 'omni' ? 'omni' : 'tjs';
    const t0 = performance.now();
    await B.create(name, { device, dtype, workers: 1, threads, hub, batch: { text: n.texts, image: n.images } });
    await B.throughput(name, 'text', 1);
    const start = performance.now() - t0;
    if (phase === 'cold' || startOnly) { await B.dispose(name); return { start }; }
    await B.warm(name, 'image', 1);
    await sample();
    const img = await B.throughput(name, 'image', n.images);
    await sample();
    const txt = await B.throughput(name, 'text', n.texts);
    await sample();
    const q = await B.latency(name, 'text', n.queries);
    await sample();
    await B.dispose(name);
    return { start, imagesPerS: img.perSec, textsPerS: txt.perSec, queryMs: q.sort((a, b) => a - b)[q.length >> 1], peakMB: peak / 1e6, longTasks: img.longTasks + txt.longTasks };
  }, { lib, dtype, texts, images, n: N, threads: THREADS, phase, origin: server.origin, repo: REPO, device: DEVICE, startOnly: START_ONLY });
}

async function raw(page, dtype, phase) {
  return page.evaluate(async ({ dtype, ids, n, threads, suffix, repo, phase, device, startOnly }) => {
    const mem = async () => (await performance.measureUserAgentSpecificMemory()).bytes;
    const w = new Worker('/bench/scale/raw-worker.js', { type: 'module' });
    const call = (msg) => new Promise((res, rej) => { w.onmessage = ({ data }) => (data.ok ? res(data) : rej(new Error(data.error))); w.postMessage(msg); });
    const base = `/replicas/full/${repo}/resolve/main/onnx/`;
    const t0 = performance.now();
    await call({ op: 'init', threads, device, files: { text: `${base}text_model${suffix}.onnx`, vision: `${base}vision_model${suffix}.onnx` } });
    await call({ kind: 'text', batches: [ids.slice(0, 1)], padId: 49407 });
    const start = performance.now() - t0;
    if (phase === 'cold' || startOnly) { w.terminate(); return { start }; }
    await call({ kind: 'vision', sizes: [1] });
    const img = await call({ kind: 'vision', sizes: [n.images] });
    const txt = await call({ kind: 'text', batches: [ids], padId: 49407 });
    const q = [];
    for (let i = 0; i < n.queries; i++) q.push((await call({ kind: 'text', batches: [ids.slice(i, i + 1)], padId: 49407 })).ms);
    const peakMB = (await mem()) / 1e6;
    w.terminate();
    return { start, imagesPerS: n.images / (img.ms / 1000), textsPerS: ids.length / (txt.ms / 1000), queryMs: q.sort((a, b) => a - b)[q.length >> 1], peakMB };
  }, { dtype, ids, n: N, threads: THREADS, suffix: SUFFIX[dtype], repo: REPO, phase, device: DEVICE, startOnly: START_ONLY });
}

/**
 * Throughput in one page with every library loaded, measured in alternating rounds: on a shared
 * machine the load shifts by the minute, and only measurements taken side by side make a ratio.
 */
async function sideBySide(page, dtype, rounds) {
  return page.evaluate(async ({ dtype, texts, ids, images, n, threads, suffix, repo, origin, rounds, libs, device }) => {
    const B = await import('/bench/embed/harness.js');
    await B.loadInputs({ captions: texts, images, audio: [] });
    const hub = { model: 'clip-vit-base-patch32', host: `${origin}/replicas/full`, localModelPath: '/replicas/full/', modelId: repo, maxLength: 77 };
    const w = new Worker('/bench/scale/raw-worker.js', { type: 'module' });
    const call = (msg) => new Promise((res, rej) => { w.onmessage = ({ data }) => (data.ok ? res(data) : rej(new Error(data.error))); w.postMessage(msg); });
    const base = `/replicas/full/${repo}/resolve/main/onnx/`;
    const run = {
      raw: {
        images: async () => n.images / ((await call({ kind: 'vision', sizes: [n.images] })).ms / 1000),
        texts: async () => ids.length / ((await call({ kind: 'text', batches: [ids], padId: 49407 })).ms / 1000),
        query: async () => (await call({ kind: 'text', batches: [ids.slice(0, 1)], padId: 49407 })).ms,
      },
    };
    for (const lib of ['omni', 'tjs'].filter((l) => libs.includes(l))) {
      await B.create(lib, { device, dtype, workers: 1, threads, hub, batch: { text: n.texts, image: n.images } });
      await B.warm(lib, 'image', 1);
      await B.warm(lib, 'text', 1);
      run[lib] = {
        images: async () => (await B.throughput(lib, 'image', n.images)).perSec,
        texts: async () => (await B.throughput(lib, 'text', n.texts)).perSec,
        query: async () => (await B.latency(lib, 'text', 1))[0],
      };
    }
    if (libs.includes('raw')) {
      await call({ op: 'init', threads, device, files: { text: `${base}text_model${suffix}.onnx`, vision: `${base}vision_model${suffix}.onnx` } });
      await call({ kind: 'vision', sizes: [1] });
    } else delete run.raw;
    const out = Object.fromEntries(Object.keys(run).map((l) => [l, { imagesPerS: [], textsPerS: [], queryMs: [] }]));
    const order = Object.keys(run);
    for (let r = 0; r < rounds; r++) {
      for (const lib of r % 2 ? [...order].reverse() : order) {
        out[lib].imagesPerS.push(await run[lib].images());
        out[lib].textsPerS.push(await run[lib].texts());
        for (let q = 0; q < n.queries; q++) out[lib].queryMs.push(await run[lib].query());
      }
    }
    w.terminate();
    for (const lib of ['omni', 'tjs']) if (run[lib]) await B.dispose(lib);
    return out;
  }, { dtype, texts, ids, images, n: N, threads: THREADS, suffix: SUFFIX[dtype], repo: REPO, origin: server.origin, rounds, libs: LIBS, device: DEVICE });
}

const ROUNDS = Number(arg('rounds', '3'));
const results = {};
const side = {};
try {
  for (let run = 0; run < RUNS; run++) {
    for (const dtype of DTYPES) {
      const order = run % 2 ? [...LIBS].reverse() : LIBS;
      // Start-up and peak memory: one library per page, as an app would have it.
      for (const lib of order) {
        // Cold: a fresh profile (no Cache API, no HTTP cache); warm: a second page in it.
        const context = await freshContext();
        const r = {};
        for (const phase of ['cold', 'warm']) {
          const page = await context.newPage();
          await page.goto(`${server.origin}/bench/embed/page.html`);
          const x = lib === 'raw' ? await raw(page, dtype, phase) : await library(page, lib, dtype, phase);
          if (phase === 'cold') r.coldStart = x.start; else Object.assign(r, { coldStart: r.coldStart, warmStart: x.start, peakMB: x.peakMB, longTasks: x.longTasks });
          await page.close();
        }
        await context.close();
        log(`run ${run + 1} ${dtype} ${lib} start/memory`, JSON.stringify(Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v === undefined ? null : +v.toFixed(2)]))));
        ((results[dtype] ??= {})[lib] ??= []).push(r);
      }
      if (ROUNDS === 0 || START_ONLY) continue; // --rounds 0: start-up and memory only
      const page = await browser.newPage();
      await page.goto(`${server.origin}/bench/embed/page.html`);
      const t = await sideBySide(page, dtype, ROUNDS);
      await page.close();
      for (const [lib, m] of Object.entries(t)) {
        log(`run ${run + 1} ${dtype} ${lib} side by side`, JSON.stringify(Object.fromEntries(Object.entries(m).map(([k, v]) => [k, v.map((x) => +x.toFixed(2))]))));
        for (const [k, v] of Object.entries(m)) (((side[dtype] ??= {})[lib] ??= {})[k] ??= []).push(...v);
      }
    }
  }
} finally {
  await browser.close();
  await server.close();
}

const summary = {};
for (const [dtype, libs] of Object.entries(results)) {
  for (const [lib, rs] of Object.entries(libs)) {
    const m = (k) => (rs[0][k] === undefined ? null : +median(rs.map((r) => r[k])).toFixed(2));
    const t = side[dtype]?.[lib] ?? {};
    (summary[dtype] ??= {})[lib] = {
      ...Object.fromEntries(['coldStart', 'warmStart', 'peakMB', 'longTasks'].map((k) => [k, m(k)])),
      ...Object.fromEntries(['imagesPerS', 'textsPerS', 'queryMs'].map((k) => [k, t[k] ? +median(t[k]).toFixed(2) : null])),
    };
  }
  const s = summary[dtype];
  const ratio = (a, b) => (a && b ? +(a / b).toFixed(2) : null);
  s.ratios = {
    'images omni/raw': ratio(s.omni?.imagesPerS, s.raw?.imagesPerS), 'texts omni/raw': ratio(s.omni?.textsPerS, s.raw?.textsPerS),
    'images omni/tjs': ratio(s.omni?.imagesPerS, s.tjs?.imagesPerS), 'texts omni/tjs': ratio(s.omni?.textsPerS, s.tjs?.textsPerS),
    'query tjs/omni': ratio(s.tjs?.queryMs, s.omni?.queryMs), 'warm start omni/tjs': ratio(s.omni?.warmStart, s.tjs?.warmStart),
    'peak memory omni/tjs': ratio(s.omni?.peakMB, s.tjs?.peakMB),
    // Pairs from the same run: the spread says how much one run's ratio can be trusted.
    'warm start omni/tjs per run': libs.omni && libs.tjs ? libs.omni.map((o, i) => ratio(o.warmStart, libs.tjs[i]?.warmStart)) : null,
  };
}
console.log(JSON.stringify(summary, null, 1));
writeFileSync(resolve(root, arg('out', 'bench/scale/compare.json')), JSON.stringify({
  date: new Date().toISOString(), command: `node bench/scale/compare.mjs ${argv.join(' ')}`.trim(),
  profile: INCOGNITO ? 'off-the-record context per library (browser.newContext)' : 'fresh persistent profile per library',
  machine: `${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB; load average at start ${os.loadavg()[0].toFixed(1)}`,
  versions: tjsVersions(), model: `${REPO} replica (tools/replicas, seed 0), ${DEVICE === 'webgpu' ? 'WebGPU (SwiftShader here: a CPU emulation, not a GPU)' : 'WASM'}, 1 worker × ${THREADS} threads for every setup`,
  n: { ...N, rounds: ROUNDS, captionTokens: { min: Math.min(...lengths), median: median(lengths), max: Math.max(...lengths) } }, summary, startMemory: results, sideBySide: side,
}, null, 1) + '\n');
