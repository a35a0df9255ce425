// Real scale, audio: omni-embed vs transformers.js (ClapAudioModelWithProjection + the
// ClapFeatureExtractor its AutoFeatureExtractor reads from preprocessor_config.json) on the same
// full-size CLAP replica files (Xenova/clap-htsat-unfused layout) vs raw onnxruntime-web on ready
// input_features tensors of the same clips (the ceiling: no log-mel, no queue), once with omni-embed's onnxruntime-web
// and once with transformers.js's pinned one (rawTjsOrt: the runtime's share of a gap). WASM, fp32 and q8, 1 worker × every
// core as an ORT thread for every setup. The clips are seeded synthetic 10 s waveforms at 48 kHz
// (bench/scale/clips.js), made in the page, the same samples for both libraries, handed over as PCM
// so no decoder sits in the timed region. All three run in one page, in alternating rounds. Also
// reports the cosine between omni-embed's and transformers.js's vector of each clip.
//   node scripts/build.mjs && node bench/scale/compare.mjs --model clap [--rounds 3] [--clips 8] [--only fp32,q8] [--libs omni,tjs,raw,rawTjsOrt] [--omni-before bench/.out/omni-before] [--port 4612] [--out bench/scale/compare-audio.json]
import { chromium } from 'playwright-core';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from '../../tests/server/server.mjs';
import { chromiumLaunchOptions } from '../../tests/helpers/chromium.mjs';
import { TJS_ORT_URL, buildTjs, tjsVersions } from '../embed/build-tjs.mjs';
import { snapshotOmni } from '../embed/snapshot.mjs';

const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const argv = process.argv.slice(2);
const arg = (name, def) => { const i = argv.indexOf(`--${name}`); return i >= 0 ? argv[i + 1] : def; };
const DTYPES = arg('only', 'fp32,q8').split(',');
// --omni-before <dir>: a second omni-embed build (a folder with index.js + workers/, e.g. a snapshot
// of dist/browser before a change) measured in the same rounds as the current one, as 'omni-before'.
const BEFORE = arg('omni-before', null);
const LIBS = [...arg('libs', 'omni,tjs,raw,rawTjsOrt').split(','), ...(BEFORE ? ['omni-before'] : [])];
const ROUNDS = Number(arg('rounds', '3'));
const THREADS = os.cpus().length;
// 8 clips: one full batch for each library (omni-embed's audio micro-batch and the tjs worker's are 8).
const N = { clips: Number(arg('clips', '8')), seconds: 10, sampleRate: 48000, seed: 4242 };
const REPO = 'Xenova/clap-htsat-unfused';
const SUFFIX = { fp32: '', q8: '_quantized' };
const log = (...a) => console.log(`[bench:compare-audio ${new Date().toISOString().slice(11, 19)}]`, ...a);
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const loadAtStart = os.loadavg().map((x) => +x.toFixed(2));

// omni-embed's cold start downloads every graph of the preset, so the text tower is needed too.
execFileSync('/usr/bin/python3', ['tools/replicas/make.py', '--model', 'clap', '--scale', 'full', '--variants=,_quantized'], { cwd: root, stdio: 'inherit' });
await snapshotOmni();
await buildTjs();

const server = await startServer({ port: Number(arg('port', '4612')) });
const browser = await chromium.launch(chromiumLaunchOptions());

