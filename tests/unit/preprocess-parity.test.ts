// Our preprocessing against transformers.js's processors on the same inputs: drift here would
// silently degrade every vector, so the tolerance is tight (max abs diff ≤ 1e-4).
import { describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { join } from 'node:path';
import { LogMelExtractor } from '../../src/engine/preprocess/audio-features';
import { pixelsToTensor, resizeTarget } from '../../src/engine/preprocess/image';
import { heldout, HELDOUT_DIR, readWav, Reference } from '../helpers/reference';

const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
};

const ref = new Reference();
const items = heldout();

describe('audio features equal ClapFeatureExtractor', () => {
  const extractor = new LogMelExtractor(ref.audioProcessor.config as never);
  const clips = items.filter((i) => i.files.audio).slice(0, 3).map((i) => readWav(join(HELDOUT_DIR, i.files.audio!)).samples);
  // A synthetic chirp exercises every frequency band, and an exact-10 s clip the no-padding path.
  const chirp = Float32Array.from({ length: 37_000 }, (_, t) => 0.5 * Math.sin(2 * Math.PI * (100 + t * 0.1) * (t / 16000)));
  const full = Float32Array.from({ length: 160_000 }, (_, t) => Math.sin(t / 7) * Math.cos(t / 1300));

  for (const [name, samples] of [...clips.map((c, i) => [`held-out clip ${i}`, c] as const), ['chirp', chirp] as const, ['10 s clip', full] as const]) {
    it(`${name}`, async () => {
      const ours = extractor.extract(samples);
      const theirs = await ref.audioFeatures(samples);
      expect(theirs.dims).toEqual([1, 1, ours.frames, ours.melBins]);
      expect(maxAbsDiff(ours.data, theirs.data)).toBeLessThanOrEqual(1e-4);
      // Not a degenerate match: the features carry real dynamic range.
      expect(Math.max(...ours.data) - Math.min(...ours.data)).toBeGreaterThan(20);
    });
  }
});

describe('image tensors equal CLIPImageProcessor', () => {
  const images = items.filter((i) => i.files.image).slice(0, 4).map((i) => join(HELDOUT_DIR, i.files.image!));
  for (const path of images) {
    it(path, async () => {
      const { data, info } = await sharp(path).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
      const config = ref.imageProcessor.config as never;
      // Held-out images are already at the model's size, so resizing is the identity on both sides.
      expect(resizeTarget(info.width, info.height, config)).toEqual([info.width, info.height]);
      const ours = pixelsToTensor({ data: new Uint8ClampedArray(data), width: info.width, height: info.height }, config);
      const theirs = await ref.pixelValues(path);
      expect(maxAbsDiff(ours.data, theirs)).toBeLessThanOrEqual(1e-4);
    });
  }

  it('crops a larger image around its centre like the reference', async () => {
    const path = images[0]!;
    const big = await sharp(path).resize(80, 80, { kernel: 'nearest' }).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
    const config = { ...(ref.imageProcessor.config as object), do_resize: false } as never;
    const ours = pixelsToTensor({ data: new Uint8ClampedArray(big.data), width: 80, height: 80 }, config);
    const { RawImage, CLIPImageProcessor } = await import('@huggingface/transformers');
    const processor = new CLIPImageProcessor(config);
    const theirs = (await processor(new RawImage(new Uint8ClampedArray(big.data), 80, 80, 4))).pixel_values.data as Float32Array;
    expect(maxAbsDiff(ours.data, theirs)).toBeLessThanOrEqual(1e-4);
  });
});
