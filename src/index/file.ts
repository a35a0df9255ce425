import { IndexError } from './errors';
import { planesOf, type Rows } from './rows';
import type { VectorStore } from './store';
import type { Json, Metric, StorageFormat } from './types';

/**
 * Single-file export: "OMNIIDX1" (8 bytes) · u32 LE header length · header JSON (UTF-8) · zero pad to
 * 8 bytes · raw sections in header order. Header: { format: 1, dims, metric, storage, count, ids,
 * meta, sections: [{ name, bytes }] }; sections are the store's planes: f32 | i8, scales, r8, rscales
 * (int8) | i8, scales, bits (binary).
 */
const MAGIC = 'OMNIIDX1';

export interface FileHeader {
  format: number;
  dims: number;
  metric: Metric;
  storage: StorageFormat;
  count: number;
  ids: string[];
  meta: (Json | null)[];
  sections: { name: keyof Rows; bytes: number }[];
}

export function exportStore(store: VectorStore, metric: Metric): Blob {
  store.compact();
  const rows = store.sliceRows(0, store.size);
  const parts = Object.entries(rows) as [keyof Rows, ArrayBufferView][];
  const header: FileHeader = {
    format: 1,
    dims: store.dims,
    metric,
    storage: store.format,
    count: store.size,
    ids: store.ids.slice(0, store.size),
    meta: store.meta.slice(0, store.size).map((m) => (m === undefined ? null : m)),
    sections: parts.map(([name, a]) => ({ name, bytes: a.byteLength })),
  };
  const json = new TextEncoder().encode(JSON.stringify(header));
  const pre = new Uint8Array(Math.ceil((12 + json.length) / 8) * 8);
  pre.set(new TextEncoder().encode(MAGIC), 0);
  new DataView(pre.buffer).setUint32(8, json.length, true);
  pre.set(json, 12);
  const blobParts: BlobPart[] = [pre];
  for (const [, a] of parts) blobParts.push(new Uint8Array(a.buffer as ArrayBuffer, a.byteOffset, a.byteLength));
  return new Blob(blobParts, { type: 'application/x-omni-embed-index' });
}

const CTORS = { f32: Float32Array, i8: Int8Array, scales: Float32Array, bits: Uint32Array, r8: Int8Array, rscales: Float32Array } as const;

/** Typed views over stored plane buffers. */
export function planesToRows(planes: Partial<Record<keyof Rows, ArrayBuffer>>): Rows {
  const rows: Rows = {};
  for (const [name, buf] of Object.entries(planes) as [keyof Rows, ArrayBuffer][]) {
    const C = CTORS[name];
    if (C && buf) (rows as Record<string, ArrayBufferView>)[name] = new C(buf);
  }
  return rows;
}

export async function readIndexFile(blob: Blob): Promise<{ header: FileHeader; rows: Rows }> {
  const bad = (why: string): IndexError => new IndexError('index_bad_file', `not a readable omni-embed index file: ${why}`);
  if (!(blob instanceof Blob)) throw bad('expected a Blob');
  const buf = new Uint8Array(await blob.arrayBuffer());
  if (buf.length < 12 || new TextDecoder().decode(buf.subarray(0, 8)) !== MAGIC) throw bad('wrong magic');
  const len = new DataView(buf.buffer, buf.byteOffset).getUint32(8, true);
  if (12 + len > buf.length) throw bad('truncated header');
  let header: FileHeader;
  try {
    header = JSON.parse(new TextDecoder().decode(buf.subarray(12, 12 + len))) as FileHeader;
  } catch (e) {
    throw bad('header is not JSON');
  }
  if (header.format !== 1) throw bad(`format ${header.format}`);
  if (!Array.isArray(header.ids) || header.ids.length !== header.count || header.meta?.length !== header.count) throw bad('ids/meta do not match count');
  let off = Math.ceil((12 + len) / 8) * 8;
  const planes: Partial<Record<keyof Rows, ArrayBuffer>> = {};
  for (const sec of header.sections) {
    if (!(sec.name in CTORS)) throw bad(`unknown section ${String(sec.name)}`);
    if (off + sec.bytes > buf.length) throw bad(`section ${sec.name} truncated`);
    if (sec.bytes % CTORS[sec.name].BYTES_PER_ELEMENT !== 0) throw bad(`section ${sec.name} has a partial element`);
    planes[sec.name] = buf.slice(off, off + sec.bytes).buffer;
    off += sec.bytes;
  }
  return { header, rows: planesToRows(planes) };
}

/**
 * Replaces a store's contents with an export file's, after checking everything (dims, metric,
 * storage, every section's size, unique ids); `beforeReplace` runs once the file is known good.
 */
export async function importInto(store: VectorStore, metric: Metric, blob: Blob, beforeReplace: () => void): Promise<void> {
  const { header, rows } = await readIndexFile(blob);
  if (header.dims !== store.dims || header.metric !== metric || header.storage !== store.format) {
    throw new IndexError('index_import_mismatch', `file is ${header.dims}d ${header.metric} ${header.storage}, the index is ${store.dims}d ${metric} ${store.format}`);
  }
  const n = header.count;
  for (const [name, perRow] of planesOf(store.format, store.stride, store.words)) {
    const bytes = perRow * n;
    const a = rows[name];
    if (!a || a.byteLength !== bytes) throw new IndexError('index_bad_file', `section ${name} has ${a?.byteLength ?? 0} bytes, expected ${bytes}`);
  }
  if (new Set(header.ids).size !== n) throw new IndexError('index_bad_file', 'duplicate ids in file');
  beforeReplace();
  store.clear();
  store.appendRows(header.ids, header.meta.map((m) => m ?? undefined), rows);
}
