// Page side of the benchmark: both libraries, the same inputs, the same page. Loaded by run.mjs
// into a blank page served from the repo root (COOP/COEP, so WASM threads are available).
const OMNI_URL = '/bench/.out/omni/index.js'; // a snapshot of dist/browser taken by run.mjs
const MODEL_URL = '/models/omni-tiny/';
// omni-embed's own ORT runtime files, copied beside the snapshot's worker by run.mjs.
const OMNI_WASM = new URL('/bench/.out/omni/workers/', location.href).href;

const state = { inputs: null, libs: {} };

async function blobs(paths) {
  return Promise.all(paths.map((p) => fetch(`/data/heldout/${p}`).then((r) => r.blob())));
}
const cycle = (arr, n) => Array.from({ length: n }, (_, i) => arr[i % arr.length]);

/** `audio`: paths under data/heldout/ (decoded per library) or ready PCM `{ samples, sampleRate }`. */
export async function loadInputs({ captions, images, audio }) {
  const paths = audio.filter((a) => typeof a === 'string');
  const pcm = audio.filter((a) => typeof a !== 'string');
  state.inputs = { captions, images: await blobs(images), audio: [...(await blobs(paths)), ...pcm] };
  return { captions: captions.length, images: state.inputs.images.length, audio: state.inputs.audio.length };
}

// ---------- transformers.js, in its worker ----------
class TjsClient {
  constructor() {
    this.worker = new Worker('/bench/embed/tjs-worker.js', { type: 'module', name: 'tjs' });
    this.seq = 0;
    this.pending = new Map();
    this.worker.onmessage = ({ data }) => {
      const p = this.pending.get(data.id);
      this.pending.delete(data.id);
      data.error ? p.reject(new Error(data.error)) : p.resolve(data.result);
    };
    this.worker.onerror = (e) => { for (const p of this.pending.values()) p.reject(new Error(`tjs worker: ${e.message}`)); };
  }
  call(op, args, transfer = []) {
    const id = ++this.seq;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, op, args }, transfer);
    });
  }
  dispose() { this.worker.terminate(); }
}

// transformers.js's own read_audio() decodes with an AudioContext at the model's rate, on the page
// (workers have no Web Audio); we do the same, inside the timed region, as omni-embed does.
// Ready PCM is copied (the copy is transferred away) and must already be at the model's rate:
// transformers.js's feature extractors take samples, not a rate, and do not resample.
async function toTjsAudio(item, rate) {
  if (!(item instanceof Blob)) {
    if (item.sampleRate !== rate) throw new Error(`tjs: PCM at ${item.sampleRate} Hz for a ${rate} Hz model`);
    return item.samples.slice();
  }
  const ctx = new OfflineAudioContext(1, 1, rate);
  const buf = await ctx.decodeAudioData(await item.arrayBuffer());
  return buf.getChannelData(0).slice();
}

const BATCH = { text: 64, image: 16, audio: 8 }; // transformers.js batch sizes (overridable)

/** lib: 'omni' (or 'omni-…' with `omniUrl`: another build's index.js, beside its workers/), or 'tjs…' (any name starting with tjs: a transformers.js setup with its own workers/threads). */
/** `hub`: a hub repo instead of omni-tiny: { model (preset), host, localModelPath, modelId, maxLength, sampleRate } (bench/scale). */
/** `faults`: omni-embed's test-only `_faults` (e.g. `{ compileInWorker: true }` for the start before the runtime hand-over). */
/** `ortFile`: one ORT runtime file in omni-embed's folder, which pins its build (e.g. the asyncify one, the start before the wasm build). */
export async function create(lib, { device = 'wasm', dtype = 'fp32', threads, workers, cache, batch, hub, omniUrl, faults, ortFile } = {}) {
  const cores = navigator.hardwareConcurrency || 2;
  const t0 = performance.now();
  if (lib === 'omni' || lib.startsWith('omni-')) {
    const m = await import(omniUrl ?? OMNI_URL);
    let wasmPaths = omniUrl ? new URL('workers/', new URL(omniUrl, location.href)).href : OMNI_WASM;
    if (ortFile) wasmPaths = { wasm: new URL(ortFile, wasmPaths).href };
    const model = hub ? { model: hub.model, host: hub.host } : { modelUrl: MODEL_URL };
    const e = await m.createEmbedder({ device, dtype, ...model, wasmPaths, ...(threads ? { threads } : {}), ...(workers ? { workers } : {}), ...(cache === false ? { cache: false } : {}), ...(faults ? { _faults: faults } : {}) });
    state.libs[lib] = {
      embedder: e,
      async embedMany(kind, items) {
        const res = await Promise.all(items.map((x) => e.embed(x)));
        return { count: res.length, dim: res[0].vector.length, first: Array.from(res[0].vector.slice(0, 4)), all: res.map((r) => r.vector) };
      },
      dispose: () => e.dispose(),
    };
  } else {
    // transformers.js has no worker pool; we give it one (W workers, each its own model copy, batches
    // pulled from a shared queue) because that measured fastest for it here: ORT's intra-op thread pool
    // spends about a third of its CPU synchronising on these tiny graphs (see bench/embed/profile*.json).
    const W = workers ?? cores;
    const clients = Array.from({ length: W }, () => new TjsClient());
    const where = hub ? { localModelPath: hub.localModelPath, modelId: hub.modelId, maxLength: hub.maxLength } : {};
    const infos = await Promise.all(clients.map((c) => c.call('init', { device, dtype, threads: threads ?? 1, cache, ...where })));
    const b = { ...BATCH, ...(batch ?? {}) };
    state.libs[lib] = {
      clients,
      info: { ...infos[0], workers: W, threads: threads ?? 1, batch: b },
      async embedMany(kind, items) {
        let payload = items;
        if (kind === 'audio') payload = await Promise.all(items.map((x) => toTjsAudio(x, hub?.sampleRate ?? 16000)));
        const chunks = [];
        for (let i = 0; i < payload.length; i += b[kind]) chunks.push({ start: i, items: payload.slice(i, i + b[kind]) });
        const vectors = [];
        let dim = 0;
        let next = 0;
        await Promise.all(clients.map(async (c) => {
          while (next < chunks.length) {
            const chunk = chunks[next++];
            const transfer = kind === 'audio' ? chunk.items.map((x) => x.buffer) : [];
            const r = await c.call('embed', { kind, items: chunk.items, batch: b[kind] }, transfer);
            dim = r.dim;
            vectors[chunk.start / b[kind]] = r.vectors;
          }
        }));
        const count = vectors.reduce((s, v) => s + v.length / dim, 0);
        const flat = vectors.flatMap((v) => Array.from({ length: v.length / dim }, (_, i) => v.subarray(i * dim, (i + 1) * dim)));
        return { count, dim, first: Array.from(vectors[0].slice(0, 4)), all: flat };
      },
      dispose: () => clients.forEach((c) => c.dispose()),
    };
  }
  return { ms: performance.now() - t0, info: state.libs[lib].info ?? null };
}

