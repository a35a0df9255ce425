/**
 * The index worker, as source text: it runs from a Blob URL, so the SDK ships no extra file and the
 * bundler has nothing to resolve. It instantiates the (already compiled) kernel module over an
 * index's shared memory and scans the rows it is given, keeping its own best k under the index's
 * total order (higher score, then lower slot), with exactly the arithmetic of scan/wasm.ts:
 * float32 scores as the kernel wrote them, int8 as Math.fround(dot * qscale * rowScale), binary as
 * 1 − 2·distance/dims (Hamming) or 2·Σ − Σq (asymmetric table), the expressions of scan/binary.ts
 * (Hamming, like there, through the filtering SIMD kernel where the rows are whole 16-byte chunks).
 */
export const WORKER_SOURCE = `
'use strict';
const arenas = new Map();
function topk(k) { return { k, n: 0, scores: new Float64Array(k), slots: new Int32Array(k) }; }
function push(t, score, slot) {
  if (t.k === 0) return;
  if (t.n === t.k) {
    const ws = t.scores[t.k - 1];
    if (!(score > ws || (score === ws && slot < t.slots[t.k - 1]))) return;
  }
  let i = t.n < t.k ? t.n++ : t.k - 1;
  while (i > 0) {
    const ps = t.scores[i - 1], pslot = t.slots[i - 1];
    if (ps > score || (ps === score && pslot < slot)) break;
    t.scores[i] = ps; t.slots[i] = pslot; i--;
  }
  t.scores[i] = score; t.slots[i] = slot;
}
// scan/binary.ts HammingBest: rows in slot order with a count per distance; the cut is found by counting.
function hamBest(k, dims) { return { k, dims, slots: new Int32Array(1024), ds: new Int32Array(1024), n: 0, hist: new Int32Array(dims + 1), limit: dims + 1 }; }
function hamAdd(h, pairs, base, mask, block) {
  const got = pairs.length >> 1;
  if (h.n + got > h.slots.length) {
    const cap = Math.max(2 * h.slots.length, h.n + got);
    const s2 = new Int32Array(cap), d2 = new Int32Array(cap);
    s2.set(h.slots.subarray(0, h.n)); d2.set(h.ds.subarray(0, h.n));
    h.slots = s2; h.ds = d2;
  }
  const slots = h.slots, ds = h.ds, hist = h.hist, lim = h.limit;
  let n = h.n;
  for (let j = 0; j < 2 * got; j += 2) {
    const d = pairs[j + 1], slot = base + pairs[j];
    if (d >= lim || !ok(mask, slot)) continue;
    slots[n] = slot; ds[n++] = d; hist[d]++;
  }
  h.n = n;
  for (let d = 0, below = 0; d < lim; below += hist[d], d++) {
    if (below + hist[d] >= h.k) { h.limit = d; break; }
  }
  if (h.n > 4 * h.k + block) {
    let below = 0;
    for (let d = 0; d < h.limit; d++) below += hist[d];
    let atCut = h.k - below, m2 = 0;
    for (let i = 0; i < h.n; i++) {
      const d = ds[i];
      if (d > h.limit || (d === h.limit && atCut-- <= 0)) continue;
      slots[m2] = slots[i]; ds[m2++] = d;
    }
    h.n = m2;
    hist.fill(0);
    for (let i = 0; i < m2; i++) hist[ds[i]]++;
  }
}
function hamResult(h) {
  const at = new Int32Array(h.dims + 2);
  for (let d = 0; d <= h.dims; d++) at[d + 1] = at[d] + h.hist[d];
  const n = Math.min(h.k, h.n), scores = new Float64Array(n), slots = new Int32Array(n);
  for (let i = 0; i < h.n; i++) {
    const d = h.ds[i], p = at[d]++;
    if (p < n) { scores[p] = 1 - (2 * d) / h.dims; slots[p] = h.slots[i]; }
  }
  return { n, scores, slots };
}
function offer(t, mask, score, slot, thr) {
  if (!ok(mask, slot)) return thr;
  push(t, score, slot);
  return t.n === t.k ? t.scores[t.k - 1] : thr;
}
function ok(mask, slot) { return !mask || (mask[slot >>> 5] & (1 << (slot & 31))) !== 0; }
onmessage = (e) => {
  const m = e.data;
  if (m.t === 'attach') {
    const inst = new WebAssembly.Instance(m.module, { m: { mem: m.memory } });
    arenas.set(m.key, { fns: inst.exports, memory: m.memory });
    return;
  }
  if (m.t === 'detach') { arenas.delete(m.key); return; }
  try {
    const a = arenas.get(m.key);
    const L = m.layout;
    const top = topk(m.k);
    const mask = m.mask;
    const fr = Math.fround;
    // Rows below the current k-th score are dropped before any call (almost all of them, as in scan/wasm.ts).
    let thr = -Infinity;
    const hb = m.fmt === 'binary' && m.hamming && L.hamChunks ? hamBest(m.k, m.dims) : null;
    for (let b = m.from; b < m.to; b += L.block) {
      const cnt = Math.min(L.block, m.to - b);
      const rows = L.rows + b * L.rowBytes;
      const buf = a.memory.buffer;
      if (m.fmt === 'binary' && m.hamming && L.hamChunks) {
        const got = a.fns.ham(rows, cnt, L.hamChunks, L.qb, hb.limit, L.out);
        hamAdd(hb, new Int32Array(buf, L.out, 2 * got), b, mask, L.block);
      } else if (m.fmt === 'binary') {
        if (m.hamming) a.fns.popcnt(rows, cnt, L.words, L.qb, L.out);
        else a.fns.lut(rows, cnt, L.words, L.table, L.out);
        const out = m.hamming ? new Int32Array(buf, L.out, cnt) : new Float64Array(buf, L.out, cnt);
        const ham = m.hamming, dims = m.dims, qsum = m.qsum;
        for (let i = 0; i < cnt; i++) {
          const score = ham ? 1 - (2 * out[i]) / dims : 2 * out[i] - qsum;
          if (score < thr) continue;
          thr = offer(top, mask, score, b + i, thr);
        }
      } else if (m.fmt === 'float32') {
        a.fns.f32(rows, cnt, L.stride / 4, L.qf32, L.out);
        const out = new Float32Array(buf, L.out, cnt);
        for (let i = 0; i < cnt; i++) {
          const score = out[i];
          if (score < thr) continue;
          thr = offer(top, mask, score, b + i, thr);
        }
      } else {
        if (L.relaxed) a.fns.i8r(rows, cnt, L.rowBytes, L.chunks, L.qd, L.out);
        else a.fns.i8(rows, cnt, L.rowBytes, L.chunks, L.q16, L.out);
        const out = new Int32Array(buf, L.out, cnt);
        const sc = m.scales, qscale = m.qscale;
        for (let i = 0; i < cnt; i++) {
          const score = fr(out[i] * qscale * sc[b + i]);
          if (score < thr) continue;
          thr = offer(top, mask, score, b + i, thr);
        }
      }
    }
    if (hb) { const r = hamResult(hb); postMessage({ id: m.id, n: r.n, scores: r.scores, slots: r.slots }); return; }
    postMessage({ id: m.id, n: top.n, scores: top.scores, slots: top.slots });
  } catch (err) {
    postMessage({ id: m.id, error: String(err && err.message || err) });
  }
};
`;
