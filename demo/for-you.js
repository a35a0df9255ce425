// "For you": recommendations from the items the user clicked, by the SDK's `recommend` (the
// normalised mean of their vectors, the clicked items themselves left out).
import { recommend } from 'omni-embed';
import { $, el } from './dom.js';
import { card } from './render.js';
import { app, storeKey } from './state.js';

const REMEMBERED = 10;

export function clicks() {
  try {
    return JSON.parse(localStorage.getItem(storeKey('clicks')) ?? '[]');
  } catch {
    return [];
  }
}

export function recordClick(id) {
  const list = clicks().filter((x) => x !== id);
  list.push(id);
  localStorage.setItem(storeKey('clicks'), JSON.stringify(list.slice(-REMEMBERED)));
}

export function forgetClicks() {
  localStorage.removeItem(storeKey('clicks'));
}

export async function renderForYou() {
  const strip = $('#foryou');
  // Items removed since they were clicked are no longer part of the history.
  const ids = clicks().filter((id) => app.index.has(id));
  if (!ids.length) {
    strip.dataset.count = '0';
    delete strip.dataset.from;
    strip.replaceChildren(el('p', { class: 'muted', text: 'Click a few items and recommendations appear here.' }));
    return;
  }
  const recs = await recommend(app.index, ids, { k: 8 });
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
