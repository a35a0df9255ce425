import { IndexError } from './errors';
import type { CreateIndexOptions, DevicePreference, Metric, StorageFormat } from './types';

export interface ResolvedOptions {
  options: CreateIndexOptions;
  metric: Metric;
  storage: StorageFormat;
  device: DevicePreference;
}

/** Checks createIndex options once and fills in the defaults. */
export function resolveOptions(options: CreateIndexOptions): ResolvedOptions {
  const o = options as Partial<CreateIndexOptions> | undefined;
  const bad = (why: string): IndexError => new IndexError('index_invalid_options', why);
  if (!o || !Number.isInteger(o.dims) || (o.dims as number) < 1) throw bad('dims must be a positive integer');
  const metric = o.metric ?? 'cosine';
  const storage = o.storage ?? 'float32';
  const device = o.device ?? 'auto';
  if (metric !== 'cosine' && metric !== 'dot') throw bad(`unknown metric ${String(metric)}`);
  if (!['float32', 'int8', 'binary'].includes(storage)) throw bad(`unknown storage ${String(storage)}`);
  if (!['auto', 'gpu', 'cpu'].includes(device)) throw bad(`unknown device ${String(device)}`);
  if (storage === 'binary' && device === 'gpu') throw bad('binary storage is scanned on the CPU (Hamming pre-filter); use float32/int8 for the GPU');
  if (storage === 'binary' && metric !== 'cosine') throw bad('binary storage needs metric cosine');
  if (o.kernels !== undefined && !['auto', 'simd', 'js'].includes(o.kernels)) throw bad(`unknown kernels ${String(o.kernels)}`);
  if (o.threads !== undefined && !(Number.isInteger(o.threads) && o.threads >= 1)) throw bad('threads must be a positive integer');
  if (o.persist && (typeof o.persist.name !== 'string' || !o.persist.name)) throw bad('persist.name must be a non-empty string');
  return { options: o as CreateIndexOptions, metric, storage, device };
}
