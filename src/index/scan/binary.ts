import { packBitsInto, popcount32 } from '../quantize';
import { TopK } from '../topk';
import { KERNEL_BLOCK } from '../wasm/arena';
import { kernelModule } from '../wasm/host';
import { TimeSlicer } from '../yield';
import type { VectorStore } from '../store';
import type { ThreadedScanner } from './threads';
import { allowed, type ScanRequest, type Scanner } from './types';

const BLOCK = 16384;

/** Chunks per row for the SIMD Hamming kernel (rows of whole 16-byte chunks, ≤ 31 of them: u8 lane sums), else 0. */
export const simdHamming = (words: number): number => (words % 4 === 0 && words <= 124 ? words / 4 : 0);

export interface BinaryScanOptions {
  /** 'asymmetric': Σ q_j·sign(x_j); 'hamming': popcount(sign(q) XOR code). */
  prefilter: 'asymmetric' | 'hamming';
}

/**
 * Best k of integer distances 0..dims without a sorted list: rows are appended in slot order with
 * a count per distance, and after each block the cut (the k-th distance) is found by counting, so
 * the kernel is next asked only for rows below it (a later row at the cut loses the tie). The result
 * is a counting sort of what is left: distance ascending, slot ascending — the index's total order.
 */
export class HammingBest {
  private slots = new Int32Array(1024);
  private ds = new Int32Array(1024);
  private n = 0;
  private readonly hist: Int32Array;
  /** Rows at this distance or farther cannot enter any more. */
  limit: number;

  constructor(readonly k: number, private readonly dims: number) {
    this.hist = new Int32Array(dims + 1);
    this.limit = dims + 1;
  }

  /** The kernel's (row, distance) pairs of the block starting at slot `base`. */
  addPairs(pairs: Int32Array, base: number, mask: Uint32Array | null): void {
    const got = pairs.length >> 1;
    if (this.n + got > this.slots.length) {
      const cap = Math.max(2 * this.slots.length, this.n + got);
      const s2 = new Int32Array(cap), d2 = new Int32Array(cap);
      s2.set(this.slots.subarray(0, this.n));
      d2.set(this.ds.subarray(0, this.n));
      this.slots = s2;
      this.ds = d2;
    }
    const { slots, ds, hist } = this;
    let n = this.n;
    const lim = this.limit;
    for (let j = 0; j < 2 * got; j += 2) {
      const d = pairs[j + 1]!;
      const slot = base + pairs[j]!;
      if (d >= lim || !allowed(mask, slot)) continue;
      slots[n] = slot;
      ds[n++] = d;
      hist[d]!++;
    }
    this.n = n;
    let below = 0;
    for (let d = 0; d < lim; d++) {
      if (below + hist[d]! >= this.k) {
        this.limit = d;
        break;
      }
      below += hist[d]!;
    }
    // Rows past the cut stay in the buffer (and are dropped at the end) unless it grows large.
    if (this.n > 4 * this.k + KERNEL_BLOCK) this.compact();
  }

  private compact(): void {
    const { slots, ds, hist } = this;
    let below = 0;
    for (let d = 0; d < this.limit; d++) below += hist[d]!;
    let atCut = this.k - below;
    let m = 0;
    for (let i = 0; i < this.n; i++) {
      const d = ds[i]!;
      if (d > this.limit || (d === this.limit && atCut-- <= 0)) continue;
      slots[m] = slots[i]!;
      ds[m++] = d;
    }
    this.n = m;
    hist.fill(0);
    for (let i = 0; i < m; i++) hist[ds[i]!]!++;
  }

  /** The best k as (score, slot) in the index's order; score = 1 − 2·distance/dims. */
  result(): { scores: Float64Array; slots: Int32Array; n: number } {
    const { hist, ds, slots } = this;
    const at = new Int32Array(this.dims + 2);
    for (let d = 0; d <= this.dims; d++) at[d + 1] = at[d]! + hist[d]!;
    const n = Math.min(this.k, this.n);
    const outS = new Float64Array(n), outSlot = new Int32Array(n);
    for (let i = 0; i < this.n; i++) {
      const d = ds[i]!;
      const p = at[d]!++;
      if (p < n) {
        outS[p] = 1 - (2 * d) / this.dims;
        outSlot[p] = slots[i]!;
      }
    }
    return { scores: outS, slots: outSlot, n };
  }
}

/**
 * Asymmetric pre-filter: Σ_j q_j·sign(x_j) = 2·Σ_{bit j set} q_j − Σ q_j. One 256-entry f64 table per
 * byte of the code turns it into d/8 lookups per row (as cheap as popcount, far better ranked).
 */
