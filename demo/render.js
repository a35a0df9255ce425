// How one stored item looks: its media (thumbnail or player), as a result card or a library tile.
import { el, icon, SPEAKER, TEXT_ICON } from './dom.js';
import { actions, app, isReady } from './state.js';

function urlOf(id, meta, field) {
  if (meta?.source === 'mine') return app.fileUrls.get(id) ?? null;
  return meta?.[field] ?? null;
}

/** Thumbnail/player for one stored item. */
export function mediaOf(id, meta, players = true) {
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
    } else if (meta.strip) wrap.append(el('div', { class: 'strip-thumb', style: `background-image:url("${meta.strip}")` }));
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

/** The attributes the tests (and CSS) read an item by. */
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

/** A search result (or recommendation): rank, media, caption, score; a click asks for more like it. */
export function card(r, rank) {
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
    actions.open(r.id);
  });
  return c;
}

/** A library tile: media without players, a remove button. */
export function tileOf(id, meta) {
  const tile = el(
    'div',
    { class: `tile ${meta?.kind ?? ''}${meta?.source === 'mine' ? ' mine' : ''}`, ...dataAttrs(id, meta), title: `${meta?.caption ?? id} — click for more like this` },
    mediaOf(id, meta, false),
    el('button', { type: 'button', class: 'remove', title: 'Remove from the library', 'aria-label': `Remove ${meta?.caption ?? id}`, text: '×', onclick: (e) => (e.stopPropagation(), actions.remove(id)) }),
  );
  tile.addEventListener('click', () => {
    if (isReady()) actions.open(id);
  });
  return tile;
}