function itemsFor(kind, n) {
  const src = kind === 'text' ? state.inputs.captions : kind === 'image' ? state.inputs.images : state.inputs.audio;
  return cycle(src, n);
}

/** Warm-up: loads the graph for this modality and runs one small batch, outside any timed region. */
export async function warm(lib, kind, n = 8) {
  const t0 = performance.now();
  await state.libs[lib].embedMany(kind, itemsFor(kind, n));
  return performance.now() - t0;
}

/** One timed throughput run; main-thread long tasks observed over the same window. */
export async function throughput(lib, kind, n) {
  const items = itemsFor(kind, n);
  const long = [];
  const obs = new PerformanceObserver((list) => list.getEntries().forEach((e) => long.push(Math.round(e.duration))));
  obs.observe({ type: 'longtask' });
  // A frame counter: the main thread's responsiveness as an animation would see it.
  let frames = 0, maxGap = 0, last = performance.now(), running = true;
  const tick = (t) => { frames++; maxGap = Math.max(maxGap, t - last); last = t; if (running) requestAnimationFrame(tick); };
  requestAnimationFrame(tick);
  const t0 = performance.now();
  const r = await state.libs[lib].embedMany(kind, items);
  const ms = performance.now() - t0;
  running = false;
  await new Promise((res) => setTimeout(res, 50));
  obs.takeRecords().forEach((e) => long.push(Math.round(e.duration)));
  obs.disconnect();
  if (r.count !== n) throw new Error(`${lib} ${kind}: ${r.count} vectors for ${n} inputs`);
  return { ms, perSec: (n * 1000) / ms, longTasks: long.length, longTaskMs: long.reduce((a, b) => a + b, 0), maxFrameGapMs: Math.round(maxGap), first: r.first };
}

/** The unit vectors of the first `n` inputs of a kind, in input order (to compare libraries). */
export async function vectors(lib, kind, n) {
  return (await state.libs[lib].embedMany(kind, itemsFor(kind, n))).all;
}

/** Sequential single-item latency (one request at a time, nothing else queued). */
export async function latency(lib, kind, reps) {
  const items = itemsFor(kind, reps);
  const times = [];
  for (const x of items) {
    const t0 = performance.now();
    await state.libs[lib].embedMany(kind, [x]);
    times.push(performance.now() - t0);
  }
  return times;
}

export async function memory() {
  const out = {};
  if (performance.measureUserAgentSpecificMemory) {
    try {
      const m = await performance.measureUserAgentSpecificMemory();
      out.uaBytes = m.bytes;
      out.breakdown = m.breakdown.filter((b) => b.bytes > 0).map((b) => ({ bytes: b.bytes, types: b.types, scope: b.attribution.map((a) => `${a.scope}:${(a.url || '').split('/').pop()}`).join(',') }));
    } catch (err) { out.uaError = String(err); }
  }
  if (performance.memory) out.mainHeapUsed = performance.memory.usedJSHeapSize;
  return out;
}

export async function dispose(lib) {
  await state.libs[lib]?.dispose();
  delete state.libs[lib];
}

/** First visit / revisit: from nothing to the first text embedding. */
export async function startToFirst(lib, opts) {
  const t0 = performance.now();
  const c = await create(lib, opts);
  const t1 = performance.now();
  await state.libs[lib].embedMany('text', ['a red circle']);
  const t2 = performance.now();
  return { createMs: t1 - t0, firstEmbedMs: t2 - t1, totalMs: t2 - t0, info: c.info };
}

export async function gpuInfo() {
  const a = await navigator.gpu?.requestAdapter().catch(() => null);
  if (!a) return null;
  const i = a.info ?? {};
  return { vendor: i.vendor, architecture: i.architecture, device: i.device, description: i.description };
}
