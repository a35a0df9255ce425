import { describe, expect, it } from 'vitest';
import { seededRandom as rng } from '../../src/recommend/kmeans';
import { createIndex } from '../../src/index/index';
import { formatSemanticId, SemanticIdCodebook, SemanticIdIndex, trainSemanticIds } from '../../src/recommend/index';

const r = rng(17);
const gauss = (): number => Math.sqrt(-2 * Math.log(r() + 1e-12)) * Math.cos(2 * Math.PI * r());
const D = 24;
const unit = (v: Float32Array): Float32Array => v.map((x) => x / Math.hypot(...v));
const cos = (a: Float32Array, b: Float32Array): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s / Math.hypot(...a) / Math.hypot(...b);
};
const centres = Array.from({ length: 6 }, () => unit(Float32Array.from({ length: D }, gauss)));

async function makeIndex(n = 600) {
  const idx = await createIndex<{ c: number }>({ dims: D, device: 'cpu' });
  const items = [];
  for (let i = 0; i < n; i++) items.push({ id: `i${i}`, vector: unit(centres[i % 6]!.map((x) => x + (0.35 * gauss()) / Math.sqrt(D))), metadata: { c: i % 6 } });
  await idx.add(items);
  return { idx, items };
}

describe('semantic IDs (residual k-means)', () => {
  it('trains on the index: level 0 recovers the clusters, each level reduces the reconstruction error', async () => {
    const { idx, items } = await makeIndex();
    const cb = await trainSemanticIds(idx, { levels: 3, codebookSize: 6, seed: 3 });
    expect(cb.levels).toBe(3);
    expect(cb.sizes).toEqual([6, 6, 6]);
    // Level-0 purity: each true cluster maps to a single first codeword.
    const firstOf = new Map<number, Set<number>>();
    for (const it of items) {
      const code = cb.encode(it.vector);
      expect(code).toHaveLength(3);
      if (!firstOf.has(it.metadata.c)) firstOf.set(it.metadata.c, new Set());
      firstOf.get(it.metadata.c)!.add(code[0]!);
    }
    for (const s of firstOf.values()) expect(s.size).toBe(1);
    expect(new Set([...firstOf.values()].map((s) => [...s][0])).size).toBe(6);
    // Reconstruction from longer prefixes is closer to the vector.
    const meanCos = (len: number) => items.reduce((a, it) => a + cos(cb.decode(cb.encode(it.vector).slice(0, len)), it.vector), 0) / items.length;
    const c1 = meanCos(1), c2 = meanCos(2), c3 = meanCos(3);
    expect(c2).toBeGreaterThan(c1);
    expect(c3).toBeGreaterThan(c2);
    // Deterministic for a seed, and serializable.
    const again = await trainSemanticIds(idx, { levels: 3, codebookSize: 6, seed: 3 });
    const back = SemanticIdCodebook.fromJSON(JSON.parse(JSON.stringify(cb.toJSON())));
    for (const it of items.slice(0, 50)) {
      expect(again.encode(it.vector)).toEqual(cb.encode(it.vector));
      expect(back.encode(it.vector)).toEqual(cb.encode(it.vector));
    }
  });

  it('groups by code prefix and searches within a prefix; refresh follows adds and removes', async () => {
    const { idx, items } = await makeIndex();
    const sid = await SemanticIdIndex.build(idx, { levels: 2, codebookSize: 6, seed: 1 });
    const g1 = sid.groups(1);
    expect(g1.size).toBe(6);
    expect([...g1.values()].reduce((a, g) => a + g.length, 0)).toBe(600);
    for (const ids of g1.values()) expect(new Set(ids.map((id) => idx.get(id)!.metadata!.c)).size).toBe(1);
    const g2 = sid.groups(2);
    expect(g2.size).toBeGreaterThan(6);
    for (const [key, ids] of g2) for (const id of ids) expect(formatSemanticId(sid.code(id)!, 2)).toBe(key);

    const q = items[10]!.vector;
    const res = await sid.search(q, { k: 5 });
    const prefix = sid.encode(q)[0]!;
    expect(res).toHaveLength(5);
    expect(res.every((x) => x.semanticId[0] === prefix)).toBe(true);
    expect(res[0]!.id).toBe('i10');
    const allowed = new Set(sid.withPrefix([prefix]));
    const ref = await idx.search(q, { k: 5, filter: (_m, id) => allowed.has(id) });
    expect(res.map((x) => x.id)).toEqual(ref.map((x) => x.id));
    // Search under an explicit prefix string.
    const other = [...g1.keys()].find((k) => k !== String(prefix))!;
    const under = await sid.search(q, { k: 3, prefix: other });
    expect(under.every((x) => formatSemanticId(x.semanticId, 1) === other)).toBe(true);

    await idx.remove(['i0', 'i1']);
    await idx.add({ id: 'new', vector: items[2]!.vector });
    await sid.refresh();
    expect(sid.code('i0')).toBeUndefined();
    expect(sid.code('new')).toEqual(sid.code('i2'));
    expect([...sid.groups(1).values()].reduce((a, g) => a + g.length, 0)).toBe(599);
  });
});
