// The page: embeds the query on the device (the SDK's browser build), searches the user's own
// items in the on-device index and the server's catalog with the same vector, shows both lists.
import { createEmbedder, createIndex } from '/dist/browser/index.js';

const $ = (id) => document.getElementById(id);
const embedder = await createEmbedder({ device: 'wasm' });

// "The user's own items": a few held-out images, embedded and indexed on this device only.
const heldout = await (await fetch('/data/heldout/index.json')).json();
const mine = heldout.items.filter((i) => i.kind === 'image').slice(0, 8);
const library = await createIndex({ dims: embedder.info.dims, device: 'cpu' });
for (const item of mine) {
  const blob = await (await fetch(`/data/heldout/${item.files.image}`)).blob();
  await library.add({ id: item.id, vector: (await embedder.embed(blob)).vector, metadata: { caption: item.caption, image: `/data/heldout/${item.files.image}` } });
}

function render(list, hits) {
  list.replaceChildren(...hits.map((h) => {
    const li = document.createElement('li');
    li.dataset.id = h.id;
    li.innerHTML = `<img alt=""> <span></span>`;
    li.querySelector('img').src = h.meta?.image ?? '';
    li.querySelector('span').textContent = `${h.meta?.caption ?? h.id} (${h.score.toFixed(3)})`;
    return li;
  }));
}

async function search(text) {
  $('status').textContent = 'searching…';
  const { vector } = await embedder.embed(text);
  const [local, remote] = await Promise.all([
    library.search(vector, { k: 5 }),
    fetch('/search', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ vector: Array.from(vector), k: 5 }) }).then((r) => r.json()),
  ]);
  render($('local'), local.map((h) => ({ id: h.id, score: h.score, meta: h.metadata })));
  render($('remote'), remote.results);
  $('status').textContent = `done: ${local.length} on this device, ${remote.results.length} from the catalog`;
}

$('search').addEventListener('submit', (e) => {
  e.preventDefault();
  void search($('query').value);
});
$('search').querySelector('button').disabled = false;
$('status').textContent = 'ready';
