// The 2-D map of the index: every item projected on the top two principal components, the results
// of the current query highlighted and linked to where the query itself lands.
import { $, svgEl } from './dom.js';
import { actions, app } from './state.js';

/** Top-2 principal components by power iteration with deflation (N×D, tiny). */
function pca2(vectors) {
  const n = vectors.length;
  const d = vectors[0].length;
  const mean = new Float64Array(d);
  for (const v of vectors) for (let j = 0; j < d; j++) mean[j] += v[j] / n;
  const X = vectors.map((v) => Float64Array.from(v, (x, j) => x - mean[j]));
  const comps = [];
  for (let c = 0; c < 2; c++) {
    // A fixed start vector: the same library always draws the same map.
    let w = Float64Array.from({ length: d }, (_, j) => Math.sin(j * 12.9898 + c * 78.233) + 0.01);
    for (let iter = 0; iter < 60; iter++) {
      const next = new Float64Array(d);
      for (const x of X) {
        let s = 0;
        for (let j = 0; j < d; j++) s += x[j] * w[j];
        for (let j = 0; j < d; j++) next[j] += s * x[j];
      }
      for (const p of comps) {
        let s = 0;
        for (let j = 0; j < d; j++) s += next[j] * p[j];
        for (let j = 0; j < d; j++) next[j] -= s * p[j];
      }
      let norm = 0;
      for (let j = 0; j < d; j++) norm += next[j] * next[j];
      norm = Math.sqrt(norm) || 1;
      for (let j = 0; j < d; j++) next[j] /= norm;
      w = next;
    }
    comps.push(w);
  }
  const project = (v) => comps.map((p) => {
    let s = 0;
    for (let j = 0; j < d; j++) s += (v[j] - mean[j]) * p[j];
    return s;
  });
  return { project };
}

/** The projection of the library as last drawn; recomputed after the library changes. */
let layout = null;

export function invalidateMap() {
  layout = null;
}

function computeLayout(ids) {
  const items = ids.map((id) => app.index.get(id));
  const pca = pca2(items.map((it) => it.vector));
  const pts = items.map((it) => ({ id: it.id, meta: it.metadata, xy: pca.project(it.vector) }));
  let [x0, x1, y0, y1] = [Infinity, -Infinity, Infinity, -Infinity];
  for (const { xy } of pts) (x0 = Math.min(x0, xy[0])), (x1 = Math.max(x1, xy[0])), (y0 = Math.min(y0, xy[1])), (y1 = Math.max(y1, xy[1]));
  const pad = 16;
  const sx = (x) => pad + ((x - x0) / (x1 - x0 || 1)) * (320 - 2 * pad);
  const sy = (y) => 320 - pad - ((y - y0) / (y1 - y0 || 1)) * (320 - 2 * pad);
  return { pca, pts, sx, sy };
}

export function drawMap() {
  const svg = $('#map');
  svg.replaceChildren();
  const ids = app.index?.ids() ?? [];
  svg.dataset.points = String(ids.length);
  if (ids.length < 3) {
    const t = svgEl('text', { x: 160, y: 160, 'text-anchor': 'middle', class: 'map-empty' });
    t.textContent = 'Not enough items for a map';
    svg.append(t);
    return;
  }
  layout ??= computeLayout(ids);
  const { pca, pts, sx, sy } = layout;
  const hits = new Set([...document.querySelectorAll('#results .card')].map((c) => c.dataset.id));
  const g = svgEl('g', {});
  for (const p of pts) {
    const kind = p.meta?.source === 'mine' ? 'mine' : p.meta?.kind ?? 'image';
    const c = svgEl('circle', { cx: sx(p.xy[0]).toFixed(1), cy: sy(p.xy[1]).toFixed(1), r: hits.has(p.id) ? 5 : 3.2, class: `pt ${kind}${hits.has(p.id) ? ' hit' : ''}`, 'data-id': p.id });
    const t = svgEl('title', {});
    t.textContent = `${p.meta?.caption ?? p.id} (${p.meta?.kind})`;
    c.append(t);
    c.addEventListener('click', () => actions.open(p.id));
    g.append(c);
  }
  svg.append(g);
  if (app.lastQuery) {
    const [qx, qy] = pca.project(app.lastQuery.vector);
    const x = Math.max(8, Math.min(312, sx(qx)));
    const y = Math.max(8, Math.min(312, sy(qy)));
    for (const id of hits) {
      const p = pts.find((q) => q.id === id);
      if (p) svg.append(svgEl('line', { x1: x, y1: y, x2: sx(p.xy[0]), y2: sy(p.xy[1]), class: 'link' }));
    }
    const star = svgEl('text', { x, y: y + 6, 'text-anchor': 'middle', class: 'query-star', id: 'map-query' });
    star.textContent = '★';
    svg.append(star);
    svg.dataset.query = `${x.toFixed(1)},${y.toFixed(1)}`;
  }
}
