// The public API: what an app uses. Model loading and cache internals live on the `omni-embed/models`
// subpath (src/models/index.ts) for apps that manage downloads themselves.
import { version } from '../package.json';

/** The package version, read from package.json at build time. */
export const VERSION: string = version;

export { createEmbedder, type EmbedderOptions } from './api/create-embedder';
export type { Embedder, EmbedOptions, Embedding, EmbedderInfo, EmbedderEvents } from './api/embedder';
export type { WorkerReplaced } from './api/pool';
export type { EmbedInput, ImageInput, AudioInput, VideoInput, OmniItem } from './api/inputs';
export type { Device, DeviceRequest, DeviceChange } from './contract';

export { OmniEmbedError, InvalidInputError, InvalidOptionError, DisposedError, type ErrorCode } from './errors';
export { WorkerStartError, WorkerCrashedError, WorkerUnavailableError } from './api/errors';
export { SessionError, UnsupportedModalityError } from './engine/errors';
export { FeedTypeError } from './engine/feeds';
export { ModelTooLargeError } from './engine/pool-shape';
export { ModelLoadError, ModelNotFoundError, ModelHttpError, NetworkError, IntegrityError, QuotaExceededError, CacheError, ModelSourceError } from './models/errors';

export { PRESETS, HUB_PRESETS, OMNI_TINY, findPreset } from './presets/catalog';
export { MODALITIES, type Modality, type ModelSpec } from './presets/spec';
export type { Dtype } from './models/dtype';
export type { ModelSource, ModelPreset } from './models/resolve';
export type { LoadProgress } from './models/load';
export { listCachedModels, deleteCachedModel, clearModelCache, type CachedModel } from './models/manage';

export { createIndex, importIndex, deletePersistedIndex, IndexError, type VectorIndex, type IndexErrorCode, type GpuInfo, type Backend as IndexBackend, type Json as JsonValue, type Metric, type StorageFormat, type DevicePreference, type IndexItem, type StoredItem, type PersistOptions, type CreateIndexOptions, type MetadataFilter, type FilterFn, type SearchOptions, type SearchResult, type ScanKernels, type IvfTrainOptions, type IvfProgress, type IvfInfo } from './index/index';
export { RecommendError, type RecommendErrorCode } from './recommend/errors';
export type { VectorLookup } from './recommend/lookup';
export { interestVector, multiInterest, recommend, moreLikeThis, trainSemanticIds, formatSemanticId, SemanticIdCodebook, SemanticIdIndex, type HistoryItem, type InterestOptions, type Interest, type RecommendOptions, type Recommendation, type SemanticId, type SemanticIdTrainOptions, type CodebookJson } from './recommend/index';
