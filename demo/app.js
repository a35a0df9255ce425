// omni-embed demo: cross-modal retrieval entirely on the client, a vite app on the SDK's package.
import * as omni from 'omni-embed';

const params = new URLSearchParams(location.search);
/** ?device=wasm|webgpu|auto (default auto: WebGPU when it works, WASM otherwise). */
const DEVICE = params.get('device') ?? 'auto';
/** ?model=<preset name>; default the bundled omni-tiny (offline). */
const MODEL = params.get('model') ?? 'omni-tiny';
const DATA = new URL('data/heldout/', document.baseURI).href;
const GALLERY_VERSION = 'heldout-v1';
/** Gallery items in flight at once (?concurrency=n): enough to fill the SDK's micro-batches. */
const CONCURRENCY_PARAM = params.get('concurrency');
const K = 12;

const $ = (sel) => document.querySelector(sel);
const el = (tag, attrs = {}, ...children) => {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') e.className = v;
    else if (k === 'text') e.textContent = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else if (k in e && typeof v !== 'string') e[k] = v;
    else e.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) if (c !== null && c !== undefined && c !== false) e.append(c);
  return e;
};

const app = {
  embedder: null,
  index: null,
  gallery: [],
  galleryById: new Map(),
  /** object URLs of the user's own files, by item id */
  fileUrls: new Map(),
  kind: 'all',
  lastQuery: null,
  searchSeq: 0,
  pca: null,
  embeddedThisLoad: 0,
};
window.__demo = app; // handy for debugging and for the tests

const storeKey = (what) => `omni-demo/${MODEL}/${what}`;

// ---------------------------------------------------------------- UI helpers

function setState(state) {
  document.body.dataset.state = state;
}

function setStatus(text) {
  $('#status').textContent = text;
}

function setProgress(value, max, label) {
  const bar = $('#index-progress');
  bar.max = Math.max(1, max);
  bar.value = value;
  $('#progress-label').textContent = label ?? '';
}

function showError(err, extra) {
  const box = $('#error');
  box.hidden = false;
  box.replaceChildren();
  const name = err?.name ?? 'Error';
  const code = err?.code ? ` (${err.code})` : '';
  box.append(el('strong', { text: `${name}${code}: ` }), document.createTextNode(err?.message ?? String(err)));
  if (extra) box.append(' ', extra);
  box.append(' ', el('button', { type: 'button', class: 'link', text: 'dismiss', onclick: () => (box.hidden = true) }));
}

function formatBytes(n) {
  if (!n) return '0 B';
  const u = ['B', 'KB', 'MB', 'GB'];
  let i = 0;
  while (n >= 1024 && i < u.length - 1) (n /= 1024), i++;
  return `${n.toFixed(i ? 1 : 0)} ${u[i]}`;
}

window.addEventListener('unhandledrejection', (e) => {
  console.warn('unhandled', e.reason);
  showError(e.reason);
  e.preventDefault();
});

// ---------------------------------------------------------------- user files (IndexedDB)

const FILES_DB = `omni-demo-files/${MODEL}`;
function filesDb() {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(FILES_DB, 1);
    req.onupgradeneeded = () => req.result.createObjectStore('files');
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}
async function filesTx(mode, fn) {
  const db = await filesDb();
  return new Promise((resolve, reject) => {
    const tx = db.transaction('files', mode);
    const out = fn(tx.objectStore('files'));
    tx.oncomplete = () => {
      db.close();
      resolve(out?.result);
    };
    tx.onerror = () => reject(tx.error);
  });
}
const putFile = (id, blob) => filesTx('readwrite', (s) => s.put(blob, id));
const deleteFile = (id) => filesTx('readwrite', (s) => s.delete(id));
const clearFiles = () => filesTx('readwrite', (s) => s.clear());
async function allFiles() {
  const db = await filesDb();
  return new Promise((resolve, reject) => {
    const out = new Map();
    const req = db.transaction('files').objectStore('files').openCursor();
    req.onsuccess = () => {
      const c = req.result;
      if (!c) {
        db.close();
        return resolve(out);
      }
      out.set(c.key, c.value);
      c.continue();
    };
    req.onerror = () => reject(req.error);
  });
}

// ---------------------------------------------------------------- gallery → embedder inputs

async function fetchBlob(path) {
  const res = await fetch(path);
  if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
  return res.blob();
}

/** A horizontal strip of square frames → ImageBitmaps (frame i at x = h·i). */
async function stripFrames(blob) {
  const sheet = await createImageBitmap(blob);
  const h = sheet.height;
  const n = Math.max(1, Math.round(sheet.width / h));
  const frames = [];
  for (let i = 0; i < n; i++) frames.push(await createImageBitmap(sheet, h * i, 0, h, h));
  sheet.close();
  return frames;
}

