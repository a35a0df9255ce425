// The server-side catalog: vectors in PostgreSQL + pgvector. Embedded by default through PGlite
// (Postgres compiled to WASM, no server, no native binary), and the same SQL against a real
// Postgres in production: any client with `query(sql, params) → { rows }` (pg's Pool has that
// shape) replaces PGlite without changes to the app. docs/server.md says why this store.
import { CatalogDbError, NodeDependencyError } from '../errors';

/** The one method the catalog needs from a Postgres client (PGlite, pg.Pool, pg.Client). */
export interface SqlClient {
  query<R = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<{ rows: R[] }>;
}

export interface CatalogRow<M = unknown> { id: string; vector: Float32Array | number[]; meta?: M }
export interface CatalogHit<M = unknown> { id: string; score: number; meta: M | null }

export interface OpenCatalogOptions {
  dims: number;
  /** Table name (lower-case letters, digits, _). Default 'omni_items'. */
  table?: string;
  /** A Postgres client with pgvector available; default: an embedded PGlite. */
  client?: SqlClient;
  /** PGlite data folder (embedded only); absent: in memory. */
  dataDir?: string;
}

const TABLE = /^[a-z_][a-z0-9_]{0,62}$/;

export function toSqlVector(v: ArrayLike<number>): string {
  let s = '[';
  for (let i = 0; i < v.length; i++) {
    const x = v[i]!;
    if (!Number.isFinite(x)) throw new CatalogDbError(`vector has a non-finite value at ${i} (${x})`);
    s += (i ? ',' : '') + x;
  }
  return `${s}]`;
}

function wrap(what: string, err: unknown): CatalogDbError {
  return err instanceof CatalogDbError ? err : new CatalogDbError(`${what}: ${(err as Error)?.message ?? String(err)}`, err);
}

async function embeddedClient(dataDir: string | undefined): Promise<SqlClient & { close(): Promise<void> }> {
  let mod: typeof import('@electric-sql/pglite');
  let ext: typeof import('@electric-sql/pglite/vector');
  try {
    [mod, ext] = await Promise.all([import('@electric-sql/pglite'), import('@electric-sql/pglite/vector')]);
  } catch (err) {
    throw new NodeDependencyError('@electric-sql/pglite@0.4.6', 'the embedded vector database', err);
  }
  try {
    return await mod.PGlite.create({ ...(dataDir ? { dataDir } : {}), extensions: { vector: ext.vector } });
  } catch (err) {
    throw wrap(`could not open the embedded database${dataDir ? ` in ${dataDir}` : ''}`, err);
  }
}

export class Catalog<M = unknown> {
  private constructor(
    readonly client: SqlClient,
    readonly table: string,
    readonly dims: number,
    private readonly owned?: { close(): Promise<void> },
  ) {}

  /** Opens (and creates when missing) the table with an HNSW cosine index; refuses a table of other dims. */
  static async open<M = unknown>(options: OpenCatalogOptions): Promise<Catalog<M>> {
    const { dims } = options;
    const table = options.table ?? 'omni_items';
    if (!Number.isInteger(dims) || dims < 1 || dims > 16000) throw new CatalogDbError(`dims must be an integer from 1 to 16000 (got ${String(dims)})`);
    if (!TABLE.test(table)) throw new CatalogDbError(`table name "${table}" must be lower-case letters, digits and _`);
    const owned = options.client ? undefined : await embeddedClient(options.dataDir);
    const client = options.client ?? owned!;
    try {
      await client.query('CREATE EXTENSION IF NOT EXISTS vector');
      await client.query(`CREATE TABLE IF NOT EXISTS ${table} (id text PRIMARY KEY, embedding vector(${dims}) NOT NULL, meta jsonb)`);
      const { rows } = await client.query<{ dims: number }>(
        `SELECT atttypmod AS dims FROM pg_attribute WHERE attrelid = $1::regclass AND attname = 'embedding'`, [table]);
      if (rows[0] && Number(rows[0].dims) !== dims) throw new CatalogDbError(`table ${table} holds ${rows[0].dims}-d vectors, not ${dims}-d; use another table or model`);
      await client.query(`CREATE INDEX IF NOT EXISTS ${table}_embedding_hnsw ON ${table} USING hnsw (embedding vector_cosine_ops)`);
    } catch (err) {
      await owned?.close().catch(() => undefined);
      throw wrap(`could not prepare table ${table}`, err);
    }
    return new Catalog<M>(client, table, dims, owned);
  }

