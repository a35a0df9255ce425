// The held-out families (heldout_families.py) through the SDK's public API in headless Chromium, as an app's
// page runs it: the built library (/dist/browser/index.js, as the browser tests import it), its workers, its
// decoders (createImageBitmap for PNG/JPEG, OfflineAudioContext for WAV at any rate, <video> seeks for WebM)
// and its preprocessing. eval_families.mjs gives the same rows from onnxruntime-node on preprocessed tensors;
// both score with scoring.mjs, so a gap between the two tables is the data path, not the arithmetic.
//
// Usage: node tools/omni-tiny/eval_families_sdk.mjs [--only SUBSTRING] [--model-url /models/omni-tiny/ --dtype fp32]
//          [--json PATH] [--node PATH]
//   --json  default tools/omni-tiny/families_sdk_metrics.json
//   --node  the onnxruntime-node rows to compare with (default families_metrics_q8.json, or families_metrics.json
//           with --dtype fp32)
//   CHROMIUM_PATH overrides /usr/bin/chromium, as for the browser tests.
// Needs a built dist/ (npm run build); the media folder is made by the seeded python script when missing.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFileSync } from 'node:child_process';
import { chromium } from 'playwright-core';
import { startServer } from '../../tests/server/server.mjs';
import { chromiumLaunchOptions } from '../../tests/helpers/chromium.mjs';
import { familyRow } from './scoring.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '..', '..');
const arg = (k, d) => (process.argv.includes(k) ? process.argv[process.argv.indexOf(k) + 1] : d);
const only = arg('--only'), modelUrl = arg('--model-url'), dtype = arg('--dtype');
const jsonOut = arg('--json', path.join(HERE, 'families_sdk_metrics.json'));
const nodePath = arg('--node', path.join(HERE, dtype === 'fp32' ? 'families_metrics.json' : 'families_metrics_q8.json'));
// WASM, not the default 'auto': on this machine Chromium's WebGPU adapter is SwiftShader (a CPU rasteriser),
// many times slower than WASM, and a GPU's numbers would have to come from a machine that has one anyway.
const DEVICE = 'wasm';
const NOTE = "device: 'wasm' (WebGPU here is SwiftShader, a software GPU, far slower than WASM); " +
  (modelUrl || dtype ? 'modelUrl/dtype as given, every other option the SDK\'s default' : "every other option is the SDK's default");
// a user's page embeds a folder in batches; whole families at once would also start 30 <video> decoders together
const CHUNK = 10;

const DIR = path.join(ROOT, 'data', 'heldout-families');
if (!fs.existsSync(path.join(DIR, 'index.json'))) {
  console.error('generating', DIR);
  execFileSync('/usr/bin/python3', [path.join(HERE, 'heldout_families.py'), '--out', DIR], { stdio: 'inherit' });
}
const index = JSON.parse(fs.readFileSync(path.join(DIR, 'index.json'), 'utf8'));
const nodeRows = fs.existsSync(nodePath) ? JSON.parse(fs.readFileSync(nodePath, 'utf8')).families : {};
const url = (f) => `/data/heldout-families/${f}`;

const t0 = performance.now();
const server = await startServer();
// launched as the browser tests launch it
const browser = await chromium.launch(chromiumLaunchOptions({ webgpu: true }));
const page = await browser.newPage();
const pageErrors = [], foreign = [];
page.on('console', (m) => m.type() === 'error' && pageErrors.push(m.text()));
page.on('pageerror', (e) => pageErrors.push(String(e)));
// as in tests/browser/fixtures.ts: the default (bundled) model must never be fetched from anywhere else
page.on('request', (r) => !/^(data|blob):/.test(r.url()) && !r.url().startsWith(server.origin) && foreign.push(r.url()));
await page.goto(`${server.origin}/tests/pages/blank.html`);

const options = { device: DEVICE, ...(modelUrl ? { modelUrl } : {}), ...(dtype ? { dtype } : {}) };
const info = await page.evaluate(async (options) => {
  const omni = await import('/dist/browser/index.js');
  const e = await omni.createEmbedder(options);
  const blob = async (u) => {
    const r = await fetch(u);
    if (!r.ok) throw new Error(`${u}: HTTP ${r.status}`);
    return r.blob();
  };
  // a strip of 8 frames side by side becomes { frames }, as tests/browser/sdk-page.ts does (any frame size)
  const frames = async (u) => {
    const sheet = await createImageBitmap(await blob(u));
    const w = sheet.width / 8;
    return { frames: await Promise.all(Array.from({ length: 8 }, (_, i) => createImageBitmap(sheet, w * i, 0, w, sheet.height))) };
  };
  window.sdkEval = {
    embed: async (specs) => {
      const inputs = await Promise.all(specs.map((s) => (typeof s === 'string' ? s : s.strip ? frames(s.strip) : blob(s.file))));
      return (await e.embedBatch(inputs)).map((r) => Array.from(r.vector));
    },
    dispose: () => e.dispose(),
  };
  return JSON.parse(JSON.stringify(e.info));
}, options);
const startSeconds = (performance.now() - t0) / 1000;
console.error(`SDK ready in ${startSeconds.toFixed(1)} s: ${info.device} ${info.dtype}, ${info.workers} worker(s) × ${info.threads} thread(s); ${NOTE}`);

