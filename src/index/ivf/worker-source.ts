/**
 * The IVF worker, as source text (run from a Blob URL like the index workers, so the SDK ships no
 * extra file). It does the O(N · lists · d) work of IVF off the page thread:
 * - `seed`: k-means++ seeding (spherical: distance 1 − cos) on a small float sample;
 * - `centroids`: takes the current centroids and quantizes them to int8 rows in its own wasm memory;
 * - `assign`: for each int8 row, the list whose centroid has the highest dot product, computed with
 *   the index's plain-SIMD int8 kernel (centroids are the kernel's rows, the vector its query), and
 *   optionally the per-list sums of the dequantized rows for a Lloyd update.
 * Without WebAssembly SIMD it computes the same integer dot products in JS.
 */
export const IVF_WORKER_SOURCE = `
'use strict';
let fns = null, mem = null, nlist = 0, stride = 0, chunks = 0, Q16 = 0, OUT = 0, cscale = null, cq = null;
const align = (n, a) => Math.ceil(n / a) * a;
function setCentroids(m) {
  nlist = m.nlist; stride = m.stride; chunks = Math.ceil(stride / 16);
  Q16 = align(nlist * stride + 16, 16); OUT = align(Q16 + chunks * 32, 16);
  const bytes = OUT + nlist * 4 + 64;
  if (m.module) {
    if (!mem || mem.buffer.byteLength < bytes) {
      mem = new WebAssembly.Memory({ initial: Math.ceil(bytes / 65536) });
      fns = new WebAssembly.Instance(m.module, { m: { mem } }).exports;
    }
    cq = new Int8Array(mem.buffer, 0, nlist * stride);
  } else cq = new Int8Array(nlist * stride);
  cscale = new Float64Array(nlist);
  const c = m.centroids;
  for (let l = 0; l < nlist; l++) {
    let max = 0;
    for (let j = 0; j < stride; j++) max = Math.max(max, Math.abs(c[l * stride + j]));
    const s = max > 0 ? max / 127 : 1;
    cscale[l] = s;
    for (let j = 0; j < stride; j++) cq[l * stride + j] = Math.round(c[l * stride + j] / s);
  }
}
function assign(m) {
  const rows = m.rows, n = m.n, scales = m.scales;
  const lists = new Int32Array(n);
  const sums = m.sums ? new Float64Array(nlist * stride) : null;
  const counts = m.sums ? new Float64Array(nlist) : null;
  const q16 = fns ? new Int16Array(mem.buffer, Q16, chunks * 16) : null;
  const out = fns ? new Int32Array(mem.buffer, OUT, nlist) : new Int32Array(nlist);
  for (let r = 0; r < n; r++) {
    const o = r * stride;
    if (fns) {
      q16.set(rows.subarray(o, o + stride));
      fns.i8(0, nlist, stride, chunks, Q16, OUT);
    } else {
      for (let l = 0; l < nlist; l++) {
        let acc = 0;
        for (let j = 0; j < stride; j++) acc += cq[l * stride + j] * rows[o + j];
        out[l] = acc;
      }
    }
    let best = -Infinity, bi = 0;
    for (let l = 0; l < nlist; l++) {
      const s = out[l] * cscale[l];
      if (s > best) { best = s; bi = l; }
    }
    lists[r] = bi;
    if (sums) {
      const sc = scales[r], b = bi * stride;
      for (let j = 0; j < stride; j++) sums[b + j] += rows[o + j] * sc;
      counts[bi]++;
    }
    if (m.progress && (r & 4095) === 4095) postMessage({ id: m.id, progress: r + 1 });
  }
  return { lists, sums, counts };
}
function seed(m) {
  // Float, unit-length copies of the sample rows: k-means++ picks each next centre with probability
  // proportional to its distance from the nearest centre so far.
  const n = m.n, k = m.k, d = m.stride, rows = m.rows;
  const x = new Float32Array(n * d);
  for (let r = 0; r < n; r++) {
    let nn = 0;
    for (let j = 0; j < d; j++) nn += rows[r * d + j] * rows[r * d + j];
    const inv = nn > 0 ? 1 / Math.sqrt(nn) : 0;
    for (let j = 0; j < d; j++) x[r * d + j] = rows[r * d + j] * inv;
  }
  let a = m.seed >>> 0;
  const rnd = () => { a = (a + 0x6d2b79f5) >>> 0; let t = a; t = Math.imul(t ^ (t >>> 15), t | 1); t ^= t + Math.imul(t ^ (t >>> 7), t | 61); return ((t ^ (t >>> 14)) >>> 0) / 4294967296; };
  const cent = new Float32Array(k * d);
  const dist = new Float64Array(n).fill(Infinity);
  let pick = Math.floor(rnd() * n);
  for (let c = 0; c < k; c++) {
    cent.set(x.subarray(pick * d, pick * d + d), c * d);
    let total = 0;
    for (let r = 0; r < n; r++) {
      let dot = 0;
      for (let j = 0; j < d; j++) dot += x[r * d + j] * x[pick * d + j];
      const dd = Math.max(0, 1 - dot);
      if (dd < dist[r]) dist[r] = dd;
      total += dist[r];
    }
    if ((c & 31) === 31) postMessage({ id: m.id, progress: c + 1 });
    let t = rnd() * total;
    pick = n - 1;
    for (let r = 0; r < n; r++) { t -= dist[r]; if (t <= 0) { pick = r; break; } }
  }
  return { centroids: cent };
}
onmessage = (e) => {
  const m = e.data;
  try {
    if (m.t === 'centroids') { setCentroids(m); postMessage({ id: m.id }); return; }
    if (m.t === 'assign') {
      const r = assign(m);
      const tr = [r.lists.buffer];
      if (r.sums) tr.push(r.sums.buffer, r.counts.buffer);
      postMessage({ id: m.id, lists: r.lists, sums: r.sums, counts: r.counts }, tr);
      return;
    }
    if (m.t === 'seed') { const r = seed(m); postMessage({ id: m.id, centroids: r.centroids }, [r.centroids.buffer]); return; }
    postMessage({ id: m.id, error: 'unknown message ' + m.t });
  } catch (err) {
    postMessage({ id: m.id, error: String((err && err.message) || err) });
  }
};
`;
