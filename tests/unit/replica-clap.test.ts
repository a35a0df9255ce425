// The mini CLAP replica (tools/replicas/clap.py) in onnxruntime-node: its files have the hub
// repo's types and I/O, the SDK's own preprocessing (model facts, tokenizer, log-mel) reads them
// as transformers.js does, and every dtype variant is in its hub form and tracks fp32.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';
import { ClapFeatureExtractor } from '@huggingface/transformers';
import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { readModelFacts } from '../../src/engine/model-config';
import { LogMelExtractor } from '../../src/engine/preprocess/audio-features';
import { TextProcessor } from '../../src/engine/preprocess/text';
import { ensureReplica, opCount } from '../helpers/replicas';

const json = (dir: string, f: string) => JSON.parse(readFileSync(join(dir, f), 'utf8'));

function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let dot = 0, na = 0, nb = 0;
  for (let i = 0; i < a.length; i++) { dot += a[i]! * b[i]!; na += a[i]! * a[i]!; nb += b[i]! * b[i]!; }
  return dot / Math.sqrt(na * nb);
}

/** Rows of a [batch, 512] output, copied (ORT's buffers do not outlive the session). */
async function run(file: string, feeds: Record<string, ort.Tensor>, output: string): Promise<{ rows: Float32Array[]; session: { inputs: string[]; outputs: string[] } }> {
  const s = await ort.InferenceSession.create(file);
  const out = (await s.run(feeds))[output]!;
  const data = Float32Array.from(out.data as Float32Array);
  const [n, d] = out.dims as [number, number];
  const meta = (m: readonly ort.InferenceSession.ValueMetadata[]) => m.map((x) => `${x.name}:${x.isTensor ? `${x.type}[${x.shape.join(',')}]` : '?'}`);
  const session = { inputs: meta(s.inputMetadata), outputs: meta(s.outputMetadata) };
  await s.release();
  return { rows: Array.from({ length: n }, (_, i) => data.subarray(i * d, (i + 1) * d)), session };
}

// Two 48 kHz clips of different character: a 3 s rising chirp (repeat-padded to 10 s) and a full
// 10 s amplitude-modulated tone (no padding).
const CLIPS = [
  Float32Array.from({ length: 144_000 }, (_, t) => 0.4 * Math.sin(2 * Math.PI * (200 + t * 0.02) * (t / 48_000))),
  Float32Array.from({ length: 480_000 }, (_, t) => 0.3 * Math.sin(2 * Math.PI * 1500 * (t / 48_000)) * Math.cos(t / 9000)),
];

