// DOM helpers and the status/progress/error chrome every part of the demo reports through.

export const $ = (sel) => document.querySelector(sel);

/** el('div', { class, text, onclick, 'data-x': … }, …children) */
export function el(tag, attrs = {}, ...children) {
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
}

const SVGNS = 'http://www.w3.org/2000/svg';
export function svgEl(tag, attrs) {
  const e = document.createElementNS(SVGNS, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  return e;
}

/** The page's state (loading-model | indexing | ready | error), which the tests wait on too. */
export function setState(state) {
  document.body.dataset.state = state;
}

export function setStatus(text) {
  $('#status').textContent = text;
}

export function setProgress(value, max, label) {
  const bar = $('#index-progress');
  bar.max = Math.max(1, max);
  bar.value = value;
  $('#progress-label').textContent = label ?? '';
}

/** Shows an error with its class name and code (the SDK's errors carry both). */
export function showError(err, extra) {
  const box = $('#error');
  box.hidden = false;
  box.replaceChildren();
  const name = err?.name ?? 'Error';
  const code = err?.code ? ` (${err.code})` : '';
  box.append(el('strong', { text: `${name}${code}: ` }), document.createTextNode(err?.message ?? String(err)));
  if (extra) box.append(' ', extra);
  box.append(' ', el('button', { type: 'button', class: 'link', text: 'dismiss', onclick: () => (box.hidden = true) }));
}

export function formatBytes(n) {
  if (!n) return '0 B';
  const u = ['B', 'KB', 'MB', 'GB'];
  let i = 0;
  while (n >= 1024 && i < u.length - 1) (n /= 1024), i++;
  return `${n.toFixed(i ? 1 : 0)} ${u[i]}`;
}

// Inline icons (no emoji: a browser without an emoji font would draw boxes).
export const SPEAKER = '<path d="M3 9v6h4l5 5V4L7 9H3z"/><path d="M16.5 12a4.5 4.5 0 0 0-2.5-4v8a4.5 4.5 0 0 0 2.5-4zM14 3.2v2.1a7 7 0 0 1 0 13.4v2.1a9 9 0 0 0 0-17.6z"/>';
export const TEXT_ICON = '<path d="M4 5h16v2H4zM4 9h16v2H4zM4 13h10v2H4z"/>';
export function icon(paths) {
  const d = el('div', { class: 'wave' });
  d.innerHTML = `<svg viewBox="0 0 24 24" width="32" height="32" fill="currentColor" aria-hidden="true">${paths}</svg>`;
  return d;
}
