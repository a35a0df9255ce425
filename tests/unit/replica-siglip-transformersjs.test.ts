// The mini SigLIP replica read by transformers.js's own SigLIP classes (AutoTokenizer →
// SiglipTokenizer, AutoProcessor → SiglipImageProcessor, SiglipTextModel), offline from the
// replica folder: that transformers.js takes the files as SigLIP shows the replica has SigLIP's
// layout, and the SDK's ids, pixel tensors and vectors equal transformers.js's on them.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { AutoProcessor, AutoTokenizer, env, RawImage, SiglipTextModel } from '@huggingface/transformers';
import { beforeAll, describe, expect, it } from 'vitest';
import { readModelFacts } from '../../src/engine/model-config';
import { TextProcessor } from '../../src/engine/preprocess/text';
import { pixelsToTensor, resizeTarget, type ImageProcessorConfig } from '../../src/engine/preprocess/image';
import { HUB_PRESETS } from '../../src/presets/catalog';
import { ensureReplica, REPLICAS, SIGLIP_REPO } from '../helpers/replicas';

const preset = HUB_PRESETS.find((s) => s.name === 'siglip-base-patch16-224')!;
const CAPTIONS = ['a photo of a cat', 'A red double-decker bus, driving down a busy street on a rainy afternoon!', '2 dogs'];
const LONG = Array.from({ length: 50 }, (_, i) => `token${i}`).join(' '); // ~190 tokens

let dir: string;
let processor: TextProcessor;

beforeAll(() => {
  dir = ensureReplica({ model: 'siglip', scale: 'mini', variants: [''] });
  // Local files only, from the replica set: nothing may reach the network.
  env.allowRemoteModels = false;
  env.localModelPath = join(REPLICAS, 'mini') + '/';
  const json = (f: string) => JSON.parse(readFileSync(join(dir, f), 'utf8'));
  const facts = readModelFacts(json('config.json'), json('tokenizer_config.json'));
  processor = new TextProcessor(json('tokenizer.json'), json('tokenizer_config.json'), { maxLength: facts.maxTextLength, padTokenId: facts.padTokenId });
}, 120_000);

describe('transformers.js reads the SigLIP replica as SigLIP, and the SDK agrees with it', () => {
  it("the SDK's ids equal SiglipTokenizer's with padding 'max_length' and truncation", async () => {
    const tok = await AutoTokenizer.from_pretrained(SIGLIP_REPO);
    expect(tok.constructor.name).toBe('SiglipTokenizer');
    const theirs = tok(CAPTIONS, { padding: 'max_length', truncation: true });
    expect(theirs.input_ids.dims).toEqual([CAPTIONS.length, 64]);
    const ours = processor.encodeBatch(CAPTIONS, preset.text!.padToLength);
    expect(Array.from(ours.inputIds, Number)).toEqual(Array.from(theirs.input_ids.data as BigInt64Array, Number));
  });

  it('past 64 tokens the SDK keeps the closing </s> where transformers.js cuts it off (a known, deliberate difference)', async () => {
    // transformers.js truncates the finished sequence (tokenization_utils.js truncateHelper), so
    // the row ends mid-caption; Python transformers counts the special tokens when truncating
    // (prepare_for_model) and keeps </s>, which is what the SDK does: SigLIP pools the last
    // position, and it was trained with </s> there.
    const tok = await AutoTokenizer.from_pretrained(SIGLIP_REPO);
    const theirs = Array.from(tok(LONG, { padding: 'max_length', truncation: true }).input_ids.data as BigInt64Array, Number);
    const ours = processor.encodeOne(LONG);
    expect([ours.length, theirs.length]).toEqual([64, 64]);
    expect(ours.slice(0, 63)).toEqual(theirs.slice(0, 63));
    expect(ours[63]).toBe(1);
    expect(theirs[63]).not.toBe(1);
  });

  it("SiglipTextModel's pooler_output equals the graph fed the SDK's batch", async () => {
    const model = await SiglipTextModel.from_pretrained(SIGLIP_REPO, { dtype: 'fp32' });
    const tok = await AutoTokenizer.from_pretrained(SIGLIP_REPO);
    const theirs = (await model(tok(CAPTIONS, { padding: 'max_length', truncation: true }))).pooler_output;
    const batch = processor.encodeBatch(CAPTIONS, preset.text!.padToLength);
    const session = await ort.InferenceSession.create(join(dir, 'onnx/text_model.onnx'));
    const ours = (await session.run({ [preset.text!.inputIds]: new ort.Tensor('int64', batch.inputIds, [batch.batch, batch.length]) }))[preset.text!.output]!;
    expect(ours.dims).toEqual(theirs.dims);
    const a = Float32Array.from(ours.data as Float32Array), b = theirs.data as Float32Array;
    let worst = 0;
    for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
    expect(worst).toBeLessThan(1e-5);
    await session.release();
    await model.dispose();
  });

  it("the SDK's pixel tensor equals SiglipImageProcessor's, and both stretch to 224×224 without a crop", async () => {
    const proc = await AutoProcessor.from_pretrained(SIGLIP_REPO);
    const config = JSON.parse(readFileSync(join(dir, 'preprocessor_config.json'), 'utf8')) as ImageProcessorConfig;
    // A seeded noise image at the model's size: no resampling on either side, so the comparison
    // is of rescale and normalisation, channel order and layout, element by element.
    let s = 5;
    const rgb = new Uint8ClampedArray(224 * 224 * 3).map(() => (s = (s * 16807) % 2147483647) & 255);
    const theirs = (await proc(new RawImage(rgb, 224, 224, 3))).pixel_values;
    const rgba = new Uint8ClampedArray(224 * 224 * 4);
    for (let i = 0; i < 224 * 224; i++) rgba.set([rgb[i * 3]!, rgb[i * 3 + 1]!, rgb[i * 3 + 2]!, 255], i * 4);
    const ours = pixelsToTensor({ data: rgba, width: 224, height: 224 }, config);
    expect(theirs.dims).toEqual([1, 3, ours.height, ours.width]);
    let worst = 0;
    for (let i = 0; i < ours.data.length; i++) worst = Math.max(worst, Math.abs(ours.data[i]! - (theirs.data as Float32Array)[i]!));
    expect(worst).toBeLessThan(1e-6);
    // A 4:3 image: transformers.js gives 224×224 (no crop, no aspect kept), as the SDK plans.
    const wide = (await proc(new RawImage(new Uint8ClampedArray(320 * 240 * 3).fill(90), 320, 240, 3))).pixel_values;
    expect(wide.dims).toEqual([1, 3, 224, 224]);
    expect(resizeTarget(320, 240, config)).toEqual([224, 224]);
  });
});