async function embed(specs) {
  const out = [];
  for (let i = 0; i < specs.length; i += CHUNK) {
    const v = await page.evaluate((s) => window.sdkEval.embed(s), specs.slice(i, i + CHUNK));
    out.push(...v.map((x) => Float32Array.from(x)));
  }
  return out;
}
// Probes ask for the same captions family after family: each distinct text crosses into the page once.
const textCache = new Map();
async function textFn(texts) {
  const missing = [...new Set(texts.filter((t) => !textCache.has(t)))];
  if (missing.length) (await embed(missing)).forEach((v, i) => textCache.set(missing[i], v));
  return texts.map((t) => textCache.get(t));
}
// The real file whenever the family has one (decoding is part of what is measured); a strip only for the
// video families that have no video file.
const mediaSpec = (i) => (i.files.video ? { file: url(i.files.video) } : i.files.frames_strip ? { strip: url(i.files.frames_strip) }
  : { file: url(i.files.image ?? i.files.audio) });

const out = {
  runtime: 'omni-embed SDK (dist/browser) in headless Chromium', chromium: browser.version(), note: NOTE, options,
  model: modelUrl ?? 'bundled', info, seed: index.seed, node: path.relative(ROOT, nodePath).startsWith('..') ? nodePath : path.relative(ROOT, nodePath), families: {},
};
for (const f of index.families) {
  const key = `${f.kind}: ${f.name}`;
  if (only && !key.includes(only)) continue;
  const its = index.items.filter((i) => i.family === f.name && i.kind === f.kind);
  const t = performance.now();
  const specs = its.map(mediaSpec);
  const row = await familyRow(f.kind, its, await embed(specs), textFn);
  const seconds = +((performance.now() - t) / 1000).toFixed(1);
  const input = specs[0].strip ? '8-frame strip as { frames }' : `${path.extname(specs[0].file).slice(1)} Blob`;
  out.families[key] = { kind: f.kind, name: f.name, v2TrainsAxis: f.v2_trains_axis, input, seconds, ...row };
  console.error(`${key} (${its.length}, ${input}): ${seconds} s`);
}
await page.evaluate(() => window.sdkEval.dispose());
await browser.close();
await server.close();
out.seconds = { start: +startSeconds.toFixed(1), total: +((performance.now() - t0) / 1000).toFixed(1) };
out.pageErrors = pageErrors;
// Chromium asks for /favicon.ico by itself: the URLs tell such 404s (console errors too) from the SDK's own
out.httpErrors = server.log.filter((e) => e.status >= 400).map((e) => `${e.status} ${e.url}`);
out.foreignRequests = foreign;
fs.writeFileSync(jsonOut, JSON.stringify(out, null, 1) + '\n');

// ---------------------------------------------------------------- table: SDK next to onnxruntime-node
const x = (v) => (v === undefined ? '–' : v.toFixed(3));
const d = (a, b) => (a === undefined || b === undefined ? undefined : Math.abs(a - b));
const dx = (a, b) => (d(a, b) === undefined ? '–' : x(d(a, b)) + (d(a, b) > 0.05 ? ' ⚠' : ''));
const seen = (r) => (r.name.startsWith('control') ? 'control' : r.v2TrainsAxis ? 'trained axis' : 'held out');
const flagged = [];
let md = `SDK: ${info.device} ${info.dtype}, ${info.workers} worker(s) × ${info.threads} thread(s), model ${out.model}, Chromium ${out.chromium}. ${NOTE}.\n` +
  `node: ${out.node} (onnxruntime-node, eval_families.mjs). Δ = |SDK − node|, ⚠ above 0.05.\n\n` +
  '| family | v2 training | input to the SDK | n | R@1 SDK | R@1 node | Δ | R@5 SDK | R@5 node | Δ | probes SDK / node (Δ) |\n' +
  '|---|---|---|---|---|---|---|---|---|---|---|\n';
for (const [key, r] of Object.entries(out.families)) {
  const n = nodeRows[key], m = `text→${r.kind}`;
  const probes = Object.entries(r.probes ?? {}).map(([p, v]) => {
    const nv = n?.probes?.[p]?.acc;
    if (d(v.acc, nv) > 0.05) flagged.push(`${key}: ${p} probe ${x(v.acc)} vs ${x(nv)}`);
    return `${p === 'reversed' ? 'read as opposite' : p} ${x(v.acc)} / ${x(nv)} (${dx(v.acc, nv)})`;
  });
  if (d(r[m].r1, n?.[m]?.r1) > 0.05) flagged.push(`${key}: R@1 ${x(r[m].r1)} vs ${x(n[m].r1)}`);
  md += `| ${key} | ${seen(r)} | ${r.input} | ${r[m].n} | ${x(r[m].r1)} | ${x(n?.[m]?.r1)} | ${dx(r[m].r1, n?.[m]?.r1)} | ` +
    `${x(r[m].r5)} | ${x(n?.[m]?.r5)} | ${dx(r[m].r5, n?.[m]?.r5)} | ${probes.join('; ') || '–'} |\n`;
}
md += `\n${flagged.length ? 'Above 0.05:\n' + flagged.map((s) => `- ${s}`).join('\n') : 'No R@1 or probe differs by more than 0.05.'}\n`;
md += `\nRun time ${out.seconds.total} s (SDK start ${out.seconds.start} s). Page errors: ${pageErrors.length} (HTTP: ${out.httpErrors.join(', ') || 'none'}). Requests off the server: ${foreign.length}.\n`;
console.log(md);
console.error('wrote', path.relative(ROOT, jsonOut));
if (foreign.length) process.exitCode = 1;
