// Model loading: hub-layout resolution, custom hosts and folders, persistent cache with
// integrity checks, progress, typed failures, retry, cache management. See docs/model-loading.md.
export { OmniEmbedError } from '../errors';
export { DTYPES, DTYPE_SUFFIX, isDtype, onnxPath, type Dtype } from './dtype';
export {
  CacheError, IntegrityError, ModelHttpError, ModelLoadError, ModelNotFoundError, ModelSourceError, NetworkError, QuotaExceededError,
} from './errors';
export { externalDataIn, MANIFEST_FILE, parseManifest, type ManifestEntry, type ModelManifest } from './manifest';
export {
  DEFAULT_HUB_HOST, DEFAULT_REVISION, fileUrl, graphFiles, isFolderSource, isHubRepoId, resolveModelBase, resolveModelFiles,
  type ModelFileRef, type ModelPreset, type ModelSource, type ResolvedModel, type ResolveBaseOptions, type ResolveFilesOptions,
} from './resolve';
export {
  CacheApiModelCache, DEFAULT_CACHE_NAME, defaultModelCache, MemoryModelCache,
  type CachedFileInfo, type CachedFileMeta, type ModelCache,
} from './cache';
export { checkIntegrity, fetchModelFile, sha256Hex, type FetchModelFileOptions, type FileProgress } from './fetch';
export {
  decodeJson, fetchManifest, loadJson, loadModel, loadModelFiles, readJson, type LoadedModel, type LoadModelOptions, type LoadProgress,
} from './load';
export { clearModelCache, deleteCachedModel, listCachedModels, type CacheManageOptions, type CachedModel } from './manage';