  /** Inserts or replaces rows by id (idempotent: re-running an import never duplicates). */
  async upsert(input: readonly CatalogRow<M>[], chunk = 200): Promise<void> {
    // Postgres refuses one INSERT … ON CONFLICT that touches a row twice: the last write of an id wins.
    const rows = [...new Map(input.map((r) => [r.id, r])).values()];
    for (const r of rows) {
      if (typeof r.id !== 'string' || !r.id) throw new CatalogDbError('every row needs a non-empty string id');
      if (r.vector.length !== this.dims) throw new CatalogDbError(`row ${r.id} has ${r.vector.length} dims; the table holds ${this.dims}`);
    }
    for (let i = 0; i < rows.length; i += chunk) {
      const part = rows.slice(i, i + chunk);
      const params: unknown[] = [];
      const values = part.map((r) => {
        params.push(r.id, toSqlVector(r.vector), r.meta === undefined ? null : JSON.stringify(r.meta));
        const n = params.length;
        return `($${n - 2}, $${n - 1}::vector, $${n}::jsonb)`;
      });
      try {
        await this.client.query(
          `INSERT INTO ${this.table} (id, embedding, meta) VALUES ${values.join(', ')} ON CONFLICT (id) DO UPDATE SET embedding = EXCLUDED.embedding, meta = EXCLUDED.meta`, params);
      } catch (err) {
        throw wrap(`could not write ${part.length} rows to ${this.table}`, err);
      }
    }
  }

  /** The k nearest rows by cosine similarity (score = 1 − cosine distance), best first. */
  async search(query: ArrayLike<number>, k = 10): Promise<CatalogHit<M>[]> {
    if (query.length !== this.dims) throw new CatalogDbError(`query has ${query.length} dims; the table holds ${this.dims}`);
    if (!Number.isInteger(k) || k < 1 || k > 1000) throw new CatalogDbError(`k must be an integer from 1 to 1000 (got ${String(k)})`);
    try {
      const { rows } = await this.client.query<{ id: string; distance: number; meta: M | null }>(
        `SELECT id, embedding <=> $1::vector AS distance, meta FROM ${this.table} ORDER BY embedding <=> $1::vector LIMIT ${k}`, [toSqlVector(query)]);
      return rows.map((r) => ({ id: r.id, score: 1 - Number(r.distance), meta: r.meta }));
    } catch (err) {
      throw wrap(`search in ${this.table} failed`, err);
    }
  }

  /** One row back as stored (vector parsed from pgvector's text form). */
  async get(id: string): Promise<{ id: string; vector: Float32Array; meta: M | null } | undefined> {
    const { rows } = await this.client.query<{ id: string; embedding: string; meta: M | null }>(
      `SELECT id, embedding::text AS embedding, meta FROM ${this.table} WHERE id = $1`, [id]).catch((err: unknown) => { throw wrap('read failed', err); });
    const r = rows[0];
    return r ? { id: r.id, vector: Float32Array.from(JSON.parse(r.embedding) as number[]), meta: r.meta } : undefined;
  }

  async count(): Promise<number> {
    const { rows } = await this.client.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${this.table}`).catch((err: unknown) => { throw wrap('count failed', err); });
    return Number(rows[0]?.n ?? 0);
  }

  /** Closes the embedded database this catalog opened (a client passed in is the caller's to close). */
  async close(): Promise<void> {
    await this.owned?.close();
  }
}

export function openCatalog<M = unknown>(options: OpenCatalogOptions): Promise<Catalog<M>> {
  return Catalog.open<M>(options);
}
