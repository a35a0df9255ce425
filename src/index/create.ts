import { readIndexFile } from './file';
import { resolveOptions } from './options';
import { VectorIndex } from './vector-index';
import type { CreateIndexOptions, Json } from './types';

/** Creates an index; with `persist` it opens (and loads) the committed IndexedDB copy. */
export async function createIndex<M extends Json = Json>(options: CreateIndexOptions): Promise<VectorIndex<M>> {
  const r = resolveOptions(options);
  const index = new VectorIndex<M>(r.options, r.metric, r.storage, r.device);
  if (r.device === 'gpu') await index.useGpu();
  if (r.options.persist) await index.openPersistence();
  return index;
}

/** Opens an export file as a new (in-memory unless `persist`) index with the file's dims/metric/storage. */
export async function importIndex<M extends Json = Json>(blob: Blob, options: Omit<CreateIndexOptions, 'dims' | 'metric' | 'storage'> = {}): Promise<VectorIndex<M>> {
  const { header } = await readIndexFile(blob);
  const index = await createIndex<M>({ ...options, dims: header.dims, metric: header.metric, storage: header.storage });
  await index.import(blob);
  return index;
}

