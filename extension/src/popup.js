// The popup (and the "Find similar" results tab, popup.html?similar=<image url>): talks only to the
// service worker, which routes to the offscreen document that holds the model and the library.

const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);

async function ask(type, payload = {}) {
  const res = await chrome.runtime.sendMessage({ target: 'background', type, ...payload });
  if (!res) throw new Error('no answer from the extension');
  if (res.error) throw new Error(res.error);
  return res;
}

function setStatus(text, error = false) {
  $('status').textContent = text;
  $('status').classList.toggle('error', error);
}

function render(results) {
  const list = $('results');
  list.replaceChildren();
  for (const r of results) {
    const li = document.createElement('li');
    li.dataset.id = r.id;
    li.dataset.score = String(r.score);
    const img = document.createElement('img');
    img.alt = '';
    if (r.thumb) img.src = r.thumb; // a data: URL stored with the item: no request to the site
    const meta = document.createElement('div');
    meta.className = 'meta';
    const link = document.createElement('a');
    link.className = 'src';
    link.href = r.pageUrl ?? r.src;
    link.target = '_blank';
    link.textContent = r.title || r.src;
    link.title = r.src;
    const score = document.createElement('span');
    score.className = 'score';
    score.textContent = r.score.toFixed(3);
    meta.append(link, score);
    const remove = document.createElement('button');
    remove.type = 'button';
    remove.title = 'Remove from library';
    remove.textContent = '✕';
    remove.addEventListener('click', async () => {
      await ask('remove', { id: r.id });
      li.remove();
    });
    li.append(img, meta, remove);
    list.append(li);
  }
}

async function run(label, request) {
  setStatus(`${label}…`);
  document.body.dataset.state = 'busy';
  try {
    const t0 = performance.now();
    const { results } = await request();
    render(results);
    setStatus(results.length ? `${results.length} result${results.length > 1 ? 's' : ''} in ${Math.round(performance.now() - t0)} ms` : 'Nothing in your library yet: right-click an image → "Save to my library".');
  } catch (err) {
    setStatus(String(err.message ?? err), true);
  } finally {
    document.body.dataset.state = 'idle';
  }
}

$('search').addEventListener('submit', (e) => {
  e.preventDefault();
  const text = $('query').value.trim();
  if (text) void run('Searching', () => ask('search', { text }));
});

if (params.has('similar')) {
  const src = params.get('similar');
  const tab = params.has('tab') ? Number(params.get('tab')) : undefined;
  document.title = 'Similar images';
  void run('Finding similar images', () => ask('similar', { src, ...(tab !== undefined ? { tab } : {}) }));
} else {
  ask('status').then(
    (s) => setStatus(`${s.count} image${s.count === 1 ? '' : 's'} in your library`),
    (err) => setStatus(String(err.message ?? err), true),
  );
  document.body.dataset.state = 'idle';
}
