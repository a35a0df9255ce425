// Search: a text, a file (image, audio, video) or a stored item ("more like this", by the SDK's
// `moreLikeThis`) becomes a query; results honour the modality filter and land on the map.
import { moreLikeThis as similarTo } from 'omni-embed';
import { $, el, setStatus, showError } from './dom.js';
import { recordClick, renderForYou } from './for-you.js';
import { kindOfFile, typed } from './media-kind.js';
import { drawMap } from './map.js';
import { card, mediaOf } from './render.js';
import { app, isReady, K } from './state.js';

function currentFilter() {
  if (app.kind === 'all') return undefined;
  if (app.kind === 'mine') return { source: 'mine' };
  return { kind: app.kind };
}

/** Runs (or re-runs, after a filter or library change) the query on screen. */
export async function search(query) {
  app.lastQuery = query;
  const seq = ++app.searchSeq;
  const filter = currentFilter();
  const results = query.type === 'item'
    ? await similarTo(app.index, query.id, { k: K, filter })
    : await app.index.search(query.vector, { k: K, filter });
  if (seq !== app.searchSeq) return; // a newer query has started meanwhile
  renderResults(results, query);
  drawMap();
}

export async function searchText(text) {
  text = text.trim();
  if (!text || !app.embedder || !isReady()) return;
  const seq = ++app.searchSeq;
  const t0 = performance.now();
  const { vector } = await app.embedder.embed(text);
  if (seq !== app.searchSeq) return;
  showQueryView({ type: 'text', label: text, ms: performance.now() - t0 });
  await search({ vector, type: 'text', label: text });
}

export async function searchFile(file) {
  if (!app.embedder || !isReady()) return;
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
  showQueryView({ type: kind, label: file.name, url: URL.createObjectURL(file), ms: performance.now() - t0 });
  await search({ vector, type: kind, label: file.name });
}

/** A sketch from the draw panel: the n-th ImageData snapshot; `url` is its PNG for the query view. */
export async function searchDrawing(imageData, url, n) {
  if (!app.embedder || !isReady()) return;
  const seq = ++app.searchSeq;
  const t0 = performance.now();
  const { vector } = await app.embedder.embed(imageData);
  if (seq !== app.searchSeq) return; // the user drew on (or typed) meanwhile: that query wins
  showQueryView({ type: 'drawing', label: 'your drawing', url, ms: performance.now() - t0 });
  await search({ vector, type: 'drawing', label: 'your drawing', drawing: n });
}

/** "More like this": the item's neighbours (never itself), and a click for "for you". */
export async function moreLikeThis(id) {
  const item = app.index.get(id);
  if (!item) return;
  recordClick(id);
  showQueryView({ type: 'item', label: item.metadata?.caption ?? id, id, meta: item.metadata });
  await search({ vector: item.vector, type: 'item', label: id, id });
  renderForYou();
}

function showQueryView(q) {
  if (q.type !== 'text') $('#query').value = '';
  const box = $('#query-view');
  box.hidden = false;
  box.dataset.type = q.type;
  const preview =
    q.type === 'image' || q.type === 'drawing' ? el('img', { src: q.url, alt: q.label }) :
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

function renderResults(results, query) {
  const box = $('#results');
  box.dataset.count = String(results.length);
  box.dataset.queryType = query.type;
  box.dataset.query = query.label;
  box.dataset.filter = app.kind;
  // which snapshot of the drawing the results belong to (the tests wait on it)
  if (query.drawing) box.dataset.drawing = String(query.drawing);
  else delete box.dataset.drawing;
  $('#results-title').textContent = `Results${app.kind !== 'all' ? ` (${app.kind === 'mine' ? 'my files' : app.kind})` : ''}`;
  box.replaceChildren(...(results.length ? results.map(card) : [el('p', { class: 'muted', text: 'Nothing in the library matches this filter.' })]));
}

export function clearQuery() {
  app.lastQuery = null;
  $('#results').replaceChildren(el('p', { class: 'muted', text: 'The library is empty.' }));
  $('#results').dataset.count = '0';
  $('#query-view').hidden = true;
}
