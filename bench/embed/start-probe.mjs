// Start-up experiment behind the recommendation in bench/embed/analysis.md: time to the first text
// embedding for omni-embed with its default pool (min(2, cores) workers, all initialised before
// createEmbedder resolves) vs workers: 1, and transformers.js with one worker; fresh context per run.
//   node bench/embed/start-probe.mjs [--runs 3] [--port 4604]  → bench/embed/start-probe.json
import { chromium } from 'playwright-core';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import { startServer } from '../../tests/server/server.mjs';
import { chromiumLaunchOptions } from '../../tests/helpers/chromium.mjs';
import { snapshotOmni } from './snapshot.mjs';

const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const argv = process.argv.slice(2);
const arg = (name, def) => { const i = argv.indexOf(`--${name}`); return i >= 0 ? argv[i + 1] : def; };
const RUNS = Number(arg('runs', '3'));
const setups = {
  'omni default': ['omni', {}],
  'omni workers:1': ['omni', { workers: 1 }],
  // the start before the page compiled ORT's runtime for its workers (src/engine/compiled-runtime.ts)
  'omni workers:1, worker compiles ORT': ['omni', { workers: 1, faults: { compileInWorker: true } }],
  'omni default, worker compiles ORT': ['omni', { faults: { compileInWorker: true } }],
  // the start before WASM-only workers ran ORT's wasm build (src/engine/runtime.ts)
  'omni default, webgpu build': ['omni', { ortFile: 'ort-wasm-simd-threaded.asyncify.wasm' }],
  'tjs 1 worker': ['tjs', { workers: 1, threads: 1 }],
};
await snapshotOmni(); // measure the current dist/browser
const LOAD = os.loadavg().map((x) => +x.toFixed(2));
const server = await startServer({ port: Number(arg('port', '4604')) });
const browser = await chromium.launch(chromiumLaunchOptions());
// --only 'a|b': a subset of the setups (names as above)
const only = arg('only');
if (only) for (const k of Object.keys(setups)) if (!only.split('|').includes(k)) delete setups[k];
const res = Object.fromEntries(Object.keys(setups).map((k) => [k, { cold: [], warm: [] }]));
try {
  for (let r = 0; r < RUNS; r++) {
    const names = Object.keys(setups);
    for (const name of names.map((_, i) => names[(i + r) % names.length])) {
      const [lib, opts] = setups[name];
      const context = await browser.newContext();
      for (const phase of ['cold', 'warm']) {
        const page = await context.newPage();
        await page.goto(`${server.origin}/bench/embed/page.html`);
        const t = await page.evaluate(async ({ lib, opts }) => {
          const B = await import('/bench/embed/harness.js');
          const t = await B.startToFirst(lib, { device: 'wasm', dtype: 'fp32', ...opts });
          await B.dispose(lib);
          return t;
        }, { lib, opts });
        res[name][phase].push(+t.totalMs.toFixed(0));
        console.log(name, phase, t.totalMs.toFixed(0), 'ms (create', t.createMs.toFixed(0), '+ first', t.firstEmbedMs.toFixed(0), ')');
        await page.close();
      }
      await context.close();
    }
  }
} finally {
  await browser.close();
  await server.close();
}
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
for (const v of Object.values(res)) { v.coldMedian = median(v.cold); v.warmMedian = median(v.warm); }
// Each setup's warm time over transformers.js's in the same round (one sample of each per round,
// minutes apart at most): the ratio with the load of that round in both sides.
const tjs = res['tjs 1 worker'];
if (tjs) {
  for (const [name, v] of Object.entries(res)) {
    const perRound = v.warm.map((t, r) => +(t / tjs.warm[r]).toFixed(2));
    v.warmRatioPerRound = perRound;
    v.warmRatioMedian = median(perRound);
    console.log(`${name}: warm ${v.warmMedian} ms, ${(v.warmMedian / tjs.warmMedian).toFixed(2)}x of the medians; per round ${perRound.join(' ')} (median ${v.warmRatioMedian})`);
  }
}
console.log(JSON.stringify(res));
writeFileSync(resolve(root, 'bench/embed/start-probe.json'), JSON.stringify({ date: new Date().toISOString(), loadAverageAtStart: LOAD, command: `node bench/embed/start-probe.mjs ${argv.join(' ')}`.trim(), runs: RUNS, results: res }, null, 1) + '\n');
