import { describe, expect, it } from 'vitest';
import { gauss, seededRandom as rng } from '../helpers/random';
import { createIndex, IndexError, type IndexItem } from '../../src/index/index';
import { disableSimdForTesting, prepareQuery, qmaxFor, scoreRowI8, simdKernels } from '../../src/index/simd';
import { VectorStore } from '../../src/index/store';

function vecs(n: number, d: number, seed: number): Float32Array[] {
  const r = rng(seed);
  return Array.from({ length: n }, () => Float32Array.from({ length: d }, () => gauss(r)));
}
const items = (vs: Float32Array[]): IndexItem[] => vs.map((vector, i) => ({ id: `i${i}`, vector }));

async function bothWays<T>(fn: () => Promise<T>): Promise<[T, T]> {
  const fast = await fn();
  disableSimdForTesting(true);
  try {
    return [fast, await fn()];
  } finally {
    disableSimdForTesting(false);
  }
}

describe('index: WASM kernels equal the JS reference', () => {
  it('float32 and int8 over many dims and row counts (4-row blocks and their tails, chunk overrun)', async () => {
    expect(simdKernels()).not.toBeNull();
    for (const dims of [1, 3, 5, 16, 37, 64, 255, 300]) {
      for (const storage of ['float32', 'int8'] as const) {
        const n = 1000 + (dims % 7);
        const vs = vecs(n, dims, dims);
        const idx = await createIndex({ dims, storage, device: 'cpu' });
        await idx.add(items(vs));
        for (const q of vecs(3, dims, dims + 100)) {
          for (const rescore of [false, true]) {
            const [fast, slow] = await bothWays(() => idx.search(q, { k: 25, rescore }));
            expect(fast).toEqual(slow);
            expect(fast).toHaveLength(Math.min(25, n));
          }
        }
      }
    }
  });

  it('binary: popcount and table kernels give the JS numbers (first stage and rescored)', async () => {
    for (const dims of [7, 32, 40, 256]) {
      const vs = vecs(3001, dims, 7 + dims);
      const idx = await createIndex({ dims, storage: 'binary', device: 'cpu' });
      await idx.add(items(vs));
      for (const q of vecs(3, dims, 8 + dims)) {
        for (const opts of [{ rescore: false }, { rescore: false, prefilter: 'hamming' as const }, {}, { prefilter: 'hamming' as const }]) {
          const [fast, slow] = await bothWays(() => idx.search(q, { k: 20, ...opts }));
          expect(fast).toEqual(slow);
        }
      }
    }
  });

  it('the int8 first stage is the exact integer dot product of the row with the quantized query', () => {
    const s = new VectorStore(37, 'int8');
    const v = vecs(1, 37, 3)[0]!;
    s.append('a', v, undefined);
    const pq = prepareQuery(vecs(1, 37, 4)[0]!, s.stride);
    let want = 0;
    for (let j = 0; j < 37; j++) want += s.i8[j]! * pq.q16[j]!;
    expect(scoreRowI8(s.i8, 0, pq.q16, s.stride)).toBe(want);
    expect(Math.max(...Array.from(pq.q16, Math.abs))).toBe(qmaxFor(s.stride));
    // i32 headroom: 127 · qmax · stride never overflows.
    for (const stride of [4, 256, 1536, 4096]) expect(127 * qmaxFor(stride) * stride).toBeLessThan(2 ** 31);
  });

  it('rows stay right while the arena grows, compacts and clears', async () => {
    const idx = await createIndex({ dims: 24, storage: 'int8', device: 'cpu' });
    const vs = vecs(5000, 24, 11);
    for (let b = 0; b < vs.length; b += 700) await idx.add(items(vs).slice(b, b + 700));
    await idx.remove(Array.from({ length: 1000 }, (_, i) => `i${i * 5}`));
    const q = vs[3]!;
    const [fast, slow] = await bothWays(() => idx.search(q, { k: 30 }));
    expect(fast).toEqual(slow);
    expect(fast[0]!.id).toBe('i3');
    await idx.clear();
    await idx.add(items(vs.slice(0, 10)));
    expect((await idx.search(vs[9]!, { k: 1 }))[0]!.id).toBe('i9');
  });

  it('an index this device cannot hold fails with index_too_large', async () => {
    const err = await createIndex({ dims: 256, capacity: 2 ** 40 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IndexError);
    expect((err as IndexError).code).toBe('index_too_large');
    expect((err as IndexError).name).toBe('IndexError');
  });
});
