// The library: everything in the index (gallery and the user's own files), listed as tiles, with
// adding files, removing one item, clearing all, and re-embedding after the model changed.
import { $, setProgress, setState, setStatus, showError } from './dom.js';
import { openFileStore } from './file-store.js';
import { forgetClicks, renderForYou } from './for-you.js';
import { drawMap, invalidateMap } from './map.js';
import { kindOfFile, typed } from './media-kind.js';
import { tileOf } from './render.js';
import { clearQuery, search } from './search.js';
import { app, commitSoon, MODEL, storeKey } from './state.js';

export const files = openFileStore(`omni-demo-files/${MODEL}`);

/** Object URLs for the user's stored files that are still in the library. */
export async function restoreUserFiles() {
  let stored;
  try {
    stored = await files.all();
  } catch (err) {
    console.warn('user files unavailable', err);
    return;
  }
  for (const [id, blob] of stored) if (app.index.has(id)) app.fileUrls.set(id, URL.createObjectURL(blob));
}

export function refreshLibrary() {
  invalidateMap();
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

/** Embeds the user's files, stores their bytes (IndexedDB) and vectors (the index). */
export async function addFiles(list) {
  list = [...list];
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
      await files.put(id, blob);
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

export async function removeItem(id) {
  await app.index.remove(id);
  await commitSoon();
  if (app.fileUrls.has(id)) {
    URL.revokeObjectURL(app.fileUrls.get(id));
    app.fileUrls.delete(id);
    await files.delete(id).catch((e) => console.warn(e));
  }
  setStatus(`Removed ${id}.`);
  refreshLibrary();
  renderForYou();
  if (app.lastQuery) await search(app.lastQuery);
}

export async function clearAll() {
  if (!confirm('Remove every item (gallery and your own files) from the library on this device?')) return;
  await app.index.clear();
  await commitSoon();
  await files.clear().catch((e) => console.warn(e));
  for (const url of app.fileUrls.values()) URL.revokeObjectURL(url);
  app.fileUrls.clear();
  localStorage.setItem(storeKey('gallery'), 'cleared');
  forgetClicks();
  clearQuery();
  setStatus('Library cleared.');
  refreshLibrary();
  renderForYou();
}

/** Vectors from another build of the model are stale: drop the gallery's (indexed again) and re-embed the user's files from their stored bytes. */
export async function reembedAfterModelChange() {
  const stored = await files.all().catch(() => new Map());
  const keep = app.index.ids()
    .map((id) => ({ id, metadata: app.index.get(id)?.metadata }))
    .filter((it) => it.metadata?.source === 'mine');
  await app.index.clear();
  for (const { id, metadata } of keep) {
    const blob = stored.get(id);
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
