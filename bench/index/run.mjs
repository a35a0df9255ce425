// Vector index benchmark (not part of npm test):
//   node scripts/build.mjs && node bench/index/run.mjs [--sizes 1000000] [--storages float32,int8,binary] [--runs 9] [--no-idb] [--js]
// Exact top-10 over N × 256 in headless Chromium on the (cross-origin-isolated) test server. For each
// storage, in ONE page and interleaved round by round: the index as an app gets it (index workers on
// every core), the same rows imported into a one-thread index, and (int8) a one-thread plain-SIMD index.
// Baseline: a single-thread copy (TypedArray.set) of the bytes the scan reads, timed in the same rounds.
// ratio = search / copy. Also: add (build) time, and 1M int8 committed to / restored from IndexedDB.
// Writes bench/index/results.json and the table between <!-- index:start --> / <!-- index:end --> in docs/benchmarks.md.
// IVF rows: `node bench/index/run.mjs --ivf [--sizes 1000000] [--lists L]` runs only bench/index/ivf.mjs
// (clustered data, recall and latency per nprobe, build time) and updates only the `ivf` key of
// results.json and the <!-- ivf:start --> section.
import { chromium } from 'playwright-core';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import { startServer } from '../../tests/server/server.mjs';
import { chromiumLaunchOptions } from '../../tests/helpers/chromium.mjs';
import { benchIvf, ivfSection } from './ivf.mjs';

const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : def;
};
const SIZES = arg('sizes', '1000000').split(',').map(Number);
const STORAGES = arg('storages', 'float32,int8,binary').split(',');
const RUNS = Number(arg('runs', '9'));
const IDB = !process.argv.includes('--no-idb');
const JS = process.argv.includes('--js');
const DIMS = 256;
const K = 10;

if (!existsSync(resolve(root, 'dist/browser/index.js'))) {
  console.error('dist/browser/index.js missing: run `node scripts/build.mjs` first');
  process.exit(1);
}

const server = await startServer({ quiet: true });
const browser = await chromium.launch(chromiumLaunchOptions({ extraArgs: ['--no-sandbox', '--js-flags=--max-old-space-size=8192'] }));
const page = await browser.newPage();
page.on('console', (m) => m.type() === 'error' && console.error('page:', m.text()));
page.on('pageerror', (e) => console.error('page error:', e));
await page.goto(`${server.origin}/tests/pages/blank.html`);
const pageInfo = await page.evaluate(() => ({ isolated: crossOriginIsolated, cores: navigator.hardwareConcurrency }));

const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  if (!s.length) return null;
  const med = s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  return { median: med, min: s[0], max: s[s.length - 1], runs: s.length };
};

if (process.argv.includes('--ivf')) {
  const n = SIZES[0];
  console.log(`IVF: ${n} × ${DIMS} int8, clustered ...`);
  const lists = arg('lists') ? Number(arg('lists')) : undefined;
  const r = await benchIvf(page, { n, dims: DIMS, k: K, lists });
  console.log(JSON.stringify({ ...r, rows: r.rows.map(({ longTasks, ...x }) => ({ ...x, longTasks: longTasks.length })) }, null, 1));
  const env = `Machine: ${os.cpus()[0]?.model ?? 'unknown'}, ${os.cpus().length} cores, shared with other jobs (load average ${os.loadavg().map((x) => x.toFixed(1)).join(' / ')}); Chromium ${browser.version()} (headless), hardwareConcurrency ${pageInfo.cores}. ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC.`;
  const resPath = resolve(root, 'bench/index/results.json');
  const prev = existsSync(resPath) ? JSON.parse(readFileSync(resPath, 'utf8')) : {};
  writeFileSync(resPath, JSON.stringify({ ...prev, ivf: { env, ...r } }, null, 2) + '\n');
  const section = ivfSection(r, env, `node scripts/build.mjs && node bench/index/run.mjs --ivf --sizes ${n}${lists ? ` --lists ${lists}` : ''}`);
  const docPath = resolve(root, 'docs/benchmarks.md');
  let doc = readFileSync(docPath, 'utf8');
  const re = /<!-- ivf:start -->[\s\S]*?<!-- ivf:end -->/;
  doc = re.test(doc) ? doc.replace(re, section) : doc.replace('<!-- index:end -->', `<!-- index:end -->\n\n${section}`);
  writeFileSync(docPath, doc);
  console.log(section);
  await browser.close();
  await server.close();
  process.exit(0);
}