async function sideBySide(page, dtype) {
  return page.evaluate(async ({ dtype, n, threads, suffix, repo, origin, rounds, libs, tjsOrtDir, before }) => {
    const B = await import('/bench/embed/harness.js');
    const { synthClips } = await import('/bench/scale/clips.js');
    const clips = synthClips(n.clips, n).map((samples) => ({ samples, sampleRate: n.sampleRate }));
    await B.loadInputs({ captions: [], images: [], audio: clips });
    const hub = { model: 'clap-htsat-unfused', host: `${origin}/replicas/full`, localModelPath: '/replicas/full/', modelId: repo, maxLength: 77, sampleRate: n.sampleRate };
    const workers = [];
    const rawWorker = () => {
      const w = new Worker('/bench/scale/raw-worker.js', { type: 'module' });
      workers.push(w);
      return (msg) => new Promise((res, rej) => { w.onmessage = ({ data }) => (data.ok ? res(data) : rej(new Error(data.error))); w.postMessage(msg); });
    };
    // 10 s at hop 480 with centred frames: 1 + 480000 / 480 = 1001 frames of 64 mel bins.
    const shape = { frames: 1 + Math.floor((n.seconds * n.sampleRate) / 480), melBins: 64 };
    const run = {};
    const setup = {};
    let rawEmbeds = null;
    const libraries = ['omni', 'omni-before', 'tjs'].filter((l) => libs.includes(l));
    for (const lib of libraries) {
      const t0 = performance.now();
      await B.create(lib, { dtype, workers: 1, threads, hub, batch: { audio: n.clips }, ...(lib === 'omni-before' ? { omniUrl: `/${before}/index.js` } : {}) });
      await B.warm(lib, 'audio', 1);
      setup[lib] = performance.now() - t0;
      run[lib] = {
        clips: async () => (await B.throughput(lib, 'audio', n.clips)).perSec,
        one: async () => (await B.latency(lib, 'audio', 1))[0],
      };
    }
    // raw: omni-embed's onnxruntime-web (its ceiling); rawTjsOrt: transformers.js's pinned build;
    // rawB1: omni-embed's, one clip per run (is a batch of 8 worth it on this graph?).
    // The raw runs get the clips' real features (transformers.js's ClapFeatureExtractor on the same
    // samples, equal to omni-embed's within 1e-5 dB): a synthetic pattern ran at other speeds.
    const T = await import('/bench/.out/tjs/transformers.js');
    // Its spectrogram applies the mel filters with an ORT op: point ORT at the served files, not its CDN default.
    T.env.backends.onnx.wasm.wasmPaths = { mjs: `${origin}${tjsOrtDir}ort-wasm-simd-threaded.asyncify.mjs`, wasm: `${origin}${tjsOrtDir}ort-wasm-simd-threaded.asyncify.wasm` };
    T.env.backends.onnx.wasm.numThreads = 1;
    const fx = new T.ClapFeatureExtractor(await (await fetch(`/replicas/full/${repo}/preprocessor_config.json`)).json());
    const perClip = shape.frames * shape.melBins;
    const feats = new Float32Array(n.clips * perClip);
    for (let i = 0; i < n.clips; i++) feats.set((await fx(clips[i].samples)).input_features.data, i * perClip);
    const raws = { raw: [undefined, [n.clips]], rawTjsOrt: [tjsOrtDir, [n.clips]], rawB1: [undefined, Array(n.clips).fill(1)] };
    for (const [lib, [ortDir, sizes]] of Object.entries(raws).filter(([l]) => libs.includes(l))) {
      const call = rawWorker();
      const t0 = performance.now();
      await call({ op: 'init', threads, ortDir, files: { audio: `/replicas/full/${repo}/resolve/main/onnx/audio_model${suffix}.onnx` } });
      await call({ op: 'features', data: feats, perClip });
      if (lib === 'raw') rawEmbeds = (await call({ kind: 'audio', sizes: [n.clips], ...shape, embeds: true })).embeds[0];
      await call({ kind: 'audio', sizes: [1], ...shape });
      setup[lib] = performance.now() - t0;
      run[lib] = {
        clips: async () => n.clips / ((await call({ kind: 'audio', sizes, ...shape })).ms / 1000),
        one: async () => (await call({ kind: 'audio', sizes: [1], ...shape })).ms,
      };
    }
    // The same clips through both libraries (and raw ORT): their vectors should agree (same file, same features).
    const cosines = (a, b) => a.map((x, i) => {
      let d = 0, na = 0, nb = 0;
      for (let k = 0; k < x.length; k++) { d += x[k] * b[i][k]; na += x[k] * x[k]; nb += b[i][k] * b[i][k]; }
      return d / Math.sqrt(na * nb);
    });
    let agreement = null;
    if (run.omni && run.tjs) {
      const [a, b] = [await B.vectors('omni', 'audio', n.clips), await B.vectors('tjs', 'audio', n.clips)];
      const cos = cosines(a, b);
      // How far apart two different clips are, for scale: agreement only means something below it.
      const across = a.slice(1).map((x, i) => x.reduce((s, v, k) => s + v * a[0][k], 0));
      agreement = { cosPerClip: cos, minCos: Math.min(...cos), omniClip0VsOthersMaxCos: Math.max(...across) };
      if (rawEmbeds) {
        const d = rawEmbeds.length / n.clips;
        agreement.omniVsRawMinCos = Math.min(...cosines(a, Array.from({ length: n.clips }, (_, i) => rawEmbeds.subarray(i * d, (i + 1) * d))));
      }
    }
    const out = Object.fromEntries(Object.keys(run).map((l) => [l, { clipsPerS: [], oneClipMs: [] }]));
    const order = Object.keys(run);
    for (let r = 0; r < rounds; r++) {
      for (const lib of r % 2 ? [...order].reverse() : order) {
        out[lib].clipsPerS.push(await run[lib].clips());
        out[lib].oneClipMs.push(await run[lib].one());
      }
    }
    workers.forEach((w) => w.terminate());
    for (const lib of libraries) await B.dispose(lib);
    return { side: out, agreement, setupMs: setup };
  }, { dtype, n: N, threads: THREADS, suffix: SUFFIX[dtype], repo: REPO, origin: server.origin, rounds: ROUNDS, libs: LIBS, tjsOrtDir: TJS_ORT_URL, before: BEFORE });
}

