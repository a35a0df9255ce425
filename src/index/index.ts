export { createIndex, importIndex } from './create';
export { VectorIndex } from './vector-index';
export type { Backend } from './scan/choose';
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
