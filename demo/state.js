// The demo's settings (from the URL) and its shared state. Modules act on each other through
// `actions` (filled in by app.js), so rendering never imports the search or library modules.

const params = new URLSearchParams(location.search);
/** ?device=wasm|webgpu|auto (default auto: WebGPU when it works, WASM otherwise). */
export const DEVICE = params.get('device') ?? 'auto';
/** ?model=<preset name>; default the bundled omni-tiny (offline). */
export const MODEL = params.get('model') ?? 'omni-tiny';
/** Gallery items in flight at once (?concurrency=n): enough to fill the SDK's micro-batches. */
export const CONCURRENCY = Math.max(1, Number(params.get('concurrency') ?? 3) || 3);
/** Results per query. */
export const K = 12;

/** localStorage key of one per-model setting. */
export const storeKey = (what) => `omni-demo/${MODEL}/${what}`;

export const app = {
  embedder: null,
  /** the persisted VectorIndex: every gallery item and user file, with metadata */
  index: null,
  gallery: [],
  /** object URLs of the user's own files, by item id */
  fileUrls: new Map(),
  /** modality filter: all | image | audio | video | omni | mine */
  kind: 'all',
  /** the query on screen: { type, label, vector, id? } */
  lastQuery: null,
  searchSeq: 0,
  embeddedThisLoad: 0,
};
window.__demo = app; // handy for debugging

/** Cross-module actions, assigned once by app.js: open(id) = "more like this", remove(id). */
export const actions = {
  open: (_id) => {},
  remove: (_id) => {},
};

export const isReady = () => document.body.dataset.state === 'ready';

let commitChain = Promise.resolve();
/** Persists the index after the writes queued so far, one commit at a time. */
export function commitSoon() {
  commitChain = commitChain.then(() => app.index.commit()).catch((e) => console.warn('commit failed', e));
  return commitChain;
}
