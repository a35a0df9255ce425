// Does length-aware batching pay in onnxruntime-web itself? Raw ORT-web (bench/scale/raw-worker.js,
// no library) on the full CLIP q8 text tower: the same 64 token rows (seeded, 5–77 tokens, uniform)
// as one batch padded to its longest row (what transformers.js runs) vs sorted by length in groups
// (src/engine/encoders/length-groups.ts's rule) vs sorted fixed chunks; alternating, in one page.
//   node scripts/build.mjs && node bench/scale/text-groups.mjs [--reps 3] → bench/scale/text-groups.json
import { chromium } from 'playwright-core';
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from '../../tests/server/server.mjs';
import { chromiumLaunchOptions } from '../../tests/helpers/chromium.mjs';
import { snapshotOmni } from '../embed/snapshot.mjs';
import ts from 'typescript';

const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const argv = process.argv.slice(2);
const REPS = Number(argv[argv.indexOf('--reps') + 1] || 3);
await snapshotOmni();
// The SDK's own grouping rule, transpiled from its source (one definition, no copy).
const rule = ts.transpileModule(readFileSync(resolve(root, 'src/engine/encoders/length-groups.ts'), 'utf8'), { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText;
const { lengthGroups } = await import(`data:text/javascript,${encodeURIComponent(rule)}`);
const server = await startServer({ port: 4613 });
const browser = await chromium.launch(chromiumLaunchOptions());
const load = os.loadavg()[0].toFixed(1);
let s = 7;
const rnd = () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
const rows = Array.from({ length: 64 }, () => { const n = 5 + Math.floor(rnd() * 73); return Array.from({ length: n }, (_, i) => (i === n - 1 ? 49407 : 400 + Math.floor(rnd() * 40000))); });
const sorted = [...rows].sort((a, b) => a.length - b.length);
const chunks = (xs, k) => Array.from({ length: Math.ceil(xs.length / k) }, (_, i) => xs.slice(i * k, i * k + k));
const plans = {
  'one padded batch of 64': [rows],
  'length groups (SDK rule)': lengthGroups(rows.map((r) => r.length)).map((g) => g.map((i) => rows[i])),
  'sorted, 4 chunks of 16': chunks(sorted, 16),
};
const paddedTokens = Object.fromEntries(Object.entries(plans).map(([k, bs]) => [k, bs.reduce((t, b) => t + b.length * Math.max(...b.map((r) => r.length)), 0)]));
try {
  const page = await browser.newPage();
  await page.goto(`${server.origin}/bench/embed/page.html`);
  const ms = await page.evaluate(async ({ plans, reps }) => {
    const w = new Worker('/bench/scale/raw-worker.js');
    const call = (msg) => new Promise((res, rej) => { w.onmessage = ({ data }) => (data.ok ? res(data) : rej(new Error(data.error))); w.postMessage(msg); });
    await call({ op: 'init', threads: navigator.hardwareConcurrency, files: { text: '/replicas/full/Xenova/clip-vit-base-patch32/resolve/main/onnx/text_model_quantized.onnx' } });
    await call({ kind: 'text', batches: [plans['one padded batch of 64'][0].slice(0, 8)], padId: 49407 });
    const out = {};
    for (let r = 0; r < reps; r++) for (const [k, batches] of Object.entries(plans)) (out[k] ??= []).push((await call({ kind: 'text', batches, padId: 49407 })).ms);
    return out;
  }, { plans, reps: REPS });
  const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
  const base = median(ms['one padded batch of 64']);
  const results = Object.fromEntries(Object.entries(ms).map(([k, v]) => [k, { runs: v.map((x) => Math.round(x)), medianMs: Math.round(median(v)), speedup: +(base / median(v)).toFixed(2), paddedTokens: paddedTokens[k], ortRuns: plans[k].length }]));
  console.table(results);
  writeFileSync(resolve(root, 'bench/scale/text-groups.json'), JSON.stringify({ date: new Date().toISOString(), command: `node bench/scale/text-groups.mjs ${argv.join(' ')}`.trim(), machine: `${os.cpus().length} cores; load average at start ${load}`, results }, null, 1) + '\n');
} finally {
  await browser.close();
  await server.close();
}