export function buildLut(s: VectorStore, q: Float32Array): { lut: Float64Array; qsum: number } {
  const bytes = s.words * 4;
  const lut = new Float64Array(bytes * 256);
  let qsum = 0;
  for (let j = 0; j < s.dims; j++) qsum += q[j]!;
  for (let p = 0; p < bytes; p++) {
    const base = p * 256;
    for (let b = 1; b < 256; b++) {
      const low = b & -b;
      const bit = 31 - Math.clz32(low);
      const dim = p * 8 + bit;
      lut[base + b] = lut[base + (b ^ low)]! + (dim < s.dims ? q[dim]! : 0);
    }
  }
  return { lut, qsum };
}

/**
 * The binary storage's first stage: a sign-bit scan keeping `k` candidates (the coordinator asks for
 * k × oversample and rescores them with the int8 copies). In the arena with the WASM popcount / table
 * kernels where there is one, else in JS; both sum in the same order, so the numbers are identical.
 */
export function binaryScanner(o: BinaryScanOptions, threaded: ThreadedScanner | null = null): Scanner {
  return {
    kind: 'binary',
    async scan(s: VectorStore, { q, k, mask }: ScanRequest): Promise<TopK> {
      const W = s.words;
      const hamming = o.prefilter === 'hamming';
      const cands = new TopK(k);
      const slicer = new TimeSlicer();
      const { lut, qsum } = hamming ? { lut: new Float64Array(0), qsum: 0 } : buildLut(s, q.f);
      const qb = new Uint32Array(W);
      packBitsInto(q.f.subarray(0, s.dims), qb, 0);
      const score = (raw: number): number => (hamming ? 1 - (2 * raw) / s.dims : 2 * raw - qsum);
      const a = s.arena && kernelModule(s.arena.shared) ? s.arena : null;
      if (a) {
        if (hamming) new Uint32Array(a.buffer, a.qb, W).set(qb);
        else new Float64Array(a.buffer, a.table, lut.length).set(lut);
        if (threaded?.usable(s)) {
          const req = { q, k, mask };
          try {
            return await threaded.run(s, req, { hamming, qsum });
          } catch {
            /* a worker failed: this thread scans below */
          }
        }
        const chunks = simdHamming(W);
        const best = hamming && chunks ? new HammingBest(k, s.dims) : null;
        for (let b = 0; b < s.size; b += KERNEL_BLOCK) {
          const cnt = Math.min(KERNEL_BLOCK, s.size - b);
          const rows = a.rows + b * a.rowBytes;
          if (best) {
            best.addPairs(new Int32Array(a.buffer, a.out, 2 * a.fns.ham(rows, cnt, chunks, a.qb, best.limit, a.out)), b, mask);
            await slicer.maybeYield();
            continue;
          }
          if (hamming) a.fns.popcnt(rows, cnt, W, a.qb, a.out);
          else a.fns.lut(rows, cnt, W, a.table, a.out);
          const out = hamming ? new Int32Array(a.buffer, a.out, cnt) : new Float64Array(a.buffer, a.out, cnt);
          // Rows below the current last candidate are dropped before any other test.
          let thr = cands.length === cands.k ? cands.scores[cands.k - 1]! : -Infinity;
          for (let i = 0; i < cnt; i++) {
            const sc = score(out[i]!);
            if (sc < thr) continue;
            const slot = b + i;
            if (!allowed(mask, slot) || !cands.accepts(sc, slot)) continue;
            cands.push(sc, slot);
            if (cands.length === cands.k) thr = cands.scores[cands.k - 1]!;
          }
          await slicer.maybeYield();
        }
        if (best) {
          const r = best.result();
          cands.scores.set(r.scores);
          cands.slots.set(r.slots);
          cands.length = r.n;
        }
        return cands;
      }
      const bits = s.bits;
      for (let b = 0; b < s.size; b += BLOCK) {
        const end = Math.min(s.size, b + BLOCK);
        for (let i = b; i < end; i++) {
          if (!allowed(mask, i)) continue;
          const o = i * W;
          let raw = 0;
          if (hamming) {
            for (let w = 0; w < W; w++) raw += popcount32((bits[o + w]! ^ qb[w]!) >>> 0);
          } else {
            for (let w = 0, p = 0; w < W; w++, p += 1024) {
              const x = bits[o + w]!;
              raw += lut[p + (x & 255)]! + lut[p + 256 + ((x >>> 8) & 255)]! + lut[p + 512 + ((x >>> 16) & 255)]! + lut[p + 768 + (x >>> 24)]!;
            }
          }
          const sc = score(raw);
          if (cands.accepts(sc, i)) cands.push(sc, i);
        }
        await slicer.maybeYield();
      }
      return cands;
    },
  };
}
