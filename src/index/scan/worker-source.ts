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
    for (let b = m.from; b < m.to; b += L.block) {
      const cnt = Math.min(L.block, m.to - b);
      const rows = L.rows + b * L.rowBytes;
      const buf = a.memory.buffer;
      if (m.fmt === 'binary' && m.hamming && L.hamChunks) {
        const lim = top.n === top.k ? Math.round(((1 - top.scores[top.k - 1]) * m.dims) / 2) : m.dims + 1;
        const got = a.fns.ham(rows, cnt, L.hamChunks, L.qb, lim, L.out);
        const pairs = new Int32Array(buf, L.out, 2 * got);
        // The block's own best k only (scan/binary.ts blockCut): a count over the distances finds the cut.
        let cut = m.dims + 2, atCut = 0;
        if (got > top.k) {
          const hist = new Int32Array(m.dims + 2);
          for (let j = 0; j < 2 * got; j += 2) if (ok(mask, b + pairs[j])) hist[pairs[j + 1]]++;
          for (let d = 0, below = 0; d < hist.length; below += hist[d], d++) {
            if (below + hist[d] >= top.k) { cut = d; atCut = top.k - below; break; }
          }
        }
        for (let j = 0; j < 2 * got; j += 2) {
          const d = pairs[j + 1];
          if (d > cut || (d === cut && atCut-- <= 0)) continue;
          const slot = b + pairs[j];
          if (ok(mask, slot)) push(top, 1 - (2 * d) / m.dims, slot);
        }
      } else if (m.fmt === 'binary') {
        if (m.hamming) a.fns.popcnt(rows, cnt, L.words, L.qb, L.out);
        else a.fns.lut(rows, cnt, L.words, L.table, L.out);
        const out = m.hamming ? new Int32Array(buf, L.out, cnt) : new Float64Array(buf, L.out, cnt);
        for (let i = 0; i < cnt; i++) {
          const slot = b + i;
          if (mask && !(mask[slot >>> 5] & (1 << (slot & 31)))) continue;
          push(top, m.hamming ? 1 - (2 * out[i]) / m.dims : 2 * out[i] - m.qsum, slot);
        }
      } else if (m.fmt === 'float32') {
        a.fns.f32(rows, cnt, L.stride / 4, L.qf32, L.out);
        const out = new Float32Array(buf, L.out, cnt);
        for (let i = 0; i < cnt; i++) {
          const slot = b + i;
          if (mask && !(mask[slot >>> 5] & (1 << (slot & 31)))) continue;
          push(top, out[i], slot);
        }
      } else {
        if (L.relaxed) a.fns.i8r(rows, cnt, L.rowBytes, L.chunks, L.qd, L.out);
        else a.fns.i8(rows, cnt, L.rowBytes, L.chunks, L.q16, L.out);
        const out = new Int32Array(buf, L.out, cnt);
        const sc = m.scales;
        for (let i = 0; i < cnt; i++) {
          const slot = b + i;
          if (mask && !(mask[slot >>> 5] & (1 << (slot & 31)))) continue;
          push(top, fr(out[i] * m.qscale * sc[slot]), slot);
        }
      }
    }
    postMessage({ id: m.id, n: top.n, scores: top.scores, slots: top.slots });
  } catch (err) {
    postMessage({ id: m.id, error: String(err && err.message || err) });
  }
};
`;