function metaOf(item) {
  const a = item.attributes ?? {};
  const f = item.files ?? {};
  return {
    source: 'gallery',
    kind: item.kind,
    caption: item.caption,
    title: item.title ?? null,
    split: item.split ?? null,
    type: a.type ?? null,
    colour: a.colour ?? null,
    shape: a.shape ?? null,
    digit: a.digit ?? null,
    size: a.size ?? null,
    position: a.position ?? null,
    direction: a.direction ?? null,
    spoken: item.spoken_text ?? null,
    image: f.image ? DATA + f.image : null,
    audio: f.audio ? DATA + f.audio : null,
    video: f.video ? DATA + f.video : null,
    strip: f.frames_strip ? DATA + f.frames_strip : null,
  };
}

async function inputOf(item) {
  const f = item.files;
  if (item.kind === 'image') return fetchBlob(DATA + f.image);
  if (item.kind === 'audio') return fetchBlob(DATA + f.audio);
  if (item.kind === 'video') return { frames: await stripFrames(await fetchBlob(DATA + f.frames_strip)) };
  const fields = item.fields ?? ['visual', 'audio', 'title'];
  const o = {};
  if (fields.includes('title') && item.title) o.text = item.title;
  if (fields.includes('visual') && f.image) o.image = await fetchBlob(DATA + f.image);
  if (fields.includes('visual') && f.frames_strip) o.video = { frames: await stripFrames(await fetchBlob(DATA + f.frames_strip)) };
  if (fields.includes('audio') && f.audio) o.audio = await fetchBlob(DATA + f.audio);
  return o;
}

/** Modalities an item needs; items the model cannot embed (e.g. audio on a CLIP preset) are skipped. */
function needs(item) {
  if (item.kind !== 'omni') return [item.kind];
  return [];
}

function kindOfFile(file) {
  const t = (file.type || '').split('/')[0];
  if (t === 'image' || t === 'audio' || t === 'video') return t;
  const ext = file.name.split('.').pop().toLowerCase();
  if (['png', 'jpg', 'jpeg', 'gif', 'webp', 'bmp'].includes(ext)) return 'image';
  if (['wav', 'mp3', 'ogg', 'flac', 'm4a'].includes(ext)) return 'audio';
  if (['webm', 'mp4', 'mov', 'mkv'].includes(ext)) return 'video';
  return null;
}

/** Give a File a MIME type the SDK can route on when the OS did not provide one. */
function typed(file, kind) {
  if (file.type) return file;
  const ext = file.name.split('.').pop().toLowerCase();
  return new File([file], file.name, { type: `${kind}/${ext === 'jpg' ? 'jpeg' : ext}` });
}

// ---------------------------------------------------------------- startup

async function main() {
  buildModelPicker();
  wireUi();
  setState('loading-model');
  setStatus(`Loading ${MODEL}…`);
  const t0 = performance.now();
  try {
    app.embedder = await omni.createEmbedder({
      model: MODEL,
      device: DEVICE,
      onProgress: (p) => {
        const total = p.totalKnown ? p.totalBytes : 0;
        setProgress(p.totalLoaded, total || p.totalLoaded || 1, `${p.fromCache ? 'from cache' : 'downloading'} ${formatBytes(p.totalLoaded)}${total ? ` / ${formatBytes(total)}` : ''}`);
      },
    });
  } catch (err) {
    setState('error');
    setStatus(`Could not load ${MODEL}.`);
    $('#loader').classList.add('done');
    const back = MODEL !== 'omni-tiny' ? el('a', { href: modelHref('omni-tiny'), text: 'Back to the bundled omni-tiny' }) : null;
    const preset = omni.findPreset?.(MODEL);
    const hint = preset?.remote ? ` — ${MODEL} is a hub model: it needs network access to huggingface.co.` : '';
    showError({ name: err?.name ?? 'Error', code: err?.code, message: `${err?.message ?? err}${hint}` }, back);
    return;
  }
  const info = app.embedder.info;
  updateDeviceBadge();
  app.embedder.on('devicechange', () => updateDeviceBadge());
  app.embedder.on('warning', (w) => console.warn('omni-embed:', w));
  $('#model-badge').textContent = `model: ${info.model} · ${info.dims}-d · ${info.dtype}`;
  document.body.dataset.device = info.device;
  document.body.dataset.model = info.model;
  console.info(`model ready in ${Math.round(performance.now() - t0)} ms on ${info.device}`);

  setStatus('Opening the library…');
  app.index = await openIndex(info.dims);
  await restoreUserFiles();

  app.gallery = await fetch(`${DATA}index.json`).then((r) => r.json()).then((j) => j.items);
  for (const it of app.gallery) app.galleryById.set(it.id, it);

  // Vectors from another build of the model are useless: re-embed when the model's files changed.
  app.fingerprint = modelFingerprint();
  const stored = localStorage.getItem(storeKey('fingerprint'));
  if (stored && stored !== app.fingerprint && app.index.count) {
    setStatus('The model changed since the library was indexed: re-embedding…');
    await reembedAfterModelChange();
  }
  localStorage.setItem(storeKey('fingerprint'), app.fingerprint);

  const marker = localStorage.getItem(storeKey('gallery'));
  if (marker === GALLERY_VERSION || marker === 'cleared') {
    document.body.dataset.restored = String(app.index.count);
  } else {
    await indexGallery();
  }
  finishLoad();
}

