// omni-embed demo: cross-modal retrieval entirely on the client, a vite app on the SDK's package.
// This module starts it: the embedder, the persisted library, the gallery, and the page's controls.
// The parts live by concern: gallery.js, search.js, map.js, library.js, for-you.js, file-store.js.
import { createEmbedder, createIndex, deletePersistedIndex, findPreset, PRESETS } from 'omni-embed';
import { $, el, formatBytes, setProgress, setState, setStatus, showError } from './dom.js';
import { renderForYou } from './for-you.js';
import { GALLERY_VERSION, indexGallery, loadGallery } from './gallery.js';
import { addFiles, clearAll, reembedAfterModelChange, refreshLibrary, removeItem, restoreUserFiles } from './library.js';
import { enableDraw } from './draw.js';
import { moreLikeThis, search, searchDrawing, searchFile, searchText } from './search.js';
import { actions, app, DEVICE, MODEL, storeKey } from './state.js';

actions.open = moreLikeThis;
actions.remove = removeItem;

async function main() {
  buildModelPicker();
  wireUi();
  setState('loading-model');
  setStatus(`Loading ${MODEL}…`);
  const t0 = performance.now();
  try {
    app.embedder = await createEmbedder({
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
    const hint = findPreset(MODEL)?.remote ? ` — ${MODEL} is a hub model: it needs network access to huggingface.co.` : '';
    showError({ name: err?.name ?? 'Error', code: err?.code, message: `${err?.message ?? err}${hint}` }, back);
    return;
  }
  const info = app.embedder.info;
  updateDeviceBadge();
  app.embedder.on('devicechange', () => updateDeviceBadge());
  app.embedder.on('warning', (w) => console.warn('omni-embed:', w));
  $('#model-badge').textContent = `model: ${info.model} · ${info.dims}-d · ${info.dtype}`;
  document.body.dataset.model = info.model;
  console.info(`model ready in ${Math.round(performance.now() - t0)} ms on ${info.device}`);

  setStatus('Opening the library…');
  app.index = await openIndex(info.dims);
  await restoreUserFiles();
  await loadGallery();

  // Vectors from another build of the model are useless: re-embed when the model's files changed.
  const fingerprint = modelFingerprint();
  const stored = localStorage.getItem(storeKey('fingerprint'));
  if (stored && stored !== fingerprint && app.index.count) {
    setStatus('The model changed since the library was indexed: re-embedding…');
    await reembedAfterModelChange();
  }
  localStorage.setItem(storeKey('fingerprint'), fingerprint);

  const marker = localStorage.getItem(storeKey('gallery'));
  if (marker === GALLERY_VERSION || marker === 'cleared') document.body.dataset.restored = String(app.index.count);
  else await indexGallery();
  finishLoad();
}

/** The persisted library for this model; one saved with other dimensions (an older model) is dropped. */
async function openIndex(dims) {
  const name = `demo-${MODEL}`;
  try {
    return await createIndex({ dims, persist: { name } });
  } catch (err) {
    if (err?.code !== 'index_persist_mismatch') {
      // No IndexedDB (private mode, blocked storage): keep working in memory, without persistence.
      console.warn('persistent index unavailable, using memory', err);
      showError({ name: err?.name ?? 'Error', code: err?.code, message: `${err?.message ?? err} — the library will not survive a reload.` });
      return createIndex({ dims });
    }
    console.warn('dropping a library saved with another model shape', err);
    await deletePersistedIndex(name);
    localStorage.removeItem(storeKey('gallery'));
    return createIndex({ dims, persist: { name } });
  }
}

/** A short hash of the bundled model's manifest (vite.config.ts puts it in); the preset name for other models. */
function modelFingerprint() {
  return MODEL === 'omni-tiny' ? __OMNI_DEMO_MODEL_FINGERPRINT__ : MODEL;
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
  enableDraw(searchDrawing);
  if (!app.lastQuery) $('#results').replaceChildren(el('p', { class: 'muted', text: 'Type a description, drop a file, or click any item in the library.' }));
}

async function reindexGallery() {
  $('#loader').classList.remove('done');
  app.embeddedThisLoad = 0;
  await indexGallery();
  finishLoad();
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
  for (const p of PRESETS) {
    const label = p.remote ? `${p.name} — needs network (hub)` : `${p.name} — bundled, offline`;
    picker.append(el('option', { value: p.name, text: label, 'data-remote': String(!!p.remote), title: p.description }));
  }
  if (!PRESETS.some((p) => p.name === MODEL)) picker.append(el('option', { value: MODEL, text: MODEL }));
  picker.value = MODEL;
  picker.addEventListener('change', () => {
    const name = picker.value;
    const preset = PRESETS.find((p) => p.name === name);
    if (preset?.remote && !confirm(`${name} is downloaded from the Hugging Face hub (${preset.description}). It needs network access. Continue?`)) {
      picker.value = MODEL;
      return;
    }
    location.href = modelHref(name);
  });
}

function wireUi() {
  const input = $('#query');
  let timer = 0;
  $('#search-form').addEventListener('submit', (e) => {
    e.preventDefault();
    clearTimeout(timer);
    searchText(input.value);
  });
  // Search as you type, once the typing pauses.
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

window.addEventListener('unhandledrejection', (e) => {
  console.warn('unhandled', e.reason);
  showError(e.reason);
  e.preventDefault();
});

export function start() {
  main().catch((err) => {
    setState('error');
    console.warn(err);
    showError(err);
  });
}
