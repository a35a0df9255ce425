import { describe, expect, it } from 'vitest';
import { gauss, seededRandom as rng } from '../helpers/random';
import { createIndex } from '../../src/index/index';
import { disableSimdForTesting } from '../../src/index/simd';
import { kernelBytes } from '../../src/index/wasm/kernels';
import type { KernelFns } from '../../src/index/wasm/host';
import { HammingBest } from '../../src/index/scan/binary';
import { TopK } from '../../src/index/topk';

/** The SIMD Hamming kernel against the scalar popcount kernel, both in one module over one memory. */
describe('SIMD Hamming kernel', () => {
  it('returns exactly the rows with distance < limit, in row order, for 1..31 chunks and any row count', () => {
    const memory = new WebAssembly.Memory({ initial: 64 });
    const f = new WebAssembly.Instance(new WebAssembly.Module(kernelBytes(false, false)), { m: { mem: memory } }).exports as unknown as KernelFns;
    const r = rng(5);
    const u32 = new Uint32Array(memory.buffer);
    const [qb, refOut, out, rows] = [0, 4096, 65536, 262144];
    for (const chunks of [1, 2, 3, 8, 31]) {
      const words = chunks * 4;
      const n = 1003;
      // Biased bits (mostly zeros, some rows all ones) so distances spread over the whole 0..32·words range.
      for (let i = 0; i < n * words; i++) {
        const row = Math.floor(i / words);
        u32[rows / 4 + i] = row % 97 === 0 ? 0xffffffff : row % 89 === 0 ? 0 : (Math.floor(r() * 2 ** 32) & Math.floor(r() * 2 ** 32)) >>> 0;
      }
      for (let w = 0; w < words; w++) u32[qb / 4 + w] = Math.floor(r() * 2 ** 32) >>> 0;
      f.popcnt(rows, n, words, qb, refOut);
      const ref = new Int32Array(memory.buffer, refOut, n).slice();
      expect(Math.max(...ref)).toBeGreaterThan(16 * words);
      for (const limit of [0, 1, 8 * words, 16 * words, 32 * words, 32 * words + 1]) {
        const want: number[] = [];
        ref.forEach((d, i) => d < limit && want.push(i, d));
        const cnt = f.ham(rows, n, chunks, qb, limit, out);
        expect(Array.from(new Int32Array(memory.buffer, out, 2 * cnt))).toEqual(want);
      }
    }
  });

  it("prefilter 'hamming' keeps the reference's ids, scores and tie order where most distances tie", { timeout: 60_000 }, async () => {
    const r = rng(9);
    // 40 distinct vectors repeated: every distance occurs hundreds of times, so the k-th is always a tie.
    const base = Array.from({ length: 40 }, () => Float32Array.from({ length: 256 }, () => gauss(r)));
    const idx = await createIndex({ dims: 256, storage: 'binary', device: 'cpu' });
    await idx.add(Array.from({ length: 20003 }, (_, i) => ({ id: `i${i}`, vector: base[(i * 7) % 40]!, metadata: { odd: i % 2 === 1 } })));
    // And random rows over several kernel blocks: better rows keep arriving after the list is full,
    // at distances just under the k-th (the limit handed to the kernel must not drop them).
    const wide = await createIndex({ dims: 256, storage: 'binary', device: 'cpu' });
    await wide.add(Array.from({ length: 50001 }, (_, i) => ({ id: `w${i}`, vector: Float32Array.from({ length: 256 }, () => gauss(r)) })));
    for (const q of [...base.slice(0, 2), Float32Array.from({ length: 256 }, () => gauss(r))]) {
      for (const k of [10, 500]) {
        const fast = await wide.search(q, { k, rescore: false, prefilter: 'hamming' });
        disableSimdForTesting(true);
        const slow = await wide.search(q, { k, rescore: false, prefilter: 'hamming' }).finally(() => disableSimdForTesting(false));
        expect(fast).toEqual(slow);
      }
    }
    for (const q of base.slice(0, 3)) {
      for (const o of [{ k: 10, rescore: false }, { k: 300, rescore: false }, { k: 10 }, { k: 5, rescore: false, filter: { odd: true } }]) {
        const fast = await idx.search(q, { ...o, prefilter: 'hamming' });
        disableSimdForTesting(true);
        const slow = await idx.search(q, { ...o, prefilter: 'hamming' }).finally(() => disableSimdForTesting(false));
        expect(fast).toEqual(slow);
        expect(fast).toHaveLength(o.k);
      }
    }
  });

  it('HammingBest keeps the top k of a block stream exactly as the sorted list does, compaction included', () => {
    const r = rng(21);
    const dims = 64;
    for (const [k, order] of [[1, 'random'], [10, 'random'], [300, 'falling'], [2000, 'falling'], [50, 'flat']] as const) {
      const best = new HammingBest(k, dims);
      const ref = new TopK(k);
      const mask = new Uint32Array(4096).map(() => Math.floor(r() * 2 ** 32) >>> 0);
      for (let b = 0; b < 20 * 16384; b += 16384) {
        const pairs: number[] = [];
        for (let i = 0; i < 16384; i++) {
          // 'falling': every block nearer than the last, so the buffer keeps filling and must compact.
          const d = order === 'flat' ? 7 : order === 'falling' ? Math.max(0, Math.min(dims, 60 - b / 16384 * 3 + Math.floor(r() * 4))) : Math.floor(r() * (dims + 1));
          if (d < best.limit) pairs.push(i, d);
          const slot = b + i;
          if (mask[slot >>> 5]! & (1 << (slot & 31))) ref.push(1 - (2 * d) / dims, slot);
        }
        best.addPairs(Int32Array.from(pairs), b, mask);
      }
      const got = best.result();
      expect(got.n).toBe(ref.length);
      expect(Array.from(got.slots)).toEqual(Array.from(ref.slots.subarray(0, ref.length)));
      expect(Array.from(got.scores)).toEqual(Array.from(ref.scores.subarray(0, ref.length)));
    }
  });
});
