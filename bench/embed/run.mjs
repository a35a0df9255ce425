// omni-embed vs transformers.js, same model files, same browser, same page (not part of npm test):
//   node bench/embed/run.mjs [--runs 5] [--quick] [--only wasm,webgpu,latency,start,memory] [--port 4600] [--no-write]
// Builds transformers.js's web build into bench/.out/tjs, snapshots dist/browser (build it first with
// `node scripts/build.mjs`) into bench/.out/omni so concurrent rebuilds cannot change it mid-run,
// serves the repo on 127.0.0.1 with COOP/COEP, and runs each workload in headless Chromium,
// alternating the two libraries run by run (ABBA order). Writes bench/embed/results.json and the
// table between <!-- embed:start --> and <!-- embed:end --> in docs/benchmarks.md.
import { chromium } from 'playwright-core';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import { startServer } from '../../tests/server/server.mjs';
import { chromiumLaunchOptions } from '../../tests/helpers/chromium.mjs';
import { buildTjs, tjsVersions } from './build-tjs.mjs';
import { snapshotOmni } from './snapshot.mjs';
import { renderMarkdown, writeSection } from './report.mjs';

const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const argv = process.argv.slice(2);
const arg = (name, def) => { const i = argv.indexOf(`--${name}`); return i >= 0 ? argv[i + 1] : def; };
const flag = (name) => argv.includes(`--${name}`);
const QUICK = flag('quick');
const RUNS = Number(arg('runs', QUICK ? '2' : '5'));
const PORT = Number(arg('port', process.env.BENCH_PORT ?? '4600'));
const GPU_RUNS = Number(arg('gpu-runs', QUICK ? '1' : '3'));
const ONLY = new Set(arg('only', 'wasm,webgpu,latency,start,memory').split(','));
const WRITE = !flag('no-write');

// Workload sizes. WebGPU here is SwiftShader (a CPU emulation of a GPU), so its counts are reduced.
const N = QUICK
  ? { wasm: { text: 200, image: 60, audio: 20 }, webgpu: { text: 20, image: 8, audio: 0 }, latency: 5, mem: [100, 1000] }
  : { wasm: { text: 1000, image: 300, audio: 100 }, webgpu: { text: Number(arg('gpu-text', '40')), image: Number(arg('gpu-image', '16')), audio: Number(arg('gpu-audio', '0')) }, latency: 15, mem: [100, Number(arg('mem-max', '10000'))] };

const LIBS = ['omni', 'tjs'];
// transformers.js setups. 'tjs' (the reference everywhere): a pool of one worker per core, one ORT
// thread each. Throughput also runs 'tjs-1w2t' (one worker, ORT threads = cores: transformers.js's
// usual setup) and reports each ratio against whichever setup was faster for that workload.
const TJS_SETUPS = { tjs: { workers: os.cpus().length, threads: 1 }, 'tjs-1w2t': { workers: 1, threads: os.cpus().length } };
const optsFor = (lib, device, extra = {}) => ({ device, dtype: 'fp32', ...(TJS_SETUPS[lib] ?? {}), ...(lib === 'omni' ? {} : extra) });
const rotate = (xs, r) => xs.map((_, i) => xs[(i + r) % xs.length]);
const notFound = new Set();

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const stats = (xs) => ({ n: xs.length, median: median(xs), min: Math.min(...xs), max: Math.max(...xs), values: xs.map((x) => +x.toFixed(2)) });
const log = (...a) => console.log(`[bench:embed ${new Date().toISOString().slice(11, 19)}]`, ...a);

function heldoutInputs() {
  const items = JSON.parse(readFileSync(resolve(root, 'data/heldout/index.json'), 'utf8')).items;
  return {
    captions: [...new Set(items.map((i) => i.caption))],
    images: items.filter((i) => i.files?.image).map((i) => i.files.image),
    audio: items.filter((i) => i.files?.audio).map((i) => i.files.audio),
  };
}

function versions(browser) {
  const v = (p) => JSON.parse(readFileSync(resolve(root, p), 'utf8')).version;
  let commit = null, dirty = null;
  try { commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root }).toString().trim(); } catch {}
  try { dirty = execFileSync('git', ['status', '--porcelain', '--', 'src', 'workers'], { cwd: root }).toString().trim().length > 0; } catch {}
  return { omniEmbed: v('package.json'), omniEmbedCommit: commit, srcDirty: dirty, ortForOmni: v('node_modules/onnxruntime-web/package.json'), ...tjsVersions(), chromium: browser.version(), node: process.version };
}

