import { describe, expect, it } from 'vitest';
import {
  DTYPE_SUFFIX, externalDataIn, fileUrl, isFolderSource, isHubRepoId, ModelSourceError, onnxPath, parseManifest,
  resolveModelBase, resolveModelFiles,
} from '../../src/models';

describe('model source classification', () => {
  it('tells hub repo ids from folder paths and URLs', () => {
    for (const id of ['org/name', 'Xenova/clip-vit-base-patch32', 'gpt2', 'a.b/c-d_e']) {
      expect(isHubRepoId(id), id).toBe(true);
      expect(isFolderSource(id), id).toBe(false);
    }
    for (const p of ['./models/omni-tiny/', '../m', '/models/x', 'models/omni-tiny/', 'https://cdn.example/m', 'http://x/y/', 'chrome-extension://abc/models/x/', 'file:///m/']) {
      expect(isFolderSource(p), p).toBe(true);
      expect(isHubRepoId(p), p).toBe(false);
    }
    expect(isHubRepoId('a/b/c')).toBe(false);
  });
});

describe('resolveModelFiles', () => {
  it('resolves a hub repo id to huggingface.co resolve URLs, revision main, with dtype suffixes', () => {
    const r = resolveModelFiles('org/omni-tiny', { graphs: ['text_model', 'vision_model'], dtype: 'q4' });
    expect(r.kind).toBe('hub');
    expect(r.id).toBe('org/omni-tiny');
    expect(r.base).toBe('https://huggingface.co/org/omni-tiny/resolve/main/');
    expect(r.files).toEqual([
      { path: 'onnx/text_model_q4.onnx', url: 'https://huggingface.co/org/omni-tiny/resolve/main/onnx/text_model_q4.onnx' },
      { path: 'onnx/vision_model_q4.onnx', url: 'https://huggingface.co/org/omni-tiny/resolve/main/onnx/vision_model_q4.onnx' },
    ]);
  });

  it('maps every dtype to the standard suffix', () => {
    expect(DTYPE_SUFFIX).toEqual({ fp32: '', fp16: '_fp16', q8: '_quantized', int8: '_int8', uint8: '_uint8', q4: '_q4', q4f16: '_q4f16', bnb4: '_bnb4' });
    expect(onnxPath('audio_model', 'fp32')).toBe('onnx/audio_model.onnx');
    expect(onnxPath('audio_model', 'q8')).toBe('onnx/audio_model_quantized.onnx');
    expect(onnxPath('fusion_model', 'q4f16')).toBe('onnx/fusion_model_q4f16.onnx');
    expect(() => onnxPath('text_model', 'fp8' as never)).toThrow(ModelSourceError);
  });

  it('uses a custom host (trailing slashes ignored) and revision, encoding the revision', () => {
    const r = resolveModelFiles('org/m', { host: 'http://127.0.0.1:4317/hub/', revision: 'refs/pr/1', files: ['config.json'] });
    expect(r.files[0]!.url).toBe('http://127.0.0.1:4317/hub/org/m/resolve/refs%2Fpr%2F1/config.json');
    const c = resolveModelFiles('org/m', { host: 'https://mirror.example/hf', revision: 'a1b2c3', graphs: ['text_model'], dtype: 'fp16' });
    expect(c.files[0]!.url).toBe('https://mirror.example/hf/org/m/resolve/a1b2c3/onnx/text_model_fp16.onnx');
  });

  it('resolves folder URLs and relative paths as {base}{file}; the host option does not apply', () => {
    const a = resolveModelFiles('https://cdn.example/models/omni-tiny', { files: ['config.json'], host: 'https://ignored.example' });
    expect(a.kind).toBe('url');
    expect(a.base).toBe('https://cdn.example/models/omni-tiny/');
    expect(a.files[0]!.url).toBe('https://cdn.example/models/omni-tiny/config.json');

    const ext = resolveModelFiles('chrome-extension://abcdef/models/x/', { graphs: ['text_model'], dtype: 'q8' });
    expect(ext.files[0]!.url).toBe('chrome-extension://abcdef/models/x/onnx/text_model_quantized.onnx');

    const rel = resolveModelFiles('./models/omni-tiny/', { files: ['tokenizer.json'], baseUrl: 'http://127.0.0.1:4317/demo/index.html' });
    expect(rel.files[0]!.url).toBe('http://127.0.0.1:4317/demo/models/omni-tiny/tokenizer.json');
    const abs = resolveModelFiles('/models/omni-tiny/', { files: ['tokenizer.json'], baseUrl: 'http://127.0.0.1:4317/demo/index.html' });
    expect(abs.files[0]!.url).toBe('http://127.0.0.1:4317/models/omni-tiny/tokenizer.json');
    // Without a location (node) a relative base stays relative.
    expect(resolveModelBase('./m/').base).toBe('./m/');
  });

  it('accepts a preset object: its host, revision, graphs, dtypes per graph and inline manifest', () => {
    const r = resolveModelFiles(
      {
        model: 'org/omni', id: 'omni', host: 'https://h.example', revision: 'v1', graphs: ['text_model', 'vision_model'],
        dtype: { text_model: 'q4', vision_model: 'fp16' },
        manifest: { files: { 'onnx/text_model_q4.onnx': { size: 10, sha256: 'a'.repeat(64) } } },
      },
      {},
    );
    expect(r.id).toBe('omni');
    expect(r.files.map((f) => f.url)).toEqual([
      'https://h.example/org/omni/resolve/v1/onnx/text_model_q4.onnx',
      'https://h.example/org/omni/resolve/v1/onnx/vision_model_fp16.onnx',
    ]);
    expect(r.files[0]).toMatchObject({ size: 10, sha256: 'a'.repeat(64) });
    expect(r.files[1]!.size).toBeUndefined();
  });

  it('adds external-data files that the preset or the manifest declares, and no others', () => {
    const preset = { model: 'org/m', externalData: { text_model: true as const, vision_model: 3 } };
    const r = resolveModelFiles(preset, { graphs: ['text_model', 'vision_model', 'audio_model'], dtype: 'fp32' });
    expect(r.files.map((f) => f.path)).toEqual([
      'onnx/text_model.onnx', 'onnx/text_model.onnx_data',
      'onnx/vision_model.onnx', 'onnx/vision_model.onnx_data', 'onnx/vision_model.onnx_data_1', 'onnx/vision_model.onnx_data_2',
      'onnx/audio_model.onnx',
    ]);
    const manifest = parseManifest({ files: {
      'onnx/vision_model.onnx': { size: 1 }, 'onnx/vision_model.onnx_data': { size: 2 }, 'onnx/vision_model.onnx_data_1': { size: 3 },
      'onnx/vision_model_fp16.onnx_data': { size: 4 },
    } });
    expect(externalDataIn(manifest, 'onnx/vision_model.onnx')).toEqual(['onnx/vision_model.onnx_data', 'onnx/vision_model.onnx_data_1']);
    const m = resolveModelFiles('org/m', { graphs: ['vision_model'], manifest });
    expect(m.files.map((f) => [f.path, f.size])).toEqual([
      ['onnx/vision_model.onnx', 1], ['onnx/vision_model.onnx_data', 2], ['onnx/vision_model.onnx_data_1', 3],
    ]);
  });

  it('puts plain files first, deduplicated, and rejects paths that leave the folder', () => {
    const r = resolveModelFiles('org/m', { files: ['config.json', 'tokenizer.json', 'config.json'], graphs: ['text_model'] });
    expect(r.files.map((f) => f.path)).toEqual(['config.json', 'tokenizer.json', 'onnx/text_model.onnx']);
    expect(() => fileUrl('https://x/m/', '../secret')).toThrow(ModelSourceError);
    expect(() => fileUrl('https://x/m/', '/etc/passwd')).toThrow(ModelSourceError);
    expect(() => fileUrl('https://x/m/', 'https://evil/x')).toThrow(ModelSourceError);
    expect(() => resolveModelFiles('not a repo', {})).toThrow(ModelSourceError);
    expect(() => resolveModelFiles('org/m', { graphs: ['../x'] })).toThrow(ModelSourceError);
  });

  it('validates manifests', () => {
    expect(() => parseManifest({})).toThrow(ModelSourceError);
    expect(() => parseManifest({ files: { a: { size: -1 } } })).toThrow(/size/);
    expect(() => parseManifest({ files: { a: { size: 1, sha256: 'xyz' } } })).toThrow(/sha256/);
    expect(parseManifest({ files: { a: { size: 1, sha256: 'A'.repeat(64) } } }).files.a!.sha256).toBe('a'.repeat(64));
  });
});
