// Draw to search: a small canvas where the user sketches in a chosen colour; each pause in drawing
// embeds a snapshot of the canvas (an ImageData, one of the SDK's image inputs) and searches with it.
import { $, el } from './dom.js';

/** The colours the bundled model was trained on, by name (names are what its captions use). */
export const COLOURS = {
  red: '#dc2828', green: '#28be3c', blue: '#325ae6', yellow: '#ebdc28',
  purple: '#963cc8', orange: '#f58c1e', cyan: '#28d2dc', white: '#f0f0f0',
};
/** Backgrounds. White first, as on paper: omni-tiny v2 reads a sketch on white as well as on dark
 * (v1 could not: it read the background's colour; model card, held-out families). */
const BACKGROUNDS = { white: '#ffffff', dark: '#141414' };
/** The longest a change waits to be embedded: fast enough to feel live, few enough embeds. */
export const UPDATE_MS = 250;
const SIZE = 128;

/**
 * Mounts the draw panel into `root`. `onDrawing(imageData, url, n)` is called (at most every UPDATE_MS)
 * with the n-th snapshot when the drawing changed; it is not called for an empty canvas.
 */
export function mountDraw(root, onDrawing) {
  const canvas = el('canvas', { id: 'draw-canvas', width: SIZE, height: SIZE, 'aria-label': 'Drawing canvas: sketch a shape to search with it' });
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  let colour = 'red', background = 'white', brush = 10, changes = 0, snapshots = 0, timer = 0, last = null;

  const swatches = Object.entries(COLOURS).map(([name, hex]) =>
    el('button', { type: 'button', class: 'swatch', 'data-colour': name, title: name, 'aria-label': `colour ${name}`, style: `background:${hex}`, onclick: () => pickColour(name) }));
  const bgSelect = el('select', { id: 'draw-background', 'aria-label': 'Background' },
    ...Object.keys(BACKGROUNDS).map((b) => el('option', { value: b, text: `${b} background` })));
  const brushInput = el('input', { id: 'draw-brush', type: 'range', min: '2', max: '24', value: String(brush), 'aria-label': 'Brush size' });
  root.replaceChildren(
    canvas,
    el('div', { class: 'draw-tools' },
      el('div', { class: 'swatches', role: 'group', 'aria-label': 'Colour' }, ...swatches),
      el('label', { class: 'small' }, 'brush ', brushInput),
      bgSelect,
      el('button', { type: 'button', id: 'draw-clear', text: 'Clear', onclick: () => clear() })),
  );

  function pickColour(name) {
    colour = name;
    for (const s of swatches) s.classList.toggle('on', s.dataset.colour === name);
    root.dataset.colour = name;
  }
  function clear() {
    ctx.fillStyle = BACKGROUNDS[background];
    ctx.fillRect(0, 0, SIZE, SIZE);
    changes = 0;
    root.dataset.changes = '0';
    clearTimeout(timer);
    timer = 0;
  }
  bgSelect.addEventListener('change', () => {
    // Changing the background starts a new drawing: strokes drawn over the old one would keep its colour.
    background = bgSelect.value;
    root.dataset.background = background;
    clear();
  });
  brushInput.addEventListener('input', () => (brush = Number(brushInput.value)));

  /** Pointer position in canvas pixels (the canvas is shown larger than its 128 px). */
  const at = (e) => {
    const r = canvas.getBoundingClientRect();
    return [((e.clientX - r.left) / r.width) * SIZE, ((e.clientY - r.top) / r.height) * SIZE];
  };
  function segment(a, b) {
    ctx.strokeStyle = COLOURS[colour];
    ctx.lineWidth = brush;
    ctx.lineCap = ctx.lineJoin = 'round';
    ctx.beginPath();
    ctx.moveTo(a[0], a[1]);
    ctx.lineTo(b[0], b[1]);
    ctx.stroke();
  }
  function changed() {
    root.dataset.changes = String(++changes); // the tests wait on this
    // Not a plain debounce: one that restarts on every move would wait until the mouse stops, and the
    // results would not follow a long stroke. A change is embedded at most UPDATE_MS after it was made,
    // so results update a few times a second while drawing and once more for the last stroke.
    if (timer) return;
    timer = setTimeout(() => {
      timer = 0;
      if (!changes) return;
      const snapshot = ctx.getImageData(0, 0, SIZE, SIZE); // a copy: drawing on meanwhile cannot change the query
      root.dataset.snapshots = String(++snapshots);
      onDrawing(snapshot, canvas.toDataURL('image/png'), snapshots);
    }, UPDATE_MS);
  }
  canvas.addEventListener('pointerdown', (e) => {
    canvas.setPointerCapture(e.pointerId);
    last = at(e);
    segment(last, last); // a click leaves a dot
    changed();
  });
  canvas.addEventListener('pointermove', (e) => {
    if (!last) return;
    const p = at(e);
    segment(last, p);
    last = p;
    changed();
  });
  const up = () => (last = null);
  canvas.addEventListener('pointerup', up);
  canvas.addEventListener('pointercancel', up);

  pickColour(colour);
  root.dataset.background = background;
  clear();
  return { clear, pickColour };
}

/** Shows the draw panel once the model is ready (drawing before that would have nothing to search). */
export function enableDraw(onDrawing) {
  const root = $('#draw');
  if (!root || root.dataset.mounted) return;
  root.dataset.mounted = 'true';
  mountDraw(root, onDrawing);
}