function machine() {
  return { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, memGiB: +(os.totalmem() / 2 ** 30).toFixed(1), platform: `${os.platform()} ${os.release()}` };
}

async function newPage(context, origin) {
  const page = await context.newPage();
  page.on('pageerror', (e) => log('pageerror', e.message));
  page.on('console', (m) => { if (m.type() === 'error' && !/status of 404/.test(m.text())) log('console', m.text().slice(0, 300)); });
  // transformers.js probes for optional files (e.g. generation_config.json, processor_config.json): 404s are expected.
  page.on('response', (r) => { if (r.status() >= 400) notFound.add(new URL(r.url()).pathname); });
  await page.goto(`${origin}/bench/embed/page.html`);
  await page.evaluate(async () => { window.B = await import('/bench/embed/harness.js'); });
  return page;
}

const ev = (page, fn, ...args) => page.evaluate(({ fn, args }) => window.B[fn](...args), { fn, args });

/** Throughput on one device: both libraries live in one page, runs alternate ABBA. */
async function throughputSuite(browser, origin, inputs, device, counts, out) {
  const libs = ['omni', ...Object.keys(TJS_SETUPS)];
  const context = await browser.newContext();
  const page = await newPage(context, origin);
  await ev(page, 'loadInputs', inputs);
  const res = { device, counts, runs: RUNS, setups: { omni: 'createEmbedder defaults', ...TJS_SETUPS }, kinds: {} };
  for (const lib of libs) res[`${lib}Create`] = await ev(page, 'create', lib, optsFor(lib, device));
  for (const kind of Object.keys(counts)) {
    const n = counts[kind];
    if (!n) continue;
    const k = (res.kinds[kind] = { n, errors: {} });
    for (const lib of libs) {
      k[lib] = [];
      try { k[`${lib}WarmMs`] = await ev(page, 'warm', lib, kind, Math.min(8, n)); await ev(page, 'warm', lib, kind, kind === 'audio' ? Math.min(16, n) : n); } catch (err) { k.errors[lib] = String(err.message).slice(0, 500); log(device, kind, lib, 'failed:', k.errors[lib]); }
    }
    for (let r = 0; r < RUNS; r++) {
      for (const lib of rotate(libs, r)) {
        if (k.errors[lib]) continue;
        const t = await ev(page, 'throughput', lib, kind, n);
        k[lib].push(t);
        log(device, kind, `run ${r + 1}/${RUNS}`, lib, `${t.perSec.toFixed(1)}/s`, `long tasks ${t.longTasks}`);
      }
    }
    for (const lib of libs) if (k[lib].length) k[`${lib}Stats`] = stats(k[lib].map((t) => t.perSec));
    k.ratioVs = {};
    for (const lib of libs.slice(1)) {
      if (!k.omni.length || !k[lib].length) continue;
      // Ratio per run (the runs of one index are adjacent in time), then the median of those.
      k.ratioVs[lib] = stats(k.omni.map((t, i) => t.perSec / k[lib][i].perSec));
    }
    const best = libs.slice(1).filter((l) => k[`${l}Stats`]).sort((a, b) => k[`${b}Stats`].median - k[`${a}Stats`].median)[0];
    if (best) { k.bestTjs = best; k.ratio = k.ratioVs[best]; }
    out.throughput[device] = res;
    save(out);
  }
  for (const lib of libs) await ev(page, 'dispose', lib).catch(() => {});
  await context.close();
  return res;
}

/**
 * WebGPU: with both libraries' workers holding a WebGPU device in one page, SwiftShader's GPU process
 * crashed the page here, so each run gets a fresh page holding one library only (created, warmed up with
 * a few items, timed, disposed), alternating ABBA. Creation and warm-up are outside the timed region.
 */