/** The persisted library for this model; one saved with other dimensions (an older model) is dropped. */
async function openIndex(dims) {
  const name = `demo-${MODEL}`;
  try {
    return await omni.createIndex({ dims, persist: { name } });
  } catch (err) {
    if (err?.code !== 'index/persist-mismatch') {
      // No IndexedDB (private mode, blocked storage): keep working in memory, without persistence.
      console.warn('persistent index unavailable, using memory', err);
      showError({ name: err?.name ?? 'Error', code: err?.code, message: `${err?.message ?? err} — the library will not survive a reload.` });
      return omni.createIndex({ dims });
    }
    console.warn('dropping a library saved with another model shape', err);
    await omni.deletePersistedIndex(name);
    localStorage.removeItem(storeKey('gallery'));
    return omni.createIndex({ dims, persist: { name } });
  }
}

/** A short hash of the bundled model's manifest (set by vite.config.ts); the preset name for other models. */
function modelFingerprint() {
  return MODEL === 'omni-tiny' ? __OMNI_DEMO_MODEL_FINGERPRINT__ : MODEL;
}

/** Drops the gallery vectors (re-indexed below) and re-embeds the user's own files from their stored blobs. */
async function reembedAfterModelChange() {
  const files = await allFiles().catch(() => new Map());
  const mine = app.index.ids().filter((id) => app.index.get(id)?.metadata?.source === 'mine');
  const keep = mine.map((id) => ({ id, metadata: app.index.get(id).metadata }));
  await app.index.clear();
  for (const { id, metadata } of keep) {
    const blob = files.get(id);
    if (!blob) continue;
    try {
      const { vector } = await app.embedder.embed(blob);
      await app.index.add({ id, vector, metadata });
      app.embeddedThisLoad++;
    } catch (err) {
      console.warn(`could not re-embed ${id}`, err);
    }
  }
  await commitSoon();
  if (localStorage.getItem(storeKey('gallery')) !== 'cleared') localStorage.removeItem(storeKey('gallery'));
}

function finishLoad() {
  setState('ready');
  document.body.dataset.embeddedOnLoad = String(app.embeddedThisLoad);
  const n = app.index.count;
  setStatus(app.embeddedThisLoad ? `Indexed ${app.embeddedThisLoad} items on this device.` : n ? `Library restored from IndexedDB: ${n} items, nothing re-embedded.` : 'The library is empty: add your own files or re-index the gallery.');
  setProgress(1, 1, '');
  $('#loader').classList.add('done');
  refreshLibrary();
  renderForYou();
  if (!app.lastQuery) $('#results').replaceChildren(el('p', { class: 'muted', text: 'Type a description, drop a file, or click any item in the library.' }));
}

function updateDeviceBadge() {
  const info = app.embedder.info;
  const badge = $('#device-badge');
  badge.textContent = `device: ${info.device === 'webgpu' ? 'WebGPU' : 'WASM'}${info.workers > 1 ? ` ×${info.workers} workers` : ''}`;
  badge.title = info.deviceReason || '';
  badge.dataset.device = info.device;
  document.body.dataset.device = info.device;
}

function modelHref(name) {
  const p = new URLSearchParams(location.search);
  if (name === 'omni-tiny') p.delete('model');
  else p.set('model', name);
  const q = p.toString();
  return location.pathname + (q ? `?${q}` : '');
}

function buildModelPicker() {
  const picker = $('#model-picker');
  for (const p of omni.PRESETS) {
    const label = p.remote ? `${p.name} — needs network (hub)` : `${p.name} — bundled, offline`;
    picker.append(el('option', { value: p.name, text: label, 'data-remote': String(!!p.remote), title: p.description }));
  }
  if (!omni.PRESETS.some((p) => p.name === MODEL)) picker.append(el('option', { value: MODEL, text: MODEL }));
  picker.value = MODEL;
  picker.addEventListener('change', () => {
    const name = picker.value;
    const preset = omni.PRESETS.find((p) => p.name === name);
    if (preset?.remote && !confirm(`${name} is downloaded from the Hugging Face hub (${preset.description}). It needs network access. Continue?`)) {
      picker.value = MODEL;
      return;
    }
    location.href = modelHref(name);
  });
}