const results = [];
for (const n of SIZES) {
  for (const storage of STORAGES) {
    console.log(`building ${n} × ${DIMS} ${storage} ...`);
    const built = await page.evaluate(
      async ({ n, storage, DIMS, JS }) => {
        const m = await import('/dist/browser/index.js');
        for (const x of Object.values(window.__v ?? {})) await x.dispose();
        window.__v = {};
        const idx = await m.createIndex({ dims: DIMS, storage, device: 'cpu', capacity: n });
        // The same rows, one thread (and for int8 also plain SIMD), added from the same items.
        const others = {};
        others.one = await m.createIndex({ dims: DIMS, storage, device: 'cpu', capacity: n, threads: 1 });
        if (storage === 'int8') others.plain = await m.createIndex({ dims: DIMS, storage, device: 'cpu', capacity: n, threads: 1, kernels: 'simd' });
        if (JS) others.js = await m.createIndex({ dims: DIMS, storage, device: 'cpu', capacity: n, threads: 1, kernels: 'js' });
        let s = 0x9e3779b9 ^ n;
        const rnd = () => {
          s ^= s << 13; s ^= s >>> 17; s ^= s << 5;
          return ((s >>> 0) / 4294967296) - 0.5;
        };
        let addMs = 0;
        const CH = 20000;
        for (let b = 0; b < n; b += CH) {
          const items = [];
          for (let i = b; i < Math.min(n, b + CH); i++) {
            const v = new Float32Array(DIMS);
            for (let j = 0; j < DIMS; j++) v[j] = rnd();
            items.push({ id: `v${i}`, vector: v });
          }
          const t0 = performance.now();
          await idx.add(items);
          addMs += performance.now() - t0;
          for (const o of Object.values(others)) await o.add(items);
        }
        window.__v.app = idx;
        Object.assign(window.__v, others);
        window.__queries = Array.from({ length: 16 }, () => Float32Array.from({ length: DIMS }, rnd));
        const words = Math.ceil(DIMS / 32);
        // Bytes one first-stage scan reads: float32 rows; int8 rows + one f32 scale; binary sign bits.
        window.__scanBytes = storage === 'float32' ? n * DIMS * 4 : storage === 'int8' ? n * DIMS + n * 4 : n * words * 4;
        window.__int8Bytes = n * DIMS + n * 4;
        window.__hamming = storage === 'binary';
        const info = {};
        for (const [k, x] of Object.entries(window.__v)) info[k] = { threads: x.searchThreads, kernel: x.cpuKernel };
        return { addMs, count: idx.count, variants: info };
      },
      { n, storage, DIMS, JS },
    );
    console.log(`  added in ${(built.addMs / 1000).toFixed(1)} s; variants ${JSON.stringify(built.variants)}`);
    const res = await page.evaluate(
      async ({ RUNS, K }) => {
        const copy = (bytes) => {
          const src = new Uint8Array(bytes);
          for (let i = 0; i < bytes; i += 4096) src[i] = i & 255;
          const dst = new Uint8Array(bytes);
          dst.set(src); // page in both buffers
          return () => {
            const t0 = performance.now();
            dst.set(src);
            return performance.now() - t0;
          };
        };
        const copyScan = copy(window.__scanBytes);
        const copyInt8 = window.__int8Bytes !== window.__scanBytes ? copy(window.__int8Bytes) : null;
        const qs = window.__queries;
        const t = { copy: [], copyInt8: [] };
        const ids = {};
        for (const [k, x] of Object.entries(window.__v)) {
          t[k] = [];
          ids[k] = (await x.search(qs[0], { k: K })).map((r) => r.id); // warm-up, not counted
        }
        let sameIds = true;
        for (let r = 0; r < RUNS; r++) {
          t.copy.push(copyScan());
          if (copyInt8) t.copyInt8.push(copyInt8());
          let first = null;
          for (const [k, x] of Object.entries(window.__v)) {
            if (k === 'js' && r >= 2) continue;
            const t0 = performance.now();
            const out = await x.search(qs[1 + (r % 15)], { k: K });
            t[k].push(performance.now() - t0);
            const got = JSON.stringify(out);
            if (first === null) first = got;
            else if (got !== first) sameIds = false;
          }
          // binary: the popcount pre-filter too (another ranking, so not part of "same").
          if (window.__hamming) {
            const t0 = performance.now();
            await window.__v.app.search(qs[1 + (r % 15)], { k: K, prefilter: 'hamming' });
            (t.hamming ??= []).push(performance.now() - t0);
          }
        }
        return { t, sameIds };
      },
      { RUNS, K },
    );
    const row = { n, dims: DIMS, k: K, storage, addMs: built.addMs, variants: built.variants, bytesScanned: await page.evaluate(() => window.__scanBytes), sameResults: res.sameIds };
    row.copy = stats(res.t.copy);
    if (res.t.copyInt8.length) row.copyInt8 = stats(res.t.copyInt8);
    for (const k of Object.keys(built.variants)) {
      row[k] = stats(res.t[k]);
      row[k].ratio = row[k].median / row.copy.median;
      if (row.copyInt8) row[k].ratioInt8Copy = row[k].median / row.copyInt8.median;
      console.log(`  ${k}: median ${row[k].median.toFixed(1)} ms (${row[k].min.toFixed(1)}–${row[k].max.toFixed(1)}), ratio ${row[k].ratio.toFixed(2)}`);
    }
    if (res.t.hamming) {
      row.hamming = stats(res.t.hamming);
      row.hamming.ratio = row.hamming.median / row.copy.median;
      row.hamming.ratioInt8Copy = row.hamming.median / row.copyInt8.median;
      console.log(`  app, prefilter 'hamming': median ${row.hamming.median.toFixed(1)} ms, ÷ int8 copy ${row.hamming.ratioInt8Copy.toFixed(2)}`);
    }
    console.log(`  copy: ${row.copy.median.toFixed(1)} ms; same results across variants: ${res.sameIds}`);
    results.push(row);
  }
}

