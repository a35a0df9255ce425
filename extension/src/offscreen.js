// The offscreen document: owns the embedder (one Web Worker running onnxruntime-web on WASM) and
// the library (a VectorIndex persisted in this extension's IndexedDB). It is created on demand by
// the service worker and holds no state that is not also in IndexedDB, so Chrome may close it and
// a later message simply recreates it.
import { createEmbedder, createIndex, deletePersistedIndex } from './sdk/index.js';

const LIBRARY = 'library';
const THUMB = 96;

let ready;
/** Model + index, loaded once per document on the first message. */
function engine() {
  ready ??= (async () => {
    const isolated = globalThis.crossOriginIsolated === true;
    const t0 = performance.now();
    const embedder = await createEmbedder({
      // Every file comes from the extension package: works offline, fetches nothing else.
      modelUrl: chrome.runtime.getURL('models/omni-tiny/'),
      wasmPaths: chrome.runtime.getURL('sdk/workers/'),
      workerUrl: chrome.runtime.getURL('sdk/workers/embed.worker.js'),
      device: 'wasm',
      dtype: 'q8',
      workers: 1,
      // Threads need cross-origin isolation (COOP/COEP manifest keys); otherwise ORT runs on one.
      threads: isolated ? Math.min(2, navigator.hardwareConcurrency || 1) : 1,
      // The files are already on disk; copying them into the Cache API would only double them.
      cache: false,
    });
    // The library holds vectors of the model's width, whatever model the extension ships.
    const index = await openLibrary(embedder.info.dims);
    return { embedder, index, isolated, loadMs: Math.round(performance.now() - t0) };
  })();
  ready.catch(() => { ready = undefined; });
  return ready;
}

/** The persisted library; one saved by a model of another width is useless to this one and is replaced. */
async function openLibrary(dims) {
  const options = { dims, metric: 'cosine', device: 'cpu', persist: { name: LIBRARY } };
  try {
    return await createIndex(options);
  } catch (err) {
    if (err?.code !== 'index_persist_mismatch') throw err;
    console.warn(`the saved library does not fit a ${dims}-d model: starting a new one`, err);
    await deletePersistedIndex(LIBRARY);
    return createIndex(options);
  }
}

class FetchError extends Error {
  code = 'fetch_failed';
}

async function imageBlob({ src, dataUrl }) {
  const url = dataUrl ?? src;
  let res;
  try {
    res = await fetch(url, { credentials: 'omit' });
  } catch (err) {
    throw new FetchError(`could not fetch ${src}: ${err.message}`);
  }
  if (!res.ok) throw new FetchError(`could not fetch ${src}: HTTP ${res.status}`);
  const blob = await res.blob();
  // Some servers send images as application/octet-stream; the embedder types blobs by MIME type.
  return blob.type.startsWith('image/') ? blob : new Blob([blob], { type: 'image/png' });
}

async function thumbnail(blob) {
  const bitmap = await createImageBitmap(blob);
  const scale = Math.min(1, THUMB / Math.max(bitmap.width, bitmap.height));
  const canvas = new OffscreenCanvas(Math.max(1, Math.round(bitmap.width * scale)), Math.max(1, Math.round(bitmap.height * scale)));
  canvas.getContext('2d').drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  bitmap.close();
  const out = await canvas.convertToBlob({ type: 'image/png' });
  return await new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(reader.result);
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(out);
  });
}

const results = (hits) => hits.map((h) => ({ id: h.id, score: h.score, ...h.metadata }));

const handlers = {
  async status() {
    const { index, isolated, loadMs, embedder } = await engine();
    return { count: index.count, dims: index.dims, crossOriginIsolated: isolated, loadMs, device: embedder.info.device, dtype: embedder.info.dtype };
  },
  async save({ src, dataUrl, pageUrl, title }) {
    const { embedder, index } = await engine();
    const blob = await imageBlob({ src, dataUrl });
    const [{ vector }, thumb] = await Promise.all([embedder.embed(blob), thumbnail(blob)]);
    await index.upsert({ id: src, vector, metadata: { src, pageUrl: pageUrl ?? null, title: title ?? null, thumb, savedAt: Date.now() } });
    await index.commit();
    return { id: src, count: index.count };
  },
  async search({ text, k = 10 }) {
    const { embedder, index } = await engine();
    if (!index.count) return { results: [] };
    const { vector } = await embedder.embed(String(text));
    return { results: results(await index.search(vector, { k })) };
  },
  async similar({ src, dataUrl, k = 10 }) {
    const { embedder, index } = await engine();
    // An image already in the library is searched with its stored vector: no fetch, no inference.
    const vector = index.get(src)?.vector ?? (await embedder.embed(await imageBlob({ src, dataUrl }))).vector;
    return { results: results(await index.search(vector, { k, exclude: [src] })) };
  },
  async remove({ id }) {
    const { index } = await engine();
    const removed = await index.remove(id);
    await index.commit();
    return { removed, count: index.count };
  },
  async list() {
    const { index } = await engine();
    return { items: index.ids().map((id) => ({ id, ...index.get(id).metadata })) };
  },
};

chrome.runtime.onMessage.addListener((msg, _sender, sendResponse) => {
  if (msg?.target !== 'offscreen') return false;
  const handler = handlers[msg.type];
  if (!handler) {
    sendResponse({ error: `unknown request ${msg.type}` });
    return false;
  }
  handler(msg).then(sendResponse, (err) => sendResponse({ error: String(err?.message ?? err), code: err?.code ?? 'failed' }));
  return true; // the response is sent asynchronously
});
