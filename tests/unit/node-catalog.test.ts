import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCatalog } from '../helpers/node-entry';

// The catalog's round trip through PostgreSQL + pgvector (embedded PGlite): rows come back as
// stored, search ranks as exact cosine does, upserts are idempotent, mistakes are typed errors.

type Mod = Awaited<ReturnType<typeof loadCatalog>>;
let mod: Mod;
let catalog: Awaited<ReturnType<Mod['openCatalog']>>;
const DIMS = 16;

/** Deterministic unit vectors (a tiny LCG), so a failure reproduces. */
function vectors(n: number, seed = 7): Float32Array[] {
  let s = seed;
  const rand = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648) - 0.5;
  return Array.from({ length: n }, () => {
    const v = Float32Array.from({ length: DIMS }, rand);
    const norm = Math.hypot(...v);
    return v.map((x) => x / norm);
  });
}
const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a).reduce((s, x, i) => s + x * b[i]!, 0);
const rows = vectors(300).map((vector, i) => ({ id: `item-${i}`, vector, meta: { n: i, tag: i % 3 ? 'b' : 'a' } }));

beforeAll(async () => {
  mod = await loadCatalog();
  catalog = await mod.openCatalog({ dims: DIMS, table: 'test_items' });
  await catalog.upsert(rows);
}, 180_000);
afterAll(() => catalog?.close());

describe('catalog (PGlite + pgvector)', () => {
  it('returns every row as it was written: float32 vectors bit for bit, metadata as JSON', async () => {
    expect(await catalog.count()).toBe(300);
    const back = await catalog.get('item-42');
    expect(Array.from(back!.vector)).toEqual(Array.from(rows[42]!.vector));
    expect(back!.meta).toEqual({ n: 42, tag: 'a' });
    expect(await catalog.get('nope')).toBeUndefined();
  });

  it('ranks like exact cosine similarity', async () => {
    const query = vectors(1, 99)[0]!;
    const exact = rows.map((r) => ({ id: r.id, score: dot(r.vector, query) })).sort((a, b) => b.score - a.score).slice(0, 10);
    const hits = await catalog.search(query, 10);
    // HNSW is approximate: on 300 rows it finds the true top 10; scores match to float precision.
    expect(hits.map((h) => h.id)).toEqual(exact.map((e) => e.id));
    hits.forEach((h, i) => expect(h.score).toBeCloseTo(exact[i]!.score, 5));
  });

  it('upserts by id: writing again replaces, never duplicates', async () => {
    const moved = { id: 'item-5', vector: rows[6]!.vector, meta: { n: 5, moved: true } };
    await catalog.upsert([moved, moved]);
    await catalog.upsert([moved]);
    expect(await catalog.count()).toBe(300);
    expect((await catalog.get('item-5'))!.meta).toEqual({ n: 5, moved: true });
    const [top] = await catalog.search(rows[6]!.vector, 2);
    expect(top!.score).toBeCloseTo(1, 5);
  });

  it('takes any Postgres client with query(sql, params): the seam for a real server', async () => {
    const other = await mod.openCatalog({ dims: DIMS, table: 'test_other', client: catalog.client });
    await other.upsert(rows.slice(0, 3));
    expect(await other.count()).toBe(3);
    expect(await catalog.count()).toBe(300);
  });

  it('refuses mismatched dims, bad vectors and bad names with CatalogDbError', async () => {
    await expect(mod.openCatalog({ dims: 8, table: 'test_items', client: catalog.client })).rejects.toMatchObject({ name: 'CatalogDbError', code: 'catalog_db_failed', message: expect.stringMatching(/16-d vectors, not 8-d/) });
    await expect(catalog.upsert([{ id: 'x', vector: new Float32Array(DIMS).fill(Number.NaN) }])).rejects.toBeInstanceOf(mod.CatalogDbError);
    await expect(catalog.upsert([{ id: 'x', vector: new Float32Array(3) }])).rejects.toThrow(/3 dims; the table holds 16/);
    await expect(catalog.search(new Float32Array(3))).rejects.toBeInstanceOf(mod.CatalogDbError);
    await expect(mod.openCatalog({ dims: DIMS, table: 'Robert"); DROP TABLE x;--', client: catalog.client })).rejects.toThrow(/table name/);
  });
});