let idb = null;
if (IDB) {
  const n = Math.max(...SIZES);
  console.log(`IndexedDB: ${n} × ${DIMS} int8 commit + restore ...`);
  idb = await page.evaluate(
    async ({ n, DIMS }) => {
      const m = await import('/dist/browser/index.js');
      for (const x of Object.values(window.__v ?? {})) await x.dispose();
      window.__v = {};
      await m.deletePersistedIndex('bench-1m');
      const idx = await m.createIndex({ dims: DIMS, storage: 'int8', device: 'cpu', capacity: n, persist: { name: 'bench-1m' } });
      let s = 7;
      const rnd = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 4294967296) - 0.5;
      for (let b = 0; b < n; b += 20000) {
        const items = [];
        for (let i = b; i < Math.min(n, b + 20000); i++) items.push({ id: `v${i}`, vector: Float32Array.from({ length: DIMS }, rnd) });
        await idx.add(items);
      }
      const q = Float32Array.from({ length: DIMS }, rnd);
      const before = JSON.stringify(await idx.search(q));
      let commitCalls = 0;
      const t0 = performance.now();
      await idx.commit({ onProgress: () => commitCalls++ });
      const commitMs = performance.now() - t0;
      await idx.dispose();
      let loadCalls = 0, lastLoaded = 0;
      const t1 = performance.now();
      const back = await m.createIndex({ dims: DIMS, storage: 'int8', device: 'cpu', persist: { name: 'bench-1m', onLoadProgress: (l) => { loadCalls++; lastLoaded = l; } } });
      const restoreMs = performance.now() - t1;
      const after = JSON.stringify(await back.search(q));
      const count = back.count;
      await back.dispose();
      const est = await navigator.storage.estimate();
      await m.deletePersistedIndex('bench-1m');
      return { n, commitMs, commitCalls, restoreMs, loadCalls, lastLoaded, count, sameResults: before === after, usageMiB: est.usage / 2 ** 20 };
    },
    { n, DIMS },
  );
  console.log(`  ${JSON.stringify(idb)}`);
}
await page.evaluate(async () => {
  for (const x of Object.values(window.__v ?? {})) await x.dispose();
});

const env = {
  date: new Date().toISOString(),
  cpu: os.cpus()[0]?.model ?? 'unknown',
  cores: os.cpus().length,
  memGiB: Math.round(os.totalmem() / 2 ** 30),
  platform: `${os.platform()} ${os.release()}`,
  browser: `Chromium ${browser.version()} (headless)`,
  page: pageInfo,
  load: os.loadavg(),
};
await browser.close();
await server.close();
writeFileSync(resolve(root, 'bench/index/results.json'), JSON.stringify({ env, dims: DIMS, k: K, results, idb }, null, 2) + '\n');

