// SigLIP as the SDK sees it, on the mini replica (tools/replicas/siglip.py) in onnxruntime-node:
// its SentencePiece tokenizer through the SDK's TextProcessor (rows padded to 64 with the pad
// id from config.json), the preset's feeds against what each graph declares, the image
// processor config (224×224, no crop, mean/std 0.5), and every hub dtype in its hub form.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { readModelFacts } from '../../src/engine/model-config';
import { TextProcessor } from '../../src/engine/preprocess/text';
import { pixelsToTensor, resizeTarget, type ImageProcessorConfig } from '../../src/engine/preprocess/image';
import { HUB_PRESETS } from '../../src/presets/catalog';
import { ensureReplica, opCount } from '../helpers/replicas';

const preset = HUB_PRESETS.find((s) => s.name === 'siglip-base-patch16-224')!;
const CAPTIONS = ['a photo of a cat', 'a red double-decker bus driving down a busy street on a rainy afternoon'];
const json = (dir: string, f: string) => JSON.parse(readFileSync(join(dir, f), 'utf8'));

let dir: string;
let processor: TextProcessor;
let facts: ReturnType<typeof readModelFacts>;

beforeAll(() => {
  dir = ensureReplica({ model: 'siglip', scale: 'mini' });
  facts = readModelFacts(json(dir, 'config.json'), json(dir, 'tokenizer_config.json'));
  processor = new TextProcessor(json(dir, 'tokenizer.json'), json(dir, 'tokenizer_config.json'), { maxLength: facts.maxTextLength, padTokenId: facts.padTokenId });
}, 120_000);

function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0, na = 0, nb = 0;
  for (let i = 0; i < a.length; i++) { dot += a[i]! * b[i]!; na += a[i]! * a[i]!; nb += b[i]! * b[i]!; }
  return dot / Math.sqrt(na * nb);
}

async function run(file: string, feeds: Record<string, ort.Tensor>, output: string): Promise<{ rows: Float32Array[]; inputs: string[]; outputs: string[] }> {
  const session = await ort.InferenceSession.create(file);
  const out = (await session.run(feeds))[output]!;
  const [n, d] = out.dims as number[];
  const data = Float32Array.from(out.data as Float32Array);
  const result = { rows: Array.from({ length: n! }, (_, i) => data.slice(i * d!, (i + 1) * d!)), inputs: [...session.inputNames], outputs: [...session.outputNames] };
  await session.release();
  return result;
}

function textFeeds(texts: string[], padded = true): Record<string, ort.Tensor> {
  const batch = processor.encodeBatch(texts, padded ? preset.text!.padToLength : undefined);
  return { [preset.text!.inputIds]: new ort.Tensor('int64', batch.inputIds, [batch.batch, batch.length]) };
}

describe('SigLIP tokenizer (SentencePiece Unigram) through the SDK', () => {
  it('is a 32000-entry Unigram with Metaspace and </s> appended, read from the repo files', () => {
    const tok = json(dir, 'tokenizer.json');
    expect(tok.model.type).toBe('Unigram');
    expect(tok.model.vocab).toHaveLength(32000);
    expect(tok.model.vocab.slice(0, 3).map((v: [string, number]) => v[0])).toEqual(['<pad>', '</s>', '<unk>']);
    expect(tok.pre_tokenizer.type).toBe('Metaspace');
    // config.json's text_config carries the limit and the pad id (</s> = 1, not <pad> = 0).
    expect(facts).toMatchObject({ maxTextLength: 64, padTokenId: 1 });
  });

  it('pads every row to 64 with the pad id after the closing </s>, and canonicalises text like SiglipTokenizer', () => {
    const batch = processor.encodeBatch(['a photo of a cat', 'A photo, of a CAT!'], preset.text!.padToLength);
    expect(batch.length).toBe(64);
    const rows = [0, 1].map((r) => Array.from(batch.inputIds.slice(r * 64, (r + 1) * 64), Number));
    // Punctuation dropped, lowercased: the same ids.
    expect(rows[1]).toEqual(rows[0]);
    const n = batch.lengths[0]!;
    expect(n).toBeGreaterThan(4);
    expect(rows[0]![n - 1]).toBe(1);
    expect(rows[0]!.slice(n)).toEqual(new Array(64 - n).fill(1));
    expect(rows[0]!.slice(0, n - 1).every((id) => id > 2)).toBe(true); // no <unk> in plain ASCII
  });

  it('truncates past 64 tokens and keeps the closing </s>', () => {
    const long = Array.from({ length: 80 }, (_, i) => `word${i}`).join(' ');
    const ids = processor.encodeOne(long);
    expect(ids).toHaveLength(64);
    expect(ids.at(-1)).toBe(1);
  });
});