async function gpuSuite(browser, origin, inputs, counts, out) {
  const res = { device: 'webgpu', counts, runs: GPU_RUNS, isolation: 'one library per page, fresh page per run', kinds: {} };
  const kinds = Object.keys(counts).filter((k) => counts[k]);
  for (const kind of kinds) res.kinds[kind] = { n: counts[kind], omni: [], tjs: [], errors: {} };
  for (let r = 0; r < GPU_RUNS; r++) {
    for (const lib of r % 2 ? ['tjs', 'omni'] : ['omni', 'tjs']) {
      const context = await browser.newContext();
      try {
        const page = await newPage(context, origin);
        await ev(page, 'loadInputs', inputs);
        await ev(page, 'create', lib, optsFor(lib, 'webgpu', { workers: 1 }));
        for (const kind of kinds) {
          const k = res.kinds[kind];
          if (k.errors[lib]) continue;
          try {
            await ev(page, 'warm', lib, kind, Math.min(4, k.n));
            const t = await ev(page, 'throughput', lib, kind, k.n);
            k[lib].push(t);
            log('webgpu', kind, `run ${r + 1}/${GPU_RUNS}`, lib, `${t.perSec.toFixed(2)}/s`, `long tasks ${t.longTasks}`);
          } catch (err) { k.errors[lib] = String(err.message).slice(0, 500); log('webgpu', kind, lib, 'failed:', k.errors[lib]); }
        }
        await ev(page, 'dispose', lib).catch(() => {});
      } finally { await context.close().catch(() => {}); }
    }
  }
  for (const kind of kinds) {
    const k = res.kinds[kind];
    for (const lib of LIBS) if (k[lib].length) k[`${lib}Stats`] = stats(k[lib].map((t) => t.perSec));
    const n = Math.min(k.omni.length, k.tjs.length);
    if (n) k.ratio = stats(Array.from({ length: n }, (_, i) => k.omni[i].perSec / k.tjs[i].perSec));
  }
  out.throughput.webgpu = res;
  save(out);
}

async function latencySuite(browser, origin, inputs, out) {
  const context = await browser.newContext();
  const page = await newPage(context, origin);
  await ev(page, 'loadInputs', inputs);
  const res = { device: 'wasm', reps: N.latency, kinds: {} };
  for (const lib of LIBS) await ev(page, 'create', lib, optsFor(lib, 'wasm'));
  for (const kind of ['text', 'image']) {
    const k = (res.kinds[kind] = { omni: [], tjs: [] });
    for (const lib of LIBS) await ev(page, 'warm', lib, kind, 4);
    for (let r = 0; r < 2; r++) for (const lib of r ? ['tjs', 'omni'] : ['omni', 'tjs']) k[lib].push(...(await ev(page, 'latency', lib, kind, Math.ceil(N.latency / 2))));
    for (const lib of LIBS) k[`${lib}Stats`] = stats(k[lib]);
    k.ratio = k.tjsStats.median / k.omniStats.median; // > 1: omni-embed answers faster
    log('latency', kind, `omni ${k.omniStats.median.toFixed(1)} ms`, `tjs ${k.tjsStats.median.toFixed(1)} ms`);
  }
  for (const lib of LIBS) await ev(page, 'dispose', lib);
  await context.close();
  out.latency = res;
  save(out);
}

/** Cold = a fresh browser context (empty HTTP cache, Cache API, storage); warm = a second page in it. */
async function startSuite(browser, origin, out) {
  const res = { device: 'wasm', runs: Math.max(2, Math.min(RUNS, 3)), omni: { cold: [], warm: [] }, tjs: { cold: [], warm: [] } };
  for (let r = 0; r < res.runs; r++) {
    for (const lib of r % 2 ? ['tjs', 'omni'] : ['omni', 'tjs']) {
      const context = await browser.newContext();
      for (const phase of ['cold', 'warm']) {
        const page = await newPage(context, origin);
        const t = await ev(page, 'startToFirst', lib, optsFor(lib, 'wasm', { workers: 1 }));
        res[lib][phase].push(t);
        log('start', lib, phase, `${t.totalMs.toFixed(0)} ms`);
        await ev(page, 'dispose', lib);
        await page.close();
      }
      await context.close();
    }
  }
  for (const lib of LIBS) for (const phase of ['cold', 'warm']) res[lib][`${phase}Stats`] = stats(res[lib][phase].map((t) => t.totalMs));
  res.ratio = { cold: res.tjs.coldStats.median / res.omni.coldStats.median, warm: res.tjs.warmStats.median / res.omni.warmStats.median };
  out.start = res;
  save(out);
}

