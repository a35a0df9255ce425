// Where the time goes: a Chromium trace with V8's sampling profiler on every thread of the renderer
// (page, library workers, ORT's thread-pool workers) while one library embeds one batch.
//   node bench/embed/profile.mjs [--kinds text,image,audio] [--n 1000,300,40] [--libs omni,tjs]
//     [--omni-opts '{"workers":1,"threads":2}'] [--tjs-opts '{"threads":1}'] [--out bench/embed/profile.json] [--port 4602]
// Prints, per library and workload, the share of CPU samples by thread and by category (ORT wasm
// kernels, library JS by file, GC, idle), and the top self-time functions; writes bench/embed/profile.json.
import { chromium } from 'playwright-core';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import { startServer } from '../../tests/server/server.mjs';
import { chromiumLaunchOptions } from '../../tests/helpers/chromium.mjs';

const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const argv = process.argv.slice(2);
const arg = (name, def) => { const i = argv.indexOf(`--${name}`); return i >= 0 ? argv[i + 1] : def; };
const KINDS = arg('kinds', 'text,image,audio').split(',');
const NS = arg('n', '1000,300,40').split(',').map(Number);
const PORT = Number(arg('port', '4602'));
const LIBS = arg('libs', 'omni,tjs').split(',');
const OPTS = JSON.parse(arg('omni-opts', '{}'));
const TJS_OPTS = JSON.parse(arg('tjs-opts', '{}'));
const OUT = arg('out', 'bench/embed/profile.json');

const items = JSON.parse(readFileSync(resolve(root, 'data/heldout/index.json'), 'utf8')).items;
const inputs = {
  captions: [...new Set(items.map((i) => i.caption))],
  images: items.filter((i) => i.files?.image).map((i) => i.files.image),
  audio: items.filter((i) => i.files?.audio).map((i) => i.files.audio),
};

function categorize(frame) {
  const fn = frame.functionName || '';
  const url = frame.url || '';
  if (fn === '(idle)') return 'idle';
  if (fn === '(garbage collector)') return 'GC';
  if (fn === '(program)' || fn === '(root)') return 'program (native/runtime)';
  if (url.endsWith('.wasm') || /^\$?func\d+|^\$|wasm-function/.test(fn) || frame.codeType === 'wasm' || url.startsWith('wasm://')) return 'ORT wasm';
  const file = url.split('/').pop() || '(native)';
  return `JS ${file}`;
}

function analyze(trace) {
  const events = trace.traceEvents ?? trace;
  const threadNames = new Map();
  for (const e of events) if (e.name === 'thread_name') threadNames.set(`${e.pid}:${e.tid}`, e.args?.name);
  const profiles = new Map(); // id → { key, nodes: Map, samples: [] }
  for (const e of events) {
    if (e.name === 'Profile') profiles.set(`${e.pid}:${e.id}`, { key: `${e.pid}:${e.tid}`, nodes: new Map(), samples: [] });
    if (e.name === 'ProfileChunk') {
      const p = profiles.get(`${e.pid}:${e.id}`);
      if (!p) continue;
      const cp = e.args?.data?.cpuProfile ?? {};
      for (const n of cp.nodes ?? []) p.nodes.set(n.id, n);
      const deltas = e.args?.data?.timeDeltas ?? [];
      (cp.samples ?? []).forEach((s, i) => p.samples.push({ node: s, dt: deltas[i] ?? 0 }));
    }
  }
  const byThread = {};
  const byCat = {};
  const byFn = {};
  let total = 0;
  for (const p of profiles.values()) {
    const tname = threadNames.get(p.key) ?? p.key;
    for (const { node, dt } of p.samples) {
      const n = p.nodes.get(node);
      if (!n) continue;
      const cf = n.callFrame ?? {};
      const cat = categorize(cf);
      if (cat === 'idle') continue;
      const us = Math.max(0, dt);
      total += us;
      byThread[tname] = (byThread[tname] ?? 0) + us;
      byCat[cat] = (byCat[cat] ?? 0) + us;
      const fk = `${cf.functionName || '(anonymous)'} @ ${(cf.url || '').split('/').pop()}`;
      byFn[fk] = (byFn[fk] ?? 0) + us;
    }
  }
  const top = (o, k) => Object.entries(o).sort((a, b) => b[1] - a[1]).slice(0, k).map(([name, us]) => ({ name, ms: +(us / 1000).toFixed(1), share: +(us / total).toFixed(3) }));
  return { busyMs: +(total / 1000).toFixed(1), threads: top(byThread, 12), categories: top(byCat, 12), functions: top(byFn, 20) };
}

const server = await startServer({ port: PORT });
const browser = await chromium.launch(chromiumLaunchOptions());
const out = {};
try {
  for (const lib of LIBS) {
    const page = await (await browser.newContext()).newPage();
    await page.goto(`${server.origin}/bench/embed/page.html`);
    await page.evaluate(async ({ lib, inputs, opts, tjsOpts }) => {
      window.B = await import('/bench/embed/harness.js');
      await window.B.loadInputs(inputs);
      await window.B.create(lib, { device: 'wasm', dtype: 'fp32', ...(lib === 'omni' ? opts : tjsOpts) });
    }, { lib, inputs, opts: OPTS, tjsOpts: TJS_OPTS });
    for (const [i, kind] of KINDS.entries()) {
      const n = NS[i] ?? 100;
      await page.evaluate(({ lib, kind, n }) => window.B.warm(lib, kind, Math.min(n, 64)), { lib, kind, n });
      await browser.startTracing(page, { categories: ['disabled-by-default-v8.cpu_profiler', 'v8', '__metadata'] });
      const t = await page.evaluate(({ lib, kind, n }) => window.B.throughput(lib, kind, n), { lib, kind, n });
      const buf = await browser.stopTracing();
      const a = analyze(JSON.parse(buf.toString()));
      out[`${lib}/${kind}`] = { n, wallMs: +t.ms.toFixed(1), perSec: +t.perSec.toFixed(1), ...a };
      console.log(`\n== ${lib} ${kind} ×${n}: ${t.ms.toFixed(0)} ms wall, ${t.perSec.toFixed(1)}/s, CPU busy ${a.busyMs} ms`);
      console.log('  threads:', a.threads.map((x) => `${x.name} ${x.ms}`).join(' | '));
      console.log('  categories:', a.categories.map((x) => `${x.name} ${(x.share * 100).toFixed(1)}%`).join(' | '));
      console.log('  top:', a.functions.slice(0, 10).map((x) => `${x.name} ${(x.share * 100).toFixed(1)}%`).join(' | '));
    }
    await page.evaluate((lib) => window.B.dispose(lib), lib);
    await page.context().close();
  }
} finally {
  await browser.close();
  await server.close();
}
writeFileSync(resolve(root, OUT), JSON.stringify({ date: new Date().toISOString(), command: `node bench/embed/profile.mjs ${argv.join(' ')}`.trim(), results: out }, null, 1) + '\n');