describe('SigLIP graphs fed the way the preset feeds them', () => {
  it('the text graph takes input_ids only and the preset feeds exactly that; pooler_output is per row', async () => {
    const fp32 = await run(join(dir, 'onnx/text_model.onnx'), textFeeds(CAPTIONS), preset.text!.output);
    expect(fp32.inputs).toEqual(Object.keys(textFeeds(CAPTIONS)));
    expect(fp32.outputs).toEqual(['last_hidden_state', 'pooler_output']);
    expect(fp32.rows).toHaveLength(2);
    expect(fp32.rows[0]).toHaveLength(64); // mini width; the full replica's is 768 (preset dims)
    // Rows do not leak into each other: a row alone gives the vector it gives in the batch.
    const alone = await run(join(dir, 'onnx/text_model.onnx'), textFeeds([CAPTIONS[1]!]), preset.text!.output);
    expect(cosine(alone.rows[0]!, fp32.rows[1]!)).toBeGreaterThan(0.999999);
    // Without the padding to 64 the model pools a different position: padToLength is load-bearing.
    const unpadded = await run(join(dir, 'onnx/text_model.onnx'), textFeeds([CAPTIONS[1]!], false), preset.text!.output);
    expect(cosine(unpadded.rows[0]!, fp32.rows[1]!)).toBeLessThan(0.9999);
  });

  it('the image config resizes to 224×224 without a crop and normalises to [-1, 1]', async () => {
    const config = json(dir, 'preprocessor_config.json') as ImageProcessorConfig;
    expect(resizeTarget(640, 480, config)).toEqual([224, 224]);
    const px = { width: 224, height: 224, data: new Uint8ClampedArray(224 * 224 * 4) };
    for (let i = 0; i < 224 * 224; i++) px.data.set([255, 0, 51, 255], i * 4);
    const t = pixelsToTensor(px, config);
    expect([t.width, t.height]).toEqual([224, 224]);
    const plane = 224 * 224;
    expect([t.data[0], t.data[plane], t.data[2 * plane]]).toEqual([1, -1, expect.closeTo(-0.6, 6)]);
    const out = await run(join(dir, 'onnx/vision_model.onnx'), { [preset.image!.input]: new ort.Tensor('float32', t.data, [1, 3, 224, 224]) }, preset.image!.output);
    expect(out.inputs).toEqual(['pixel_values']);
    expect(out.outputs).toEqual(['last_hidden_state', 'pooler_output']);
    expect(out.rows[0]!.every(Number.isFinite)).toBe(true);
  });

  it('every hub dtype is in its hub form and tracks fp32', async () => {
    let s = 11;
    const pixels = new Float32Array(2 * 3 * 224 * 224).map(() => ((s = (s * 16807) % 2147483647) / 2147483647) * 2 - 1);
    for (const [tower, feeds, hasConv] of [
      ['text_model', () => textFeeds(CAPTIONS), false],
      ['vision_model', () => ({ pixel_values: new ort.Tensor('float32', pixels, [2, 3, 224, 224]) }), true],
    ] as const) {
      const ref = (await run(join(dir, `onnx/${tower}.onnx`), feeds(), 'pooler_output')).rows;
      for (const [suffix, form, floor] of [['_fp16', 'Cast', 0.999], ['_quantized', 'MatMulInteger', 0.99], ['_int8', 'MatMulInteger', 0.99], ['_uint8', 'MatMulInteger', 0.99], ['_q4', 'MatMulNBits', 0.9], ['_q4f16', 'MatMulNBits', 0.9]] as const) {
        const file = join(dir, `onnx/${tower}${suffix}.onnx`);
        expect(opCount(file, form), file).toBeGreaterThan(suffix === '_fp16' ? 1 : 10);
        if (form === 'MatMulInteger') expect(opCount(file, 'ConvInteger'), file).toBe(hasConv ? 1 : 0);
        const rows = (await run(file, feeds(), 'pooler_output')).rows;
        rows.forEach((r, i) => expect(cosine(r, ref[i]!), `${file} row ${i}`).toBeGreaterThan(floor));
      }
    }
  }, 120_000);
});