// ---------------------------------------------------------------- indexing

let commitChain = Promise.resolve();
function commitSoon() {
  commitChain = commitChain.then(() => app.index.commit()).catch((e) => console.warn('commit failed', e));
  return commitChain;
}

async function indexGallery() {
  setState('indexing');
  const mods = new Set(app.embedder.info.modalities);
  const usable = app.gallery.filter((it) => it.kind === 'omni' ? (mods.has('text') || mods.has('image')) : needs(it).every((m) => mods.has(m)));
  const todo = usable.filter((it) => !app.index.has(it.id));
  let done = usable.length - todo.length;
  let failed = 0;
  const t0 = performance.now();
  const total = usable.length;
  const tick = () => {
    const rate = app.embeddedThisLoad / ((performance.now() - t0) / 1000);
    setProgress(done, total, `${done} / ${total}${rate > 0 ? ` · ${rate.toFixed(1)} items/s` : ''}`);
    $('#index-progress').dataset.done = String(done);
  };
  setStatus(`Indexing the gallery on this device (${app.embedder.info.device === 'webgpu' ? 'WebGPU' : 'WASM'})…`);
  $('#results').replaceChildren(el('p', { class: 'muted', text: 'Search opens as soon as the gallery is indexed — the library on the right fills up meanwhile.' }));
  $('#library-info').textContent = 'Indexing…';
  tick();
  let next = 0;
  let sinceCommit = 0;
  async function worker() {
    while (next < todo.length) {
      const item = todo[next++];
      try {
        const input = await inputOf(item);
        const { vector } = await app.embedder.embed(input);
        const metadata = metaOf(item);
        await app.index.add({ id: item.id, vector, metadata });
        app.embeddedThisLoad++;
        $('#library').append(tileOf(item.id, metadata)); // the library fills up as items are indexed
        if (++sinceCommit >= 24) {
          sinceCommit = 0;
          commitSoon();
          app.pca = null; // the map grows with the library
          drawMap();
        }
      } catch (err) {
        failed++;
        console.warn(`could not index ${item.id}`, err);
      }
      done++;
      tick();
    }
  }
  const concurrency = CONCURRENCY_PARAM ? Math.max(1, Number(CONCURRENCY_PARAM)) : 3;
  await Promise.all(Array.from({ length: concurrency }, worker));
  await commitSoon();
  localStorage.setItem(storeKey('gallery'), GALLERY_VERSION);
  if (failed) showError(new Error(`${failed} gallery items could not be indexed (see the console).`));
  console.info(`indexed ${app.embeddedThisLoad} items in ${Math.round(performance.now() - t0)} ms`);
}

async function restoreUserFiles() {
  let files;
  try {
    files = await allFiles();
  } catch (err) {
    console.warn('user files unavailable', err);
    return;
  }
  for (const [id, blob] of files) {
    if (!app.index.has(id)) continue;
    app.fileUrls.set(id, URL.createObjectURL(blob));
  }
}

// ---------------------------------------------------------------- search

function currentFilter() {
  if (app.kind === 'all') return undefined;
  if (app.kind === 'mine') return { source: 'mine' };
  return { kind: app.kind };
}

async function search(query) {
  app.lastQuery = query;
  const seq = ++app.searchSeq;
  const results = await app.index.search(query.vector, { k: K, filter: currentFilter(), exclude: query.exclude ?? [] });
  if (seq !== app.searchSeq) return;
  renderResults(results, query);
  drawMap();
}

async function searchText(text) {
  text = text.trim();
  if (!text || !app.embedder || document.body.dataset.state !== 'ready') return;
  const seq = ++app.searchSeq;
  const t0 = performance.now();
  const { vector } = await app.embedder.embed(text);
  if (seq !== app.searchSeq) return;
  showQueryView({ type: 'text', label: text, ms: performance.now() - t0 });
  await search({ vector, type: 'text', label: text });
}

async function searchFile(file) {
  if (!app.embedder || document.body.dataset.state !== 'ready') return;
  const kind = kindOfFile(file);
  if (!kind) {
    showError(new Error(`Cannot search with "${file.name}": not an image, audio or video file.`));
    return;
  }
  const seq = ++app.searchSeq;
  setStatus(`Embedding ${file.name}…`);
  const t0 = performance.now();
  let vector;
  try {
    ({ vector } = await app.embedder.embed(typed(file, kind)));
  } catch (err) {
    showError(err);
    setStatus('Ready.');
    return;
  }
  if (seq !== app.searchSeq) return;
  setStatus(`Searched with ${file.name}.`);
  const url = URL.createObjectURL(file);
  showQueryView({ type: kind, label: file.name, url, ms: performance.now() - t0 });
  await search({ vector, type: kind, label: file.name });
}

