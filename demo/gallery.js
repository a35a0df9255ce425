// The gallery: the held-out clips and images (data/heldout/, beside the page), turned into the SDK's
// inputs and indexed on this device with a progress bar. Media go to the SDK as URLs, which it
// fetches and routes by MIME type itself; only the video frame strips are the demo's own format.
import { $, el, setProgress, setStatus, showError } from './dom.js';
import { drawMap, invalidateMap } from './map.js';
import { tileOf } from './render.js';
import { app, commitSoon, CONCURRENCY, storeKey } from './state.js';

export const DATA = new URL('data/heldout/', document.baseURI).href;
/** Stored with the library: a new gallery (another version) is indexed again. */
export const GALLERY_VERSION = 'heldout-v1';

const at = (path) => new URL(path, DATA);

export async function loadGallery() {
  const res = await fetch(at('index.json'));
  if (!res.ok) throw new Error(`the gallery's index.json: HTTP ${res.status}`);
  app.gallery = (await res.json()).items;
}

/** A horizontal strip of square frames → ImageBitmaps (frame i at x = h·i). */
async function stripFrames(path) {
  const res = await fetch(at(path));
  if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
  const sheet = await createImageBitmap(await res.blob());
  const h = sheet.height;
  const n = Math.max(1, Math.round(sheet.width / h));
  const frames = [];
  for (let i = 0; i < n; i++) frames.push(await createImageBitmap(sheet, h * i, 0, h, h));
  sheet.close();
  return frames;
}

/** What the library stores about a gallery item (shown on cards, used by filters and tests). */
function metaOf(item) {
  const a = item.attributes ?? {};
  const f = item.files ?? {};
  const url = (p) => (p ? at(p).href : null);
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
    image: url(f.image),
    audio: url(f.audio),
    video: url(f.video),
    strip: url(f.frames_strip),
  };
}

/** The SDK input for one gallery item: a URL, frames, or an omni item of the fields it names. */
async function inputOf(item) {
  const f = item.files;
  if (item.kind === 'image') return at(f.image);
  if (item.kind === 'audio') return at(f.audio);
  if (item.kind === 'video') return { frames: await stripFrames(f.frames_strip) };
  const fields = item.fields ?? ['visual', 'audio', 'title'];
  const o = {};
  if (fields.includes('title') && item.title) o.text = item.title;
  if (fields.includes('visual') && f.image) o.image = at(f.image);
  if (fields.includes('visual') && f.frames_strip) o.video = { frames: await stripFrames(f.frames_strip) };
  if (fields.includes('audio') && f.audio) o.audio = at(f.audio);
  return o;
}

/** Items the model can embed: single-modality items need their modality; omni items text or image. */
function usable(items) {
  const mods = new Set(app.embedder.info.modalities);
  return items.filter((it) => (it.kind === 'omni' ? mods.has('text') || mods.has('image') : mods.has(it.kind)));
}

/** Embeds every gallery item not yet in the library, a few at a time; the library fills up meanwhile. */
export async function indexGallery() {
  document.body.dataset.state = 'indexing';
  const items = usable(app.gallery);
  const todo = items.filter((it) => !app.index.has(it.id));
  let done = items.length - todo.length;
  let failed = 0;
  const t0 = performance.now();
  const tick = () => {
    const rate = app.embeddedThisLoad / ((performance.now() - t0) / 1000);
    setProgress(done, items.length, `${done} / ${items.length}${rate > 0 ? ` · ${rate.toFixed(1)} items/s` : ''}`);
    $('#index-progress').dataset.done = String(done);
  };
  setStatus(`Indexing the gallery on this device (${app.embedder.info.device === 'webgpu' ? 'WebGPU' : 'WASM'})…`);
  $('#results').replaceChildren(el('p', { class: 'muted', text: 'Search opens as soon as the gallery is indexed — the library on the right fills up meanwhile.' }));
  $('#library-info').textContent = 'Indexing…';
  tick();
  let next = 0;
  let sinceCommit = 0;
  async function lane() {
    while (next < todo.length) {
      const item = todo[next++];
      try {
        const { vector } = await app.embedder.embed(await inputOf(item));
        const metadata = metaOf(item);
        await app.index.add({ id: item.id, vector, metadata });
        app.embeddedThisLoad++;
        $('#library').append(tileOf(item.id, metadata));
        if (++sinceCommit >= 24) {
          sinceCommit = 0;
          commitSoon();
          invalidateMap(); // the map grows with the library
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
  await Promise.all(Array.from({ length: CONCURRENCY }, lane));
  await commitSoon();
  localStorage.setItem(storeKey('gallery'), GALLERY_VERSION);
  if (failed) showError(new Error(`${failed} gallery items could not be indexed (see the console).`));
  console.info(`indexed ${app.embeddedThisLoad} items in ${Math.round(performance.now() - t0)} ms`);
}
