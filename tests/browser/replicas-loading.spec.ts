// Loading a hub repo through the SDK as a new user would (preset or spec + `host`), on a CLIP
// replica in the hub layout: only the files a spec's modalities need are asked for, an optional
// file's 404 is remembered, so a warm load makes zero requests, and loader errors keep their names.

import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { armFault, clearFaults, clearServerLog, expect, serverLog, test } from './fixtures';
import { CLIP_REPO, ensureReplica, REPLICAS } from '../helpers/replicas';

const SET = 'loader';
// The same repo without tokenizer_config.json, as some hub repos are.
const FILES = ['config.json', 'preprocessor_config.json', 'tokenizer.json', 'onnx/text_model_quantized.onnx', 'onnx/vision_model_quantized.onnx'];

test.beforeAll(() => {
  const mini = ensureReplica({ scale: 'mini', variants: ['_quantized'] });
  const dir = join(REPLICAS, SET, CLIP_REPO);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'onnx'), { recursive: true });
  for (const f of FILES) copyFileSync(join(mini, f), join(dir, f));
});

test.beforeEach(async ({ served }) => {
  await clearFaults(served);
  await served.evaluate(async () => (await import('/dist/browser/index.js')).clearModelCache());
});

const repoRequests = async (page: Parameters<typeof serverLog>[0]) =>
  (await serverLog(page)).filter((e) => e.url.startsWith(`/replicas/${SET}/`)).map((e) => `${e.url.split('/resolve/main/')[1]} ${e.status}`);

test('an image-only spec asks for no tokenizer; the preset then loads text; warm, it loads with zero requests', async ({ served }) => {
  const host = new URL(`/replicas/${SET}`, served.url()).href;
  await clearServerLog(served);
  const imageOnly = await served.evaluate(async ({ host, repo }) => {
    const omni = await import('/dist/browser/index.js');
    const spec = { name: 'clip-image', source: repo, description: 'CLIP vision tower only', dims: 512, image: { graph: 'vision_model', output: 'image_embeds', input: 'pixel_values' }, remote: true };
    const e = await omni.createEmbedder({ model: spec, host, dtype: 'q8', device: 'wasm', workers: 1 });
    const c = new OffscreenCanvas(224, 224);
    const g = c.getContext('2d')!;
    g.fillStyle = 'rgb(200, 30, 60)';
    g.fillRect(0, 0, 224, 224);
    const v = await e.embed(await c.convertToBlob({ type: 'image/png' }));
    await e.dispose();
    return { dims: v.vector.length, modalities: e.info.modalities };
  }, { host, repo: CLIP_REPO });
  expect(imageOnly.dims).toBe(512);
  expect(imageOnly.modalities).not.toContain('text');
  expect((await repoRequests(served)).sort()).toEqual(['config.json 200', 'manifest.json 404', 'onnx/vision_model_quantized.onnx 200', 'preprocessor_config.json 200']);

  const embedBoth = () => served.evaluate(async ({ host }) => {
    const omni = await import('/dist/browser/index.js');
    const e = await omni.createEmbedder({ model: 'clip-vit-base-patch32', host, dtype: 'q8', device: 'wasm', workers: 1 });
    const c = new OffscreenCanvas(224, 224);
    c.getContext('2d')!.fillRect(0, 0, 224, 224);
    const text = await e.embed('a photo of a cat');
    const image = await e.embed(await c.convertToBlob({ type: 'image/png' }));
    await e.dispose();
    return [text.vector.length, image.vector.length];
  }, { host }).catch((err) => String(err));

  await clearServerLog(served);
  expect(await embedBoth()).toEqual([512, 512]);
  // Cold for the text side only: the vision graph and the JSON files came from the cache.
  expect((await repoRequests(served)).sort()).toEqual(['onnx/text_model_quantized.onnx 200', 'tokenizer.json 200', 'tokenizer_config.json 404']);

  // Warm: every answer from this repo would now be a server error, and none is asked for.
  await armFault(served, { match: `/replicas/${SET}/`, kind: '500', times: 1000 });
  await clearServerLog(served);
  expect(await embedBoth()).toEqual([512, 512]);
  expect(await repoRequests(served)).toEqual([]);
});

test('a missing repo fails with a typed, named loader error on the page', async ({ served }) => {
  const host = new URL(`/replicas/${SET}`, served.url()).href;
  const err = await served.evaluate(async ({ host }) => {
    const omni = await import('/dist/browser/index.js');
    try {
      await omni.createEmbedder({ model: 'siglip-base-patch16-224', host, dtype: 'q8', device: 'wasm', workers: 1 });
      return null;
    } catch (e: any) {
      return { name: e.name, code: e.code, message: e.message };
    }
  }, { host });
  expect(err).toMatchObject({ name: 'ModelNotFoundError', code: 'model_not_found' });
  // The loader asks for the repo's JSON files in parallel, so whichever 404 lands first is the one named.
  expect(err!.message).toMatch(/siglip-base-patch16-224\/resolve\/main\/(config|tokenizer|tokenizer_config|preprocessor_config)\.json/);
});
