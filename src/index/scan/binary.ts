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
 * Of one block's (row, distance) pairs, only its own best k can enter the top k (any other row is
 * beaten by k rows of the block): those below distance `d`, and at `d` the first `atCut` allowed rows
 * (ties go to earlier slots). A counting pass over the 0..dims distances finds it, so the sorted
 * top-k list takes at most k inserts per block instead of every row of the first block.
 */
export function blockCut(pairs: Int32Array, got: number, base: number, mask: Uint32Array | null, k: number, hist: Int32Array): { d: number; atCut: number } {
  if (got <= k) return { d: hist.length, atCut: 0 };
  hist.fill(0);
  for (let j = 0; j < 2 * got; j += 2) if (allowed(mask, base + pairs[j]!)) hist[pairs[j + 1]!]!++;
  let below = 0;
  for (let d = 0; d < hist.length; d++) {
    if (below + hist[d]! >= k) return { d, atCut: k - below };
    below += hist[d]!;
  }
  return { d: hist.length, atCut: 0 };
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
        const hist = new Int32Array(s.dims + 2);
        for (let b = 0; b < s.size; b += KERNEL_BLOCK) {
          const cnt = Math.min(KERNEL_BLOCK, s.size - b);
          const rows = a.rows + b * a.rowBytes;
          if (hamming && chunks) {
            // Only rows nearer than the current k-th come back; an equal distance at a later slot loses the tie.
            const lim = cands.length === cands.k ? Math.round(((1 - cands.scores[cands.k - 1]!) * s.dims) / 2) : s.dims + 1;
            const got = a.fns.ham(rows, cnt, chunks, a.qb, lim, a.out);
            const pairs = new Int32Array(a.buffer, a.out, 2 * got);
            const cut = blockCut(pairs, got, b, mask, cands.k, hist);
            let atCut = cut.atCut;
            for (let j = 0; j < 2 * got; j += 2) {
              const d = pairs[j + 1]!;
              if (d > cut.d || (d === cut.d && atCut-- <= 0)) continue;
              const slot = b + pairs[j]!;
              if (allowed(mask, slot)) cands.push(score(d), slot);
            }
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
