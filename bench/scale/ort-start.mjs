// onnxruntime-web versions and builds on the same graph, same page setup, alternating rounds: time to
// a created session and to the first and second run of one text on the full-size CLIP replica's text
// graph. It tells how much of a start-up difference between omni-embed and transformers.js is the ORT
// version each bundles (1.30.0 vs 1.31.0-dev) rather than the library.
//   node bench/scale/ort-start.mjs [--device webgpu|wasm] [--dtype q8|fp32] [--rounds 3] [--setups a,b] [--out bench/scale/ort-start.json]
// The 1.31.1 setups read an unpacked `npm pack onnxruntime-web@1.31.1` under node_modules/.ort131/package
// (not a dependency; see the summary in the JSON for how it was made).
import { chromium } from 'playwright-core';
import { existsSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from '../../tests/server/server.mjs';
import { chromiumLaunchOptions } from '../../tests/helpers/chromium.mjs';

const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const argv = process.argv.slice(2);
const arg = (name, def) => { const i = argv.indexOf(`--${name}`); return i >= 0 ? argv[i + 1] : def; };
const DEVICE = arg('device', 'webgpu');
const DTYPE = arg('dtype', 'q8');
const ROUNDS = Number(arg('rounds', '3'));
const SETUPS = {
  'omni 1.30.0 webgpu': ['/node_modules/onnxruntime-web/dist/', 'ort.webgpu.min.mjs'],
  '1.30.0 jspi': ['/node_modules/onnxruntime-web/dist/', 'ort.jspi.min.mjs'],
  'tjs 1.31.0-dev webgpu': ['/node_modules/@huggingface/transformers/node_modules/onnxruntime-web/dist/', 'ort.webgpu.min.mjs'],
  '1.31.1 webgpu': ['/node_modules/.ort131/package/dist/', 'ort.webgpu.min.mjs'],
  '1.31.1 jspi': ['/node_modules/.ort131/package/dist/', 'ort.jspi.min.mjs'],
};
const names = arg('setups', Object.keys(SETUPS).join(',')).split(',').filter((n) => SETUPS[n] && existsSync(resolve(root, SETUPS[n][0].slice(1))));
const graph = `/replicas/full/Xenova/clip-vit-base-patch32/resolve/main/onnx/text_model${DTYPE === 'q8' ? '_quantized' : ''}.onnx`;
const log = (...a) => console.log(`[bench:ort-start ${new Date().toISOString().slice(11, 19)}]`, ...a);
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };

const server = await startServer({ port: Number(arg('port', '4613')) });
const browser = await chromium.launch(chromiumLaunchOptions({ webgpu: true }));
const samples = Object.fromEntries(names.map((n) => [n, []]));
for (let round = 0; round < ROUNDS; round++) {
  for (const name of round % 2 ? [...names].reverse() : names) {
    const page = await (await browser.newContext()).newPage();
    await page.goto(`${server.origin}/bench/embed/page.html`);
    const [dir, entry] = SETUPS[name];
    const r = await page.evaluate(({ dir, entry, graph, device, threads }) => new Promise((res) => {
      const w = new Worker('/bench/scale/ort-start-worker.js', { type: 'module' });
      w.onmessage = ({ data }) => { w.terminate(); res(data); };
      w.postMessage({ dir, entry, graph, device, threads, ids: [49406, 320, 1125, 539, 320, 2368, 49407] });
    }), { dir, entry, graph, device: DEVICE, threads: os.cpus().length });
    await page.context().close();
    if (!r.ok) throw new Error(`${name}: ${r.error}`);
    samples[name].push(r);
    log(`round ${round + 1} ${name}: create ${r.create.toFixed(0)} ms, first run ${r.first.toFixed(0)}, second ${r.second.toFixed(0)}, v[0..3] ${r.vector.map((x) => x.toFixed(4)).join(' ')}`);
  }
}
await browser.close();
await server.close();
const summary = Object.fromEntries(names.map((n) => [n, Object.fromEntries(['create', 'first', 'second'].map((k) => [k, +median(samples[n].map((s) => s[k])).toFixed(0)]))]));
for (const [n, s] of Object.entries(summary)) log(n, JSON.stringify(s), 'to first vector', s.create + s.first);
const out = arg('out', 'bench/scale/ort-start.json');
writeFileSync(resolve(root, out), JSON.stringify({ date: new Date().toISOString(), command: `node bench/scale/ort-start.mjs ${argv.join(' ')}`.trim(), device: DEVICE, dtype: DTYPE, load: os.loadavg(), summary, samples }, null, 2) + '\n');
log('wrote', out);
