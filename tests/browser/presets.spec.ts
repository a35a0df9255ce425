import { test, expect, cosine } from './fixtures';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { Tokenizer } from '@huggingface/tokenizers';
import { readFileSync, rmSync } from 'node:fs';
import { HUB_PRESETS } from '../../src/presets/catalog';
import { writeHubFixture } from '../helpers/hub-fixtures';
import { heldout, normalize } from '../helpers/reference';

const ROOT = 'tests/.out/hub';
const caption = heldout()[0]!.caption;
const image = heldout().find((i) => i.files.image)!.files.image!;
const audio = heldout().find((i) => i.files.audio)!.files.audio!;

test.beforeAll(() => {
  rmSync(ROOT, { recursive: true, force: true });
  for (const spec of HUB_PRESETS) writeHubFixture(ROOT, spec);
});

/** The text vector the fixture graph must give, computed in Node from the same tokenizer and graph. */
async function referenceText(name: string, padTo?: number): Promise<Float32Array> {
  const dir = join(ROOT, name);
  const tok = new Tokenizer(JSON.parse(readFileSync(join(dir, 'tokenizer.json'), 'utf8')), {});
  const ids = tok.encode(caption).ids as number[];
  const padded = padTo ? [...ids, ...Array(padTo - ids.length).fill(0)] : ids;
  const session = await ort.InferenceSession.create(join(dir, 'onnx/text_model.onnx'));
  const feeds: Record<string, ort.Tensor> = { input_ids: new ort.Tensor('int64', BigInt64Array.from(padded.map(BigInt)), [1, padded.length]) };
  if (session.inputNames.includes('attention_mask')) feeds.attention_mask = new ort.Tensor('int64', BigInt64Array.from(padded.map((_, i) => (i < ids.length ? 1n : 0n))), [1, padded.length]);
  const out = await session.run(feeds);
  return normalize(out[session.outputNames[0]!]!.data as Float32Array);
}

for (const spec of HUB_PRESETS) {
  test(`preset ${spec.name}: wiring, processor settings and dims work through the SDK`, async ({ served }) => {
    const folder = `/${ROOT}/${spec.name}/`;
    const out = await served.evaluate(async ({ name, folder, image, audio, hasImage, hasAudio }) => {
      const omni = await import('/dist/browser/index.js');
      const e = await omni.createEmbedder({ model: name, modelUrl: folder, device: 'wasm', dtype: 'fp32' });
      const blob = (p: string) => fetch(`/data/heldout/${p}`).then((r) => r.blob());
      const text = await e.embed('a small red circle');
      const result: any = { info: e.info, text: Array.from(text.vector) };
      if (hasImage) {
        result.image = Array.from((await e.embed(await blob(image))).vector);
        result.omni = Array.from((await e.embed({ text: 'x', image: await blob(image) })).vector);
      }
      if (hasAudio) result.audio = (await e.embed(await blob(audio))).vector.length;
      await e.dispose();
      return result;
    }, { name: spec.name, folder, image, audio, hasImage: !!spec.image, hasAudio: !!spec.audio }).catch((err) => ({ error: String(err) }));
    expect(out.error).toBeUndefined();
    expect(out.info.model).toBe(spec.name);
    expect(out.info.dims).toBe(spec.dims);
    expect(out.info.fusion).toBe('late');
    expect(out.text).toHaveLength(spec.dims);
    if (spec.image) {
      // The stand-in vision graph declares 3×224×224: a wrong resize or crop would fail the run.
      expect(out.image).toHaveLength(spec.dims);
      expect(out.omni).toHaveLength(spec.dims);
      expect(cosine(out.omni, out.image)).toBeLessThan(0.9999); // text took part in the late fusion
    }
    if (spec.audio) expect(out.audio).toBe(spec.dims); // 48 kHz, 1001 frames × 64 mels fixed in the graph
  });
}

test('a preset text vector equals onnxruntime on the same tokens (padding and masks wired right)', async ({ served }) => {
  for (const spec of HUB_PRESETS.filter((s) => ['clip-vit-base-patch32', 'siglip-base-patch16-224'].includes(s.name))) {
    const sdk = await served.evaluate(async ({ name, folder, caption }) => {
      const omni = await import('/dist/browser/index.js');
      const e = await omni.createEmbedder({ model: name, modelUrl: folder, device: 'wasm', dtype: 'fp32' });
      const v = Array.from((await e.embed(caption)).vector);
      await e.dispose();
      return v;
    }, { name: spec.name, folder: `/${ROOT}/${spec.name}/`, caption });
    expect(cosine(sdk, await referenceText(spec.name, spec.text?.padToLength)), spec.name).toBeGreaterThan(0.9999);
  }
});