async function moreLikeThis(id) {
  const item = app.index.get(id);
  if (!item) return;
  recordClick(id);
  showQueryView({ type: 'item', label: item.metadata?.caption ?? id, id, meta: item.metadata });
  await search({ vector: item.vector, type: 'item', label: id, exclude: [id] });
  renderForYou();
}

function showQueryView(q) {
  if (q.type !== 'text') $('#query').value = '';
  const box = $('#query-view');
  box.hidden = false;
  box.dataset.type = q.type;
  const preview =
    q.type === 'image' ? el('img', { src: q.url, alt: q.label }) :
    q.type === 'audio' ? el('audio', { src: q.url, controls: true }) :
    q.type === 'video' ? el('video', { src: q.url, muted: true, loop: true, autoplay: true, playsInline: true }) :
    q.type === 'item' ? mediaOf(q.id, q.meta, true) : null;
  box.replaceChildren(
    el('span', { class: 'muted', text: q.type === 'item' ? 'More like this:' : q.type === 'text' ? 'Text query:' : `${q.type[0].toUpperCase()}${q.type.slice(1)} query:` }),
    preview ?? '',
    el('strong', { text: q.type === 'text' ? `“${q.label}”` : q.label }),
    q.ms ? el('span', { class: 'muted small', text: `embedded in ${Math.round(q.ms)} ms` }) : '',
  );
}

// ---------------------------------------------------------------- rendering

function urlOf(id, meta, field) {
  if (meta?.source === 'mine') return app.fileUrls.get(id) ?? null;
  return meta?.[field] ?? null;
}

/** Thumbnail/player for one stored item. */
function mediaOf(id, meta, players = true) {
  const kind = meta?.kind;
  const wrap = el('div', { class: `media ${kind}` });
  if (kind === 'image' || (kind === 'omni' && meta.image)) {
    wrap.append(el('img', { src: urlOf(id, meta, 'image'), alt: meta.caption ?? '', loading: 'lazy', draggable: 'false' }));
  }
  if (kind === 'video' || (kind === 'omni' && meta.video)) {
    const src = urlOf(id, meta, 'video');
    if (players && src) {
      // Tiny clips: play muted in a loop; the controls appear on hover.
      const v = el('video', { src, muted: true, loop: true, autoplay: true, playsInline: true, preload: 'auto', class: 'player' });
      v.addEventListener('mouseenter', () => (v.controls = true));
      v.addEventListener('mouseleave', () => (v.controls = false));
      wrap.append(v);
    }
    else if (meta.strip) wrap.append(el('div', { class: 'strip-thumb', style: `background-image:url("${meta.strip}")` }));
  }
  if (kind === 'audio' || (kind === 'omni' && meta.audio)) {
    if (kind === 'audio') wrap.append(icon(SPEAKER));
    const src = urlOf(id, meta, 'audio');
    if (players && src) wrap.append(el('audio', { src, controls: true, preload: 'none', class: 'player' }));
  }
  if (kind === 'omni' && meta.title) wrap.append(el('div', { class: 'omni-title', text: `“${meta.title}”` }));
  if (kind === 'omni' && !meta.image && !meta.video && !meta.audio) wrap.append(icon(TEXT_ICON));
  if (players && kind === 'audio' && meta.spoken) wrap.append(el('div', { class: 'spoken', text: `says “${meta.spoken}”` }));
  return wrap;
}

// Inline icons (no emoji: a browser without an emoji font would draw boxes).
const SPEAKER = '<path d="M3 9v6h4l5 5V4L7 9H3z"/><path d="M16.5 12a4.5 4.5 0 0 0-2.5-4v8a4.5 4.5 0 0 0 2.5-4zM14 3.2v2.1a7 7 0 0 1 0 13.4v2.1a9 9 0 0 0 0-17.6z"/>';
const TEXT_ICON = '<path d="M4 5h16v2H4zM4 9h16v2H4zM4 13h10v2H4z"/>';
function icon(paths) {
  const d = el('div', { class: 'wave' });
  d.innerHTML = `<svg viewBox="0 0 24 24" width="32" height="32" fill="currentColor" aria-hidden="true">${paths}</svg>`;
  return d;
}

function dataAttrs(id, meta) {
  return {
    'data-id': id,
    'data-kind': meta?.kind ?? '',
    'data-source': meta?.source ?? '',
    'data-caption': meta?.caption ?? '',
    'data-colour': meta?.colour ?? '',
    'data-shape': meta?.shape ?? '',
    'data-digit': meta?.digit ?? '',
    'data-direction': meta?.direction ?? '',
  };
}