/** Memory: one library per page, text embeds in batches of 100 (concurrent), measured after 100 and after N total. */
async function memorySuite(browser, origin, inputs, out) {
  const [first, total] = N.mem;
  const res = { device: 'wasm', after: [first, total] };
  for (const lib of LIBS) {
    const context = await browser.newContext();
    const page = await newPage(context, origin);
    await ev(page, 'loadInputs', inputs);
    await ev(page, 'create', lib, optsFor(lib, 'wasm'));
    const r = (res[lib] = { samples: [] });
    let done = 0;
    const t0 = Date.now();
    const step = 100;
    const marks = [first, Math.round(total / 2), total];
    while (done < total) {
      await ev(page, 'throughput', lib, 'text', step);
      done += step;
      if (marks.includes(done)) {
        const m = await ev(page, 'memory');
        r.samples.push({ after: done, ...m });
        log('memory', lib, done, m.uaBytes ?? m.mainHeapUsed);
      }
    }
    r.seconds = (Date.now() - t0) / 1000;
    const a = r.samples[0], b = r.samples[r.samples.length - 1];
    if (a.uaBytes && b.uaBytes) r.growthUa = (b.uaBytes - a.uaBytes) / a.uaBytes;
    if (a.mainHeapUsed && b.mainHeapUsed) r.growthMainHeap = (b.mainHeapUsed - a.mainHeapUsed) / a.mainHeapUsed;
    await ev(page, 'dispose', lib);
    await context.close();
  }
  res.gpu = 'not measured: SwiftShader exposes no buffer-memory query, and workers cannot be instrumented from the page';
  out.memory = res;
  save(out);
}

let outPath = resolve(root, 'bench/embed/results.json');
function save(out) {
  if (!WRITE) return;
  writeFileSync(outPath, JSON.stringify(out, null, 1) + '\n');
}

async function main() {
  if (!existsSync(resolve(root, 'dist/browser/index.js')) || !existsSync(resolve(root, 'dist/browser/workers/embed.worker.js'))) {
    log('dist/browser missing: building (node scripts/build.mjs)');
    execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: root, stdio: 'inherit' });
  }
  await snapshotOmni();
  await buildTjs();
  const server = await startServer({ port: PORT });
  const launch = () => chromium.launch(chromiumLaunchOptions({ webgpu: true, measureMemory: true }));
  let browser = await launch();
  const inputs = heldoutInputs();
  const out = {
    command: `node bench/embed/run.mjs ${argv.join(' ')}`.trim(),
    date: new Date().toISOString(),
    quick: QUICK,
    machine: machine(),
    versions: versions(browser),
    dtype: 'fp32',
    notes: [],
    throughput: {},
  };
  try {
    const probe = await newPage(await browser.newContext(), server.origin);
    out.gpu = await ev(probe, 'gpuInfo');
    out.machine.hardwareConcurrency = await probe.evaluate(() => navigator.hardwareConcurrency);
    out.machine.crossOriginIsolated = await probe.evaluate(() => crossOriginIsolated);
    await probe.context().close();
    // Each suite on its own: one that crashes the browser (SwiftShader) must not lose the others' numbers.
    const suites = [
      ['wasm', () => throughputSuite(browser, server.origin, inputs, 'wasm', N.wasm, out)],
      ['latency', () => latencySuite(browser, server.origin, inputs, out)],
      ['start', () => startSuite(browser, server.origin, out)],
      ['memory', () => memorySuite(browser, server.origin, inputs, out)],
      ['webgpu', () => gpuSuite(browser, server.origin, inputs, N.webgpu, out)],
    ];
    for (const [name, run] of suites) {
      if (!ONLY.has(name)) continue;
      if (!browser.isConnected()) browser = await launch();
      try { await run(); } catch (err) { (out.errors ??= {})[name] = String(err.message).split('\n')[0].slice(0, 300); log(name, 'suite failed:', out.errors[name]); }
    }
  } finally {
    out.notFound = [...notFound];
    save(out);
    await browser.close().catch(() => {});
    await server.close();
  }
  if (WRITE) {
    writeSection(resolve(root, 'docs/benchmarks.md'), renderMarkdown(out));
    log('wrote bench/embed/results.json and docs/benchmarks.md (embed section)');
  }
}

const isMain = process.argv[1] === fileURLToPath(import.meta.url);
if (isMain) await main();
export { main };
