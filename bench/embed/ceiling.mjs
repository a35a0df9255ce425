// Text throughput ceiling: raw ORT (omni-embed's copy) in one worker per core, one thread each, pre-tokenised
// inputs (length 12 ≈ the held-out captions' 6.6 words + [CLS]/[SEP], padded), batch sizes 64 and 256,
// with and without fetching last_hidden_state. Run after bench/embed/run.mjs (it needs bench/.out/omni).
//   node bench/embed/ceiling.mjs [--n 4000] [--runs 3] [--port 4605]  → bench/embed/ceiling.json
import { chromium } from 'playwright-core';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import { startServer } from '../../tests/server/server.mjs';
import { chromiumLaunchOptions } from '../../tests/helpers/chromium.mjs';

const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const argv = process.argv.slice(2);
const arg = (name, def) => { const i = argv.indexOf(`--${name}`); return i >= 0 ? argv[i + 1] : def; };
const N = Number(arg('n', '4000'));
const RUNS = Number(arg('runs', '3'));
const server = await startServer({ port: Number(arg('port', '4605')) });
const browser = await chromium.launch(chromiumLaunchOptions());
let res;
try {
  const page = await (await browser.newContext()).newPage();
  await page.goto(`${server.origin}/bench/embed/page.html`);
  res = await page.evaluate(async ({ N, RUNS, W }) => {
    const call = (w, msg) => new Promise((ok, bad) => { w.onmessage = ({ data }) => (data.ok ? ok(data) : bad(new Error(data.error))); w.postMessage(msg); });
    const workers = Array.from({ length: W }, () => new Worker('/bench/embed/ceiling-worker.js', { type: 'module' }));
    await Promise.all(workers.map((w) => call(w, { op: 'init' })));
    const cases = [[64, true], [64, false], [256, true], [256, false]];
    const out = {};
    for (const [batch, fetchTokens] of cases) await Promise.all(workers.map((w) => call(w, { n: batch * 2, batch, seq: 12, fetchTokens }))); // warm-up
    for (let r = 0; r < RUNS; r++) {
      for (const [batch, fetchTokens] of cases) {
        const key = `batch ${batch}, ${fetchTokens ? 'embeds + last_hidden_state' : 'embeds only'}`;
        const t0 = performance.now();
        await Promise.all(workers.map((w) => call(w, { n: N / W, batch, seq: 12, fetchTokens })));
        (out[key] ??= []).push(Math.round((N * 1000) / (performance.now() - t0)));
      }
    }
    workers.forEach((w) => w.terminate());
    return out;
  }, { N, RUNS, W: os.cpus().length });
} finally {
  await browser.close();
  await server.close();
}
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const summary = Object.fromEntries(Object.entries(res).map(([k, v]) => [k, { perSec: v, median: median(v) }]));
console.log(JSON.stringify(summary, null, 1));
writeFileSync(resolve(root, 'bench/embed/ceiling.json'), JSON.stringify({ date: new Date().toISOString(), command: `node bench/embed/ceiling.mjs ${argv.join(' ')}`.trim(), workers: os.cpus().length, threadsPerWorker: 1, seq: 12, n: N, runs: RUNS, results: summary }, null, 1) + '\n');
