import { packBitsInto, popcount32 } from '../quantize';
import { buildLut } from '../scan/binary';
import { allowed, type ScanRequest, type Scanner } from '../scan/types';
import { writeQuery } from '../scan/wasm';
import { int8Score, scoreRowI8 } from '../simd';
import { TopK } from '../topk';
import { KERNEL_BLOCK } from '../wasm/arena';
import { TimeSlicer } from '../yield';
import type { VectorStore } from '../store';
import type { IvfLists } from './lists';

/** The `nprobe` lists whose centroids score highest against the query (float dot products). */
export function probeLists(lists: IvfLists, q: Float32Array, stride: number, nprobe: number): Int32Array {
  const top = new TopK(nprobe);
  const c = lists.centroids;
  for (let l = 0; l < lists.nlist; l++) {
    const o = l * stride;
    let dot = 0;
    for (let j = 0; j < stride; j++) dot += c[o + j]! * q[j]!;
    top.push(dot, l);
  }
  return top.slots.slice(0, top.length);
}

/**
 * The IVF first stage: the best `req.k` slots among the members of the `nprobe` nearest lists, scored
 * with exactly the numbers of the exact first stage (int8 kernel / sign-bit kernels, the same score
 * expressions, ties by slot). Probing every list therefore yields the exact first stage's candidates,
 * and the coordinator rescores them as it does for the exact scan.
 */
export function ivfScanner(lists: IvfLists, nprobe: number, prefilter: 'asymmetric' | 'hamming'): Scanner {
  return {
    kind: 'ivf',
    async scan(s: VectorStore, req: ScanRequest): Promise<TopK> {
      const probed = probeLists(lists, req.q.f, s.stride, Math.min(nprobe, lists.nlist));
      const top = new TopK(req.k);
      const binary = s.format === 'binary';
      const hamming = binary && prefilter === 'hamming';
      const { lut, qsum } = binary && !hamming ? buildLut(s, req.q.f) : { lut: new Float64Array(0), qsum: 0 };
      const qb = new Uint32Array(s.words);
      if (binary) packBitsInto(req.q.f.subarray(0, s.dims), qb, 0);
      const a = lists.arena;
      if (a) {
        if (!binary) writeQuery(a, req, s.stride);
        else if (hamming) new Uint32Array(a.buffer, a.qb, s.words).set(qb);
        else new Float64Array(a.buffer, a.table, lut.length).set(lut);
      }
      const mask = req.mask;
      const slots = lists.slots;
      const scales = lists.scales;
      const qscale = req.q.qscale;
      const chunks = Math.ceil(s.stride / 16);
      const binScore = (raw: number): number => (hamming ? 1 - (2 * raw) / s.dims : 2 * raw - qsum);
      const offer = (score: number, row: number): void => {
        const slot = slots[row]!;
        if (allowed(mask, slot) && top.accepts(score, slot)) top.push(score, slot);
      };
      // A large nprobe scans as much as an exact search: yield every ~8 ms like the exact scans do.
      const slicer = new TimeSlicer();
      for (const l of probed) {
        await slicer.maybeYield();
        const from = lists.start[l]!;
        const to = from + lists.len[l]!;
        if (a) {
          for (let b = from; b < to; b += KERNEL_BLOCK) {
            // inside a list too: clustered data can put tens of thousands of rows in one list
            if (b > from) await slicer.maybeYield();
            const cnt = Math.min(KERNEL_BLOCK, to - b);
            const rows = a.rows + b * a.rowBytes;
            if (!binary) {
              if (a.relaxed && a.fns.i8r) a.fns.i8r(rows, cnt, a.rowBytes, chunks, a.qd, a.out);
              else a.fns.i8(rows, cnt, a.rowBytes, chunks, a.q16, a.out);
              const out = new Int32Array(a.buffer, a.out, cnt);
              for (let i = 0; i < cnt; i++) offer(int8Score(out[i]!, qscale, scales[b + i]!), b + i);
            } else {
              if (hamming) a.fns.popcnt(rows, cnt, s.words, a.qb, a.out);
              else a.fns.lut(rows, cnt, s.words, a.table, a.out);
              const out = hamming ? new Int32Array(a.buffer, a.out, cnt) : new Float64Array(a.buffer, a.out, cnt);
              for (let i = 0; i < cnt; i++) offer(binScore(out[i]!), b + i);
            }
          }
          continue;
        }
        // No WebAssembly SIMD: the JS reference arithmetic over the store's own rows.
        for (let row = from; row < to; row++) {
          if ((row - from) % KERNEL_BLOCK === KERNEL_BLOCK - 1) await slicer.maybeYield();
          const slot = slots[row]!;
          if (!binary) offer(int8Score(scoreRowI8(s.i8, slot * s.stride, req.q.q16, s.stride), qscale, s.scales[slot]!), row);
          else {
            const o = slot * s.words;
            let raw = 0;
            for (let w = 0, p = 0; w < s.words; w++, p += 1024) {
              const x = s.bits[o + w]!;
              raw += hamming ? popcount32((x ^ qb[w]!) >>> 0) : lut[p + (x & 255)]! + lut[p + 256 + ((x >>> 8) & 255)]! + lut[p + 512 + ((x >>> 16) & 255)]! + lut[p + 768 + (x >>> 24)]!;
            }
            offer(binScore(raw), row);
          }
        }
      }
      return top;
    },
  };
}
