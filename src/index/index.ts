export { createIndex, importIndex, VectorIndex, type Backend } from './vector-index';
export { deletePersisted as deletePersistedIndex } from './persist';
export { IndexError, type IndexErrorCode } from './errors';
export type { GpuInfo } from './gpu';
export type { IvfTrainOptions, IvfProgress, IvfInfo } from './ivf/options';
export type {
  Json,
  Metric,
  StorageFormat,
  DevicePreference,
  ScanKernels,
  IndexItem,
  StoredItem,
  PersistOptions,
  CreateIndexOptions,
  MetadataFilter,
  FilterFn,
  SearchOptions,
  SearchResult,
} from './types';
