// Public exports only. Each area adds its public surface as one line here.
export const VERSION = '0.1.0';
export { OmniEmbedError } from './errors';
export { loadModel, loadModelFiles, loadJson, resolveModelFiles, fetchModelFile, listCachedModels, deleteCachedModel, clearModelCache, CacheApiModelCache, MemoryModelCache, defaultModelCache, ModelLoadError, ModelNotFoundError, ModelHttpError, NetworkError, IntegrityError, QuotaExceededError, CacheError, ModelSourceError, DTYPE_SUFFIX, type Dtype, type ModelSource, type ModelPreset, type ModelFileRef, type ModelManifest, type ModelCache, type CachedFileMeta, type CachedModel, type LoadModelOptions, type LoadProgress, type FetchModelFileOptions, type FileProgress } from './models';