function card(r, rank) {
  const meta = r.metadata;
  const c = el(
    'article',
    { class: `card ${meta?.kind ?? ''}`, ...dataAttrs(r.id, meta), 'data-rank': rank + 1, 'data-score': r.score.toFixed(4), title: 'Click for more like this' },
    el('div', { class: 'rank', text: `#${rank + 1}` }),
    mediaOf(r.id, meta),
    el('div', { class: 'caption', text: meta?.caption ?? r.id }),
    el('div', { class: 'score' }, el('span', { class: 'bar', style: `width:${Math.max(0, Math.min(1, r.score)) * 100}%` }), el('span', { class: 'num', text: r.score.toFixed(3) })),
    el('div', { class: 'kind-tag', text: meta?.source === 'mine' ? `${meta.kind} · mine` : meta?.kind ?? '' }),
  );
  c.addEventListener('click', (e) => {
    if (e.target.closest('audio,video,button')) return;
    moreLikeThis(r.id);
  });
  return c;
}

function renderResults(results, query) {
  const box = $('#results');
  box.dataset.count = String(results.length);
  box.dataset.queryType = query.type;
  box.dataset.query = query.label;
  box.dataset.filter = app.kind;
  $('#results-title').textContent = `Results${app.kind !== 'all' ? ` (${app.kind === 'mine' ? 'my files' : app.kind})` : ''}`;
  box.replaceChildren(...(results.length ? results.map(card) : [el('p', { class: 'muted', text: 'Nothing in the library matches this filter.' })]));
}

// ---------------------------------------------------------------- "for you"

function clicks() {
  try {
    return JSON.parse(localStorage.getItem(storeKey('clicks')) ?? '[]');
  } catch {
    return [];
  }
}
function recordClick(id) {
  const list = clicks().filter((x) => x !== id);
  list.push(id);
  localStorage.setItem(storeKey('clicks'), JSON.stringify(list.slice(-10)));
}

/** The user's interest: the normalised mean of the last clicked items' vectors (the paper's sequence embedding). */
function interest(ids) {
  let acc = null;
  let n = 0;
  for (const id of ids) {
    const it = app.index.get(id);
    if (!it) continue;
    acc ??= new Float32Array(it.vector.length);
    for (let i = 0; i < acc.length; i++) acc[i] += it.vector[i];
    n++;
  }
  if (!acc) return null;
  let norm = 0;
  for (const x of acc) norm += x * x;
  norm = Math.sqrt(norm) || 1;
  for (let i = 0; i < acc.length; i++) acc[i] /= norm;
  return acc;
}

async function renderForYou() {
  const strip = $('#foryou');
  const ids = clicks().filter((id) => app.index.has(id));
  const v = interest(ids);
  if (!v) {
    strip.dataset.count = '0';
    strip.replaceChildren(el('p', { class: 'muted', text: 'Click a few items and recommendations appear here.' }));
    return;
  }
  const recs = await app.index.search(v, { k: 8, exclude: ids });
  strip.dataset.count = String(recs.length);
  strip.dataset.from = ids.join(',');
  strip.replaceChildren(
    el('div', { class: 'from muted small', text: `from ${ids.length} click${ids.length > 1 ? 's' : ''}` }),
    ...recs.map((r, i) => {
      const c = card(r, i);
      c.classList.add('small');
      return c;
    }),
  );
}

// ---------------------------------------------------------------- library

function tileOf(id, meta) {
  const tile = el(
    'div',
    { class: `tile ${meta?.kind ?? ''}${meta?.source === 'mine' ? ' mine' : ''}`, ...dataAttrs(id, meta), title: `${meta?.caption ?? id} — click for more like this` },
    mediaOf(id, meta, false),
    el('button', { type: 'button', class: 'remove', title: 'Remove from the library', 'aria-label': `Remove ${meta?.caption ?? id}`, text: '×', onclick: (e) => (e.stopPropagation(), removeItem(id)) }),
  );
  tile.addEventListener('click', () => {
    if (document.body.dataset.state === 'ready') moreLikeThis(id);
  });
  return tile;
}

function refreshLibrary() {
  app.pca = null;
  const ids = app.index.ids();
  const counts = { image: 0, audio: 0, video: 0, omni: 0, mine: 0 };
  const lib = $('#library');
  lib.replaceChildren();
  for (const id of ids) {
    const meta = app.index.get(id)?.metadata;
    if (meta?.kind in counts) counts[meta.kind]++;
    if (meta?.source === 'mine') counts.mine++;
    lib.append(tileOf(id, meta));
  }
  lib.dataset.count = String(ids.length);
  $('#library-info').textContent = ids.length
    ? `${ids.length} items stored on this device: ${counts.image} images, ${counts.audio} audio clips, ${counts.video} videos, ${counts.omni} omni items${counts.mine ? `, ${counts.mine} of your own files` : ''}.`
    : 'The library is empty. Add your own files or re-index the gallery.';
  drawMap();
}

