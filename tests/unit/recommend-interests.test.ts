import { describe, expect, it } from 'vitest';
import { seededRandom as rng } from '../../src/recommend/kmeans';
import { createIndex } from '../../src/index/index';
import { interestVector, moreLikeThis, multiInterest, recommend, kmeans, RecommendError } from '../../src/recommend/index';

const r = rng(3);
const gauss = (): number => Math.sqrt(-2 * Math.log(r() + 1e-12)) * Math.cos(2 * Math.PI * r());
const D = 32;
const unit = (v: Float32Array): Float32Array => {
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
};
const cos = (a: Float32Array, b: Float32Array): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s / Math.hypot(...a) / Math.hypot(...b);
};
const centres = Array.from({ length: 4 }, () => unit(Float32Array.from({ length: D }, gauss)));
const near = (c: number, s = 0.15): Float32Array => unit(centres[c]!.map((x) => x + (s * gauss()) / Math.sqrt(D)));

async function catalogue() {
  const idx = await createIndex<{ c: number }>({ dims: D, device: 'cpu' });
  const items = [];
  for (let i = 0; i < 400; i++) items.push({ id: `c${i % 4}-${i}`, vector: near(i % 4), metadata: { c: i % 4 } });
  await idx.add(items);
  return idx;
}

describe('recommend: interest vectors', () => {
  it('is the normalized mean of the last N; recency weights favour the newest', () => {
    const e1 = new Float32Array(D).fill(0);
    e1[0] = 1;
    const e2 = new Float32Array(D).fill(0);
    e2[1] = 1;
    const e3 = new Float32Array(D).fill(0);
    e3[2] = 5; // magnitudes do not matter: items are normalized first
    const mean = interestVector([e1, e2, e3]);
    [0, 1, 2].forEach((j) => expect(mean[j]).toBeCloseTo(1 / Math.sqrt(3), 6));
    const last2 = interestVector([e1, e2, e3], { lastN: 2 });
    expect(last2[0]).toBe(0);
    expect(last2[1]).toBeCloseTo(Math.SQRT1_2, 6);
    // halfLife 1: weights 0.5 (older) and 1 (newest).
    const rec = interestVector([e1, e2], { recency: { halfLife: 1 } });
    expect(rec[1]! / rec[0]!).toBeCloseTo(2, 6);
    // By timestamp: a day older with a one-day half-life weighs half; explicit weights multiply in.
    const t = interestVector([{ vector: e1, timestamp: 0 }, { vector: e2, timestamp: 86_400_000, weight: 3 }], { recency: { halfLifeMs: 86_400_000 } });
    expect(t[1]! / t[0]!).toBeCloseTo(6, 6);
  });

  it('resolves ids through the index and rejects bad histories with stable codes', async () => {
    const idx = await catalogue();
    const v = interestVector(['c0-0', 'c0-4'], { index: idx });
    expect(cos(v, centres[0]!)).toBeGreaterThan(0.95);
    expect(() => interestVector([])).toThrow(RecommendError);
    expect(() => interestVector(['nope'], { index: idx })).toThrow(expect.objectContaining({ code: 'recommend_unknown_id' }));
    expect(() => interestVector([])).toThrow(expect.objectContaining({ code: 'recommend_empty_history' }));
    expect(() => interestVector([new Float32Array([1, NaN])])).toThrow(expect.objectContaining({ code: 'recommend_invalid_vector' }));
  });

  it('multi-interest finds the clusters of a mixed history with their shares', () => {
    const hist = [...Array.from({ length: 7 }, () => near(0)), ...Array.from({ length: 3 }, () => near(2))];
    const ints = multiInterest(hist, { clusters: 2 });
    expect(ints).toHaveLength(2);
    expect(ints[0]!.weight).toBeCloseTo(0.7, 6);
    expect(ints[1]!.weight).toBeCloseTo(0.3, 6);
    expect(cos(ints[0]!.vector, centres[0]!)).toBeGreaterThan(0.95);
    expect(cos(ints[1]!.vector, centres[2]!)).toBeGreaterThan(0.95);
    expect(ints[0]!.members).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });

  it('k-means is deterministic for a seed and separates well-separated clusters', () => {
    const pts = Array.from({ length: 120 }, (_, i) => near(i % 3, 0.1));
    const flat = new Float32Array(120 * D);
    pts.forEach((p, i) => flat.set(p, i * D));
    const a = kmeans(flat, 120, D, 3, { seed: 5 });
    const b = kmeans(flat, 120, D, 3, { seed: 5 });
    expect(Array.from(a.assignments)).toEqual(Array.from(b.assignments));
    for (let i = 3; i < 120; i++) expect(a.assignments[i]).toBe(a.assignments[i % 3]);
    expect(Array.from(a.sizes).sort()).toEqual([40, 40, 40]);
  });
});

describe('recommend: recommendations and more-like-this', () => {
  it('single interest: nearest to the interest vector, seen items excluded', async () => {
    const idx = await catalogue();
    const history = ['c1-1', 'c1-5', 'c1-9'];
    const recs = await recommend(idx, history, { k: 8 });
    expect(recs).toHaveLength(8);
    expect(recs.some((x) => history.includes(x.id))).toBe(false);
    expect(recs.every((x) => x.metadata?.c === 1)).toBe(true);
    const direct = await idx.search(interestVector(history, { index: idx }), { k: 8, exclude: history });
    expect(recs.map((x) => x.id)).toEqual(direct.map((x) => x.id));
  });

  it('multi-interest: each interest gets a share of the list proportional to its weight, no duplicates', async () => {
    const idx = await catalogue();
    const history = ['c0-0', 'c0-4', 'c0-8', 'c0-12', 'c0-16', 'c0-20', 'c0-24', 'c3-3', 'c3-7', 'c3-11'];
    const recs = await recommend(idx, history, { k: 10, interests: 2 });
    expect(recs).toHaveLength(10);
    expect(new Set(recs.map((x) => x.id)).size).toBe(10);
    expect(recs.some((x) => history.includes(x.id))).toBe(false);
    const byCluster = recs.reduce<Record<number, number>>((acc, x) => ((acc[x.metadata!.c] = (acc[x.metadata!.c] ?? 0) + 1), acc), {});
    expect(byCluster).toEqual({ 0: 7, 3: 3 });
    expect(recs.filter((x) => x.interest === 0).every((x) => x.metadata!.c === 0)).toBe(true);
    // excludeSeen: false lets history items back in.
    const withSeen = await recommend(idx, history, { k: 10, interests: 2, excludeSeen: false });
    expect(withSeen.some((x) => history.includes(x.id))).toBe(true);
  });

  it('more like this: nearest items to an item, never itself nor the excluded (seen) ones', async () => {
    const idx = await catalogue();
    const res = await moreLikeThis(idx, 'c2-2', { k: 5, exclude: ['c2-6'] });
    expect(res).toHaveLength(5);
    expect(res.map((x) => x.id)).not.toContain('c2-2');
    expect(res.map((x) => x.id)).not.toContain('c2-6');
    expect(res.every((x) => x.metadata?.c === 2)).toBe(true);
    const ref = (await idx.search(idx.get('c2-2')!.vector, { k: 7 })).map((x) => x.id).filter((id) => id !== 'c2-2' && id !== 'c2-6');
    expect(res.map((x) => x.id)).toEqual(ref.slice(0, 5));
  });
});