const results = {};
try {
  for (const dtype of DTYPES) {
    const page = await browser.newPage();
    page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') log(`page ${m.type()}: ${m.text().slice(0, 200)}`); });
    await page.goto(`${server.origin}/bench/embed/page.html`);
    const r = await sideBySide(page, dtype);
    await page.close();
    for (const [lib, m] of Object.entries(r.side)) log(`${dtype} ${lib}`, JSON.stringify(Object.fromEntries(Object.entries(m).map(([k, v]) => [k, v.map((x) => +x.toFixed(3))]))));
    log(`${dtype} omni vs tjs`, JSON.stringify(r.agreement));
    results[dtype] = r;
  }
} finally {
  await browser.close();
  await server.close();
}

const summary = {};
for (const [dtype, r] of Object.entries(results)) {
  const s = (summary[dtype] = {});
  for (const [lib, m] of Object.entries(r.side)) {
    s[lib] = { clipsPerS: +median(m.clipsPerS).toFixed(3), clipsPerSRange: [+Math.min(...m.clipsPerS).toFixed(3), +Math.max(...m.clipsPerS).toFixed(3)], oneClipMs: Math.round(median(m.oneClipMs)) };
  }
  // Per-round ratios (both sides of a round measured back to back), then their median.
  const ratio = (a, b) => (r.side[a] && r.side[b] ? +median(r.side[a].clipsPerS.map((x, i) => x / r.side[b].clipsPerS[i])).toFixed(2) : null);
  s.ratios = {
    'clips omni/raw': ratio('omni', 'raw'), 'clips omni/tjs': ratio('omni', 'tjs'),
    'clips tjs/rawTjsOrt': ratio('tjs', 'rawTjsOrt'), 'clips rawTjsOrt/raw': ratio('rawTjsOrt', 'raw'), 'clips rawB1/raw': ratio('rawB1', 'raw'), 'clips omni/omni-before': ratio('omni', 'omni-before'),
  };
  s.omniVsTjs = r.agreement && { minCos: +r.agreement.minCos.toFixed(6), omniClip0VsOthersMaxCos: +r.agreement.omniClip0VsOthersMaxCos.toFixed(6), omniVsRawMinCos: r.agreement.omniVsRawMinCos === undefined ? null : +r.agreement.omniVsRawMinCos.toFixed(6) };
}
console.log(JSON.stringify(summary, null, 1));
writeFileSync(resolve(root, arg('out', 'bench/scale/compare-audio.json')), JSON.stringify({
  date: new Date().toISOString(), command: `node bench/scale/compare.mjs ${argv.join(' ')}`.trim(),
  machine: `${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB; load average at start ${loadAtStart.join(', ')}, at end ${os.loadavg().map((x) => x.toFixed(2)).join(', ')}`,
  versions: tjsVersions(), model: `${REPO} replica (tools/replicas, seed 0), audio tower, WASM, 1 worker × ${THREADS} threads for every setup`,
  n: { ...N, rounds: ROUNDS }, summary, results,
}, null, 1) + '\n');