async function addFiles(files) {
  const list = [...files];
  if (!list.length) return;
  setState('indexing');
  $('#loader').classList.remove('done');
  let done = 0;
  setProgress(0, list.length, `0 / ${list.length}`);
  setStatus(`Adding ${list.length} file${list.length > 1 ? 's' : ''} to your library…`);
  const added = [];
  for (const file of list) {
    const kind = kindOfFile(file);
    try {
      if (!kind) throw new Error(`"${file.name}" is not an image, audio or video file`);
      const blob = typed(file, kind);
      const { vector } = await app.embedder.embed(blob);
      const id = `mine-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 7)}`;
      await putFile(id, blob);
      await app.index.add({ id, vector, metadata: { source: 'mine', kind, caption: file.name, mime: blob.type, size: file.size, added: new Date().toISOString() } });
      app.fileUrls.set(id, URL.createObjectURL(blob));
      added.push(id);
    } catch (err) {
      showError(err);
    }
    setProgress(++done, list.length, `${done} / ${list.length}`);
  }
  await commitSoon();
  setState('ready');
  $('#loader').classList.add('done');
  setProgress(1, 1, '');
  setStatus(`Added ${added.length} file${added.length === 1 ? '' : 's'} to your library (stored on this device).`);
  document.body.dataset.lastAdded = added.join(',');
  refreshLibrary();
  if (app.lastQuery) await search(app.lastQuery);
}

async function removeItem(id) {
  await app.index.remove(id);
  await commitSoon();
  if (app.fileUrls.has(id)) {
    URL.revokeObjectURL(app.fileUrls.get(id));
    app.fileUrls.delete(id);
    await deleteFile(id).catch((e) => console.warn(e));
  }
  setStatus(`Removed ${id}.`);
  refreshLibrary();
  renderForYou();
  if (app.lastQuery) await search(app.lastQuery);
}

async function clearAll() {
  if (!confirm('Remove every item (gallery and your own files) from the library on this device?')) return;
  await app.index.clear();
  await commitSoon();
  await clearFiles().catch((e) => console.warn(e));
  for (const url of app.fileUrls.values()) URL.revokeObjectURL(url);
  app.fileUrls.clear();
  localStorage.setItem(storeKey('gallery'), 'cleared');
  localStorage.removeItem(storeKey('clicks'));
  app.lastQuery = null;
  $('#results').replaceChildren(el('p', { class: 'muted', text: 'The library is empty.' }));
  $('#results').dataset.count = '0';
  $('#query-view').hidden = true;
  setStatus('Library cleared.');
  refreshLibrary();
  renderForYou();
}

async function reindexGallery() {
  $('#loader').classList.remove('done');
  app.embeddedThisLoad = 0;
  await indexGallery();
  finishLoad();
}

// ---------------------------------------------------------------- PCA map

/** Top-2 principal components by power iteration with deflation (N×D, tiny). */
function pca2(vectors) {
  const n = vectors.length;
  const d = vectors[0].length;
  const mean = new Float64Array(d);
  for (const v of vectors) for (let j = 0; j < d; j++) mean[j] += v[j] / n;
  const X = vectors.map((v) => Float64Array.from(v, (x, j) => x - mean[j]));
  const comps = [];
  for (let c = 0; c < 2; c++) {
    let w = Float64Array.from({ length: d }, (_, j) => Math.sin(j * 12.9898 + c * 78.233) + 0.01);
    for (let iter = 0; iter < 60; iter++) {
      const next = new Float64Array(d);
      for (const x of X) {
        let s = 0;
        for (let j = 0; j < d; j++) s += x[j] * w[j];
        for (let j = 0; j < d; j++) next[j] += s * x[j];
      }
      for (const p of comps) {
        let s = 0;
        for (let j = 0; j < d; j++) s += next[j] * p[j];
        for (let j = 0; j < d; j++) next[j] -= s * p[j];
      }
      let norm = 0;
      for (let j = 0; j < d; j++) norm += next[j] * next[j];
      norm = Math.sqrt(norm) || 1;
      for (let j = 0; j < d; j++) next[j] /= norm;
      w = next;
    }
    comps.push(w);
  }
  const project = (v) => comps.map((p) => {
    let s = 0;
    for (let j = 0; j < d; j++) s += (v[j] - mean[j]) * p[j];
    return s;
  });
  return { project };
}

