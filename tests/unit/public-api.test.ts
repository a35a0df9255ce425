// The published .d.ts is the contract with users: pin exactly what the root entry exports, and
// keep internals (test hooks, @internal members, `any`) out of every shipped declaration.
import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';

const ROOT_DTS = 'dist/types/src/index.d.ts';

/** What an app uses. Changing this list is changing the public API: do it on purpose. */
const ROOT_API = [
  // embedding
  'VERSION', 'createEmbedder', 'EmbedderOptions', 'Embedder', 'EmbedOptions', 'Embedding', 'EmbedderInfo', 'EmbedderEvents', 'WorkerReplaced',
  'EmbedInput', 'ImageInput', 'AudioInput', 'VideoInput', 'OmniItem', 'Device', 'DeviceRequest', 'DeviceChange',
  // errors
  'OmniEmbedError', 'ErrorCode', 'InvalidInputError', 'InvalidOptionError', 'DisposedError', 'WorkerStartError', 'WorkerCrashedError',
  'WorkerUnavailableError', 'SessionError', 'UnsupportedModalityError', 'FeedTypeError', 'ModelTooLargeError', 'ModelLoadError', 'ModelNotFoundError', 'ModelHttpError',
  'NetworkError', 'IntegrityError', 'QuotaExceededError', 'CacheError', 'ModelSourceError', 'IndexError', 'IndexErrorCode',
  // models
  'PRESETS', 'HUB_PRESETS', 'OMNI_TINY', 'findPreset', 'MODALITIES', 'Modality', 'ModelSpec', 'Dtype', 'ModelSource', 'ModelPreset',
  'LoadProgress', 'listCachedModels', 'deleteCachedModel', 'clearModelCache', 'CachedModel',
  // index
  'createIndex', 'importIndex', 'deletePersistedIndex', 'VectorIndex', 'GpuInfo', 'IndexBackend', 'JsonValue', 'Metric', 'StorageFormat',
  'DevicePreference', 'IndexItem', 'StoredItem', 'PersistOptions', 'CreateIndexOptions', 'MetadataFilter', 'FilterFn', 'SearchOptions', 'SearchResult', 'ScanKernels',
  'IvfTrainOptions', 'IvfProgress', 'IvfInfo',
  // recommendation
  'RecommendError', 'RecommendErrorCode', 'VectorLookup', 'interestVector', 'multiInterest', 'recommend', 'moreLikeThis', 'trainSemanticIds', 'formatSemanticId', 'SemanticIdCodebook', 'SemanticIdIndex',
  'HistoryItem', 'InterestOptions', 'Interest', 'RecommendOptions', 'Recommendation', 'SemanticId', 'SemanticIdTrainOptions', 'CodebookJson',
];

function exportsOf(file: string): string[] {
  const program = ts.createProgram([file], { noEmit: true, skipLibCheck: true });
  const checker = program.getTypeChecker();
  const symbol = checker.getSymbolAtLocation(program.getSourceFile(file)!)!;
  return checker.getExportsOfModule(symbol).map((s) => s.getName());
}

function declarationFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? declarationFiles(join(dir, e.name)) : e.name.endsWith('.d.ts') ? [join(dir, e.name)] : []);
}

describe('public API (built declarations)', () => {
  it('the root entry exports exactly the curated API', () => {
    expect(existsSync(ROOT_DTS), 'run the build before this test').toBe(true);
    expect(exportsOf(ROOT_DTS).sort()).toEqual([...ROOT_API].sort());
  });

  it('no shipped declaration carries test hooks, @internal members or `any`', () => {
    const offenders: string[] = [];
    for (const file of declarationFiles('dist/types')) {
      const code = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
      const visit = (node: ts.Node): void => {
        if (node.kind === ts.SyntaxKind.AnyKeyword) offenders.push(`${file}: any in ${node.parent.getText().slice(0, 60)}`);
        if ((ts.isPropertySignature(node) || ts.isPropertyDeclaration(node) || ts.isMethodDeclaration(node)) && /^_/.test(node.name.getText())) {
          offenders.push(`${file}: test hook ${node.name.getText()}`);
        }
        ts.forEachChild(node, visit);
      };
      visit(code);
    }
    expect(offenders).toEqual([]);
  });
});