const fmt = (x) => (x == null ? '—' : x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
const cell = (st) => (!st ? '—' : `${fmt(st.median)} ms (${fmt(st.min)}–${fmt(st.max)})`);
const lines = [];
lines.push('<!-- index:start -->');
lines.push('## Vector index: exact top-10 (256 dims)');
lines.push('');
lines.push('Command: `node scripts/build.mjs && node bench/index/run.mjs` (raw: `bench/index/results.json`).');
lines.push(`Machine: ${env.cpu}, ${env.cores} cores, ${env.memGiB} GiB, ${env.platform}, shared with other jobs during the run (load average ${env.load.map((x) => x.toFixed(1)).join(' / ')}); ${env.browser}, crossOriginIsolated=${pageInfo.isolated}, hardwareConcurrency ${pageInfo.cores}. ${env.date.slice(0, 16).replace('T', ' ')} UTC.`);
lines.push('');
lines.push(`Each cell: median (min–max) over ${RUNS} searches, one uncounted warm-up first; every variant and the copy are timed in the same rounds, in one page. **copy** = one thread copying (\`Uint8Array.prototype.set\`) the bytes the first stage reads (float32: N·1024; int8: N·260 = rows + scales; binary: N·32 sign bits). **ratio = search ÷ copy**. *app*: the index as created by default (first stage split over index workers on every core); *1 thread*: the same rows in an index with \`threads: 1\`; *plain SIMD*: \`threads: 1, kernels: 'simd'\` (no relaxed SIMD). int8 includes rescoring 40 candidates with the residual plane, binary rescoring 500 with the int8 copies. All variants returned identical results in every round: see "same".`);
lines.push('');
lines.push('| N | storage | copy | app | app ratio | 1 thread | 1-thread ratio | plain SIMD (1 thread) | same | build (add) |');
lines.push('|---|---|---|---|---|---|---|---|---|---|');
for (const r of results) {
  const extra = r.storage === 'binary' && r.copyInt8 ? ` (÷ int8 copy ${fmt(r.copyInt8.median)} ms: ${fmt(r.app.ratioInt8Copy)})` : '';
  lines.push(`| ${r.n.toLocaleString('en-US')} | ${r.storage} | ${cell(r.copy)} | ${cell(r.app)} | ${fmt(r.app.ratio)}${extra} | ${cell(r.one)} | ${fmt(r.one?.ratio)} | ${cell(r.plain)} | ${r.sameResults ? 'yes' : 'NO'} | ${(r.addMs / 1000).toFixed(1)} s |`);
}
for (const r of results.filter((x) => x.hamming)) {
  lines.push('');
  lines.push(`binary, ${r.n.toLocaleString('en-US')} rows, with \`prefilter: 'hamming'\` (popcount of sign(q) XOR code: SIMD kernel, \`i8x16.popcnt\` four rows per step, only rows under the current k-th distance returned, best 500 by counting; then the same rescoring of 500): ${cell(r.hamming)}, ÷ its sign-bit copy ${fmt(r.hamming.ratio)}, ÷ the int8 copy ${fmt(r.hamming.ratioInt8Copy)}.`);
}
if (idb) {
  lines.push('');
  lines.push(`IndexedDB, ${idb.n.toLocaleString('en-US')} × 256 int8: commit ${(idb.commitMs / 1000).toFixed(1)} s (${idb.commitCalls} progress calls), restore by \`createIndex({ persist })\` ${(idb.restoreMs / 1000).toFixed(1)} s (${idb.loadCalls} \`onLoadProgress\` calls, last at ${idb.lastLoaded.toLocaleString('en-US')} rows); ${idb.count.toLocaleString('en-US')} items back, same search results: ${idb.sameResults ? 'yes' : 'NO'}; origin usage while stored ≈ ${idb.usageMiB.toFixed(0)} MiB.`);
}
lines.push('<!-- index:end -->');
const section = lines.join('\n');
const docPath = resolve(root, 'docs/benchmarks.md');
let doc = existsSync(docPath) ? readFileSync(docPath, 'utf8') : '';
const re = /<!-- index:start -->[\s\S]*?<!-- index:end -->/;
doc = re.test(doc) ? doc.replace(re, section) : (doc ? doc.replace(/\n*$/, '\n\n') : '') + section + '\n';
writeFileSync(docPath, doc);
console.log(section);