const SVGNS = 'http://www.w3.org/2000/svg';
const svgEl = (tag, attrs) => {
  const e = document.createElementNS(SVGNS, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  return e;
};

function drawMap() {
  const svg = $('#map');
  svg.replaceChildren();
  const ids = app.index?.ids() ?? [];
  svg.dataset.points = String(ids.length);
  if (ids.length < 3) {
    const t = svgEl('text', { x: 160, y: 160, 'text-anchor': 'middle', class: 'map-empty' });
    t.textContent = 'Not enough items for a map';
    svg.append(t);
    return;
  }
  if (!app.pca) {
    const items = ids.map((id) => app.index.get(id));
    const pca = pca2(items.map((it) => it.vector));
    const pts = items.map((it) => ({ id: it.id, meta: it.metadata, xy: pca.project(it.vector) }));
    let [x0, x1, y0, y1] = [Infinity, -Infinity, Infinity, -Infinity];
    for (const { xy } of pts) (x0 = Math.min(x0, xy[0])), (x1 = Math.max(x1, xy[0])), (y0 = Math.min(y0, xy[1])), (y1 = Math.max(y1, xy[1]));
    const pad = 16;
    const sx = (x) => pad + ((x - x0) / (x1 - x0 || 1)) * (320 - 2 * pad);
    const sy = (y) => 320 - pad - ((y - y0) / (y1 - y0 || 1)) * (320 - 2 * pad);
    app.pca = { pca, pts, sx, sy };
  }
  const { pca, pts, sx, sy } = app.pca;
  const hits = new Set([...document.querySelectorAll('#results .card')].map((c) => c.dataset.id));
  const g = svgEl('g', {});
  for (const p of pts) {
    const kind = p.meta?.source === 'mine' ? 'mine' : p.meta?.kind ?? 'image';
    const c = svgEl('circle', { cx: sx(p.xy[0]).toFixed(1), cy: sy(p.xy[1]).toFixed(1), r: hits.has(p.id) ? 5 : 3.2, class: `pt ${kind}${hits.has(p.id) ? ' hit' : ''}`, 'data-id': p.id });
    const t = svgEl('title', {});
    t.textContent = `${p.meta?.caption ?? p.id} (${p.meta?.kind})`;
    c.append(t);
    c.addEventListener('click', () => moreLikeThis(p.id));
    g.append(c);
  }
  svg.append(g);
  if (app.lastQuery) {
    const [qx, qy] = pca.project(app.lastQuery.vector);
    const x = Math.max(8, Math.min(312, sx(qx)));
    const y = Math.max(8, Math.min(312, sy(qy)));
    for (const id of hits) {
      const p = pts.find((q) => q.id === id);
      if (p) svg.append(svgEl('line', { x1: x, y1: y, x2: sx(p.xy[0]), y2: sy(p.xy[1]), class: 'link' }));
    }
    const star = svgEl('text', { x, y: y + 6, 'text-anchor': 'middle', class: 'query-star', id: 'map-query' });
    star.textContent = '★';
    svg.append(star);
    svg.dataset.query = `${x.toFixed(1)},${y.toFixed(1)}`;
  }
}

// ---------------------------------------------------------------- wiring

function wireUi() {
  const input = $('#query');
  let timer = 0;
  $('#search-form').addEventListener('submit', (e) => {
    e.preventDefault();
    clearTimeout(timer);
    searchText(input.value);
  });
  input.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(() => searchText(input.value), 350);
  });
  $('#query-file').addEventListener('change', (e) => {
    const f = e.target.files?.[0];
    if (f) searchFile(f);
    e.target.value = '';
  });
  $('#add-files').addEventListener('change', (e) => {
    addFiles(e.target.files ?? []);
    e.target.value = '';
  });
  $('#clear-all').addEventListener('click', () => clearAll());
  $('#reindex').addEventListener('click', () => reindexGallery());
  for (const r of document.querySelectorAll('input[name=kind]')) {
    r.addEventListener('change', () => {
      app.kind = r.value;
      document.body.dataset.filter = app.kind;
      if (app.lastQuery) search(app.lastQuery);
    });
  }
  // Drop a file anywhere to search with it.
  let depth = 0;
  window.addEventListener('dragenter', (e) => {
    if (![...(e.dataTransfer?.types ?? [])].includes('Files')) return;
    depth++;
    document.body.classList.add('dragging');
  });
  window.addEventListener('dragleave', () => {
    if (--depth <= 0) (depth = 0), document.body.classList.remove('dragging');
  });
  window.addEventListener('dragover', (e) => e.preventDefault());
  window.addEventListener('drop', (e) => {
    e.preventDefault();
    depth = 0;
    document.body.classList.remove('dragging');
    const f = e.dataTransfer?.files?.[0];
    if (f) searchFile(f);
  });
}

export function start() {
  main().catch((err) => {
    setState('error');
    console.warn(err);
    showError(err);
  });
}
