// Public exports only. Each area adds its public surface as one line here.
export const VERSION = '0.1.0';
export { OmniEmbedError } from './errors';
export { loadModel, loadModelFiles, loadJson, resolveModelFiles, fetchModelFile, listCachedModels, deleteCachedModel, clearModelCache, CacheApiModelCache, MemoryModelCache, defaultModelCache, ModelLoadError, ModelNotFoundError, ModelHttpError, NetworkError, IntegrityError, QuotaExceededError, CacheError, ModelSourceError, DTYPE_SUFFIX, type Dtype, type ModelSource, type ModelPreset, type ModelFileRef, type ModelManifest, type ModelCache, type CachedFileMeta, type CachedModel, type LoadModelOptions, type LoadProgress, type FetchModelFileOptions, type FileProgress } from './models';
export { createEmbedder, type EmbedderOptions } from './api/create-embedder';
export { Embedder, type EmbedOptions, type Embedding, type EmbedderInfo, type EmbedderEvents } from './api/embedder';
export { InvalidInputError, InvalidOptionError, EmbedError } from './api/errors';
export type { EmbedInput, ImageInput, AudioInput, VideoInput, OmniItem } from './api/inputs';
export { PRESETS, HUB_PRESETS, OMNI_TINY, findPreset } from './presets/catalog';
export { MODALITIES, type Modality, type ModelSpec } from './presets/spec';
export type { DeviceRequest, Device } from './engine/backend';
export { createIndex, importIndex, deletePersistedIndex, VectorIndex, IndexError, type IndexErrorCode, type GpuInfo, type Backend as IndexBackend, type Json as JsonValue, type Metric, type StorageFormat, type DevicePreference, type IndexItem, type StoredItem, type PersistOptions, type CreateIndexOptions, type MetadataFilter, type FilterFn, type SearchOptions, type SearchResult } from './index/index';
export { interestVector, multiInterest, recommend, moreLikeThis, trainSemanticIds, formatSemanticId, SemanticIdCodebook, SemanticIdIndex, kmeans, kmeansAsync, type HistoryItem, type InterestOptions, type Interest, type RecommendOptions, type Recommendation, type SemanticId, type SemanticIdTrainOptions, type CodebookJson, type KMeansResult, type KMeansOptions } from './recommend/index';