describe('mini CLAP replica (Xenova/clap-htsat-unfused layout)', () => {
  let dir: string;
  beforeAll(() => { dir = ensureReplica({ model: 'clap', scale: 'mini' }); }, 120_000);

  it('the text side is RoBERTa byte-level BPE: vocabulary 50265, <s> 0 … </s> 2, <pad> 1, 512 tokens', () => {
    const tok = json(dir, 'tokenizer.json');
    expect(tok.model.type).toBe('BPE');
    expect(tok.post_processor.type).toBe('RobertaProcessing');
    expect(Object.keys(tok.model.vocab)).toHaveLength(50265);
    expect(tok.model.vocab['<mask>']).toBe(50264);
    const ids = new Tokenizer(tok, json(dir, 'tokenizer_config.json')).encode('a dog barking in the rain').ids as number[];
    expect(ids[0]).toBe(0);
    expect(ids.at(-1)).toBe(2);
    expect(ids.slice(1, -1).every((id) => id > 3 && id < 50264)).toBe(true);
    // The SDK's facts: RoBERTa's 514 positions carry 512 tokens (padding_idx offset), pad id 1.
    expect(readModelFacts(json(dir, 'config.json'), json(dir, 'tokenizer_config.json'))).toMatchObject({ maxTextLength: 512, padTokenId: 1 });
  });

  it("the SDK's log-mel from the replica's preprocessor_config.json equals transformers.js' ClapFeatureExtractor", async () => {
    const config = json(dir, 'preprocessor_config.json');
    const ours = new LogMelExtractor(config);
    const theirs = new ClapFeatureExtractor(config);
    for (const clip of CLIPS) {
      const a = ours.extract(clip);
      const b = (await theirs(clip)).input_features;
      expect(b.dims).toEqual([1, 1, 1001, 64]);
      expect([a.frames, a.melBins]).toEqual([1001, 64]);
      let worst = 0;
      for (let i = 0; i < a.data.length; i++) worst = Math.max(worst, Math.abs(a.data[i]! - (b.data as Float32Array)[i]!));
      expect(worst).toBeLessThanOrEqual(1e-3);
    }
  });

  it('graphs declare the hub I/O; padding in a batch changes nothing; every variant tracks fp32 in its hub form', async () => {
    const config = json(dir, 'config.json');
    const facts = readModelFacts(config, json(dir, 'tokenizer_config.json'));
    const processor = new TextProcessor(json(dir, 'tokenizer.json'), json(dir, 'tokenizer_config.json'), { maxLength: facts.maxTextLength, padTokenId: facts.padTokenId });
    const texts = ['a dog barking', 'rain falling on a tin roof while thunder rolls in the distance'];
    const textFeeds = (rows: string[]) => {
      const b = processor.encodeBatch(rows);
      return { input_ids: new ort.Tensor('int64', b.inputIds, [b.batch, b.length]), attention_mask: new ort.Tensor('int64', b.attentionMask, [b.batch, b.length]) };
    };
    const extractor = new LogMelExtractor(json(dir, 'preprocessor_config.json'));
    const mel = new Float32Array(2 * 1001 * 64);
    CLIPS.forEach((c, i) => mel.set(extractor.extract(c).data, i * 1001 * 64));
    const audioFeeds = { input_features: new ort.Tensor('float32', mel, [2, 1, 1001, 64]) };

    const text = await run(join(dir, 'onnx/text_model.onnx'), textFeeds(texts), 'text_embeds');
    expect(text.session).toEqual({ inputs: ['input_ids:int64[batch_size,sequence_length]', 'attention_mask:int64[batch_size,sequence_length]'], outputs: ['text_embeds:float32[batch_size,512]'] });
    // The short caption padded to the long one's length gives its unpadded vector: the mask and
    // RoBERTa's pad-aware positions are wired, so batching is safe.
    const alone = await run(join(dir, 'onnx/text_model.onnx'), textFeeds([texts[0]!]), 'text_embeds');
    expect(cosine(alone.rows[0]!, text.rows[0]!)).toBeGreaterThan(0.99999);
    expect(cosine(text.rows[0]!, text.rows[1]!)).toBeLessThan(0.999);

    const audio = await run(join(dir, 'onnx/audio_model.onnx'), audioFeeds, 'audio_embeds');
    expect(audio.session).toEqual({ inputs: ['input_features:float32[audio_batch_size,num_channels,height,width]'], outputs: ['audio_embeds:float32[batch_size,512]'] });
    expect(cosine(audio.rows[0]!, audio.rows[1]!)).toBeLessThan(0.9999);

    const floors: Record<string, number> = { _fp16: 0.999, _quantized: 0.99, _int8: 0.99, _uint8: 0.99, _q4: 0.9, _q4f16: 0.9 };
    for (const [graph, feeds, output, ref] of [['text_model', textFeeds(texts), 'text_embeds', text], ['audio_model', audioFeeds, 'audio_embeds', audio]] as const) {
      for (const [suffix, floor] of Object.entries(floors)) {
        const file = join(dir, `onnx/${graph}${suffix}.onnx`);
        const got = await run(file, feeds, output);
        // The hub's fp16 files keep float32 I/O, so the same feeds fit every variant.
        expect(got.session, file).toEqual(ref.session);
        got.rows.forEach((r, i) => expect(cosine(r, ref.rows[i]!), `${file} row ${i}`).toBeGreaterThan(floor));
        if (['_quantized', '_int8', '_uint8'].includes(suffix)) {
          expect(opCount(file, 'MatMulInteger'), file).toBeGreaterThan(10);
          // The patch Conv of the audio tower becomes ConvInteger (uint8, as ORT-web requires).
          expect(opCount(file, 'ConvInteger'), file).toBe(graph === 'audio_model' ? 1 : 0);
        }
        if (suffix.startsWith('_q4')) expect(opCount(file, 'MatMulNBits'), file).toBeGreaterThan(10);
      }
    }
  }, 120_000);
});
