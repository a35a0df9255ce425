// transformers.js side of the benchmark, in a dedicated module worker: its recommended way to keep
// inference off the main thread (transformers.js has no worker pool of its own). Loads its CLIP/CLAP
// model classes on the same omni-tiny ONNX files, fully offline, with its own pinned onnxruntime-web.
const ORT_DIR = '/node_modules/@huggingface/transformers/node_modules/onnxruntime-web/dist/';
let T; // the transformers.js module
const models = {};
let opts;
let MODEL = 'omni-tiny';
let MAX_LENGTH = 32;

async function init(o) {
  opts = o;
  MODEL = o.modelId ?? MODEL;
  MAX_LENGTH = o.maxLength ?? MAX_LENGTH;
  T = await import('/bench/.out/tjs/transformers.js');
  const { env } = T;
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  // A path, not an absolute URL: transformers.js 4.3.1's file-existence probe (_get_file_metadata)
  // skips local paths that are http(s) URLs, so with origin + '/models/' AutoTokenizer finds no
  // tokenizer_config.json and fails ("reading 'tokenizer_class'"). Same files, same server.
  env.localModelPath = o.localModelPath ?? '/models/';
  env.useBrowserCache = o.cache !== false;
  env.backends.onnx.wasm.wasmPaths = {
    mjs: `${self.location.origin}${ORT_DIR}ort-wasm-simd-threaded.asyncify.mjs`,
    wasm: `${self.location.origin}${ORT_DIR}ort-wasm-simd-threaded.asyncify.wasm`,
  };
  env.backends.onnx.wasm.numThreads = o.threads;
  return { version: T.env.version, ort: env.backends.onnx.versions?.web ?? null };
}

const load = {
  text: async () => ({
    tokenizer: await T.AutoTokenizer.from_pretrained(MODEL),
    model: await T.CLIPTextModelWithProjection.from_pretrained(MODEL, { device: opts.device, dtype: opts.dtype }),
  }),
  image: async () => ({
    processor: await T.AutoImageProcessor.from_pretrained(MODEL),
    model: await T.CLIPVisionModelWithProjection.from_pretrained(MODEL, { device: opts.device, dtype: opts.dtype }),
  }),
  audio: async () => ({
    // A hub repo (the CLAP replica) is read the documented way: its preprocessor_config.json names
    // ClapFeatureExtractor. omni-tiny keeps its audio processor config beside the image one, and
    // transformers.js has no Auto* entry for a second config, so there it is built from that file.
    processor: MODEL === 'omni-tiny'
      ? new T.ClapFeatureExtractor(await (await fetch('/models/omni-tiny/audio_preprocessor_config.json')).json())
      : await T.AutoFeatureExtractor.from_pretrained(MODEL),
    model: await T.ClapAudioModelWithProjection.from_pretrained(MODEL, { device: opts.device, dtype: opts.dtype }),
  }),
};
const get = (kind) => (models[kind] ??= load[kind]());

function normalizeInto(out, offset, data, start, dim) {
  let s = 0;
  for (let k = 0; k < dim; k++) s += data[start + k] * data[start + k];
  const inv = 1 / Math.sqrt(s || 1);
  for (let k = 0; k < dim; k++) out[offset + k] = data[start + k] * inv;
}

async function runBatch(kind, items) {
  const m = await get(kind);
  let out;
  if (kind === 'text') {
    const inputs = m.tokenizer(items, { padding: true, truncation: true, max_length: MAX_LENGTH });
    out = (await m.model(inputs)).text_embeds;
  } else if (kind === 'image') {
    const images = await Promise.all(items.map((b) => T.RawImage.fromBlob(b)));
    const { pixel_values } = await m.processor(images);
    out = (await m.model({ pixel_values })).image_embeds;
  } else {
    const feats = [];
    for (const samples of items) feats.push((await m.processor(samples)).input_features);
    const input_features = feats.length === 1 ? feats[0] : T.cat(feats, 0);
    out = (await m.model({ input_features })).audio_embeds;
  }
  return out;
}

async function embed({ kind, items, batch }) {
  const t0 = performance.now();
  await get(kind);
  let vectors = null;
  let dim = 0;
  for (let i = 0; i < items.length; i += batch) {
    const chunk = items.slice(i, i + batch);
    const out = await runBatch(kind, chunk);
    dim = out.dims[1];
    vectors ??= new Float32Array(items.length * dim);
    const data = out.data;
    for (let j = 0; j < chunk.length; j++) normalizeInto(vectors, (i + j) * dim, data, j * dim, dim);
    if (typeof out.dispose === 'function') out.dispose();
  }
  return { vectors, dim, ms: performance.now() - t0 };
}

self.onmessage = async ({ data: { id, op, args } }) => {
  try {
    let result;
    if (op === 'init') result = await init(args);
    else if (op === 'load') { for (const k of args.kinds) await get(k); result = true; }
    else if (op === 'embed') result = await embed(args);
    else throw new Error(`unknown op ${op}`);
    self.postMessage({ id, result }, result?.vectors ? [result.vectors.buffer] : []);
  } catch (err) {
    self.postMessage({ id, error: String(err?.stack ?? err) });
  }
};
