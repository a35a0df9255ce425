import { test, expect, cosine } from './fixtures';
import { heldout } from '../helpers/reference';
import { installInputHelpers } from './sdk-page';

const items = heldout();
const pick = (kind: string) => items.find((i) => i.kind === kind)!;
// Text, image, audio, video and an omni item: every graph of the model takes part.
const SPECS = [
  items[0]!.caption,
  { file: pick('image').files.image },
  items[5]!.caption,
  { file: pick('audio').files.audio },
  { strip: pick('video').files.frames_strip },
  { text: 'small circle', image: pick('image').files.image },
];

test('overlapping embed calls on WebGPU (sessions created while others run) all complete with the same vectors', async ({ served }) => {
  test.setTimeout(240_000);
  await installInputHelpers(served);
  const out = await served.evaluate(async (specs) => {
    const omni = await import('/dist/browser/index.js');
    const e = await omni.createEmbedder({ device: 'webgpu', dtype: 'fp32', modelUrl: '/models/omni-tiny/' });
    const input = (s: unknown) => (window as any).heldoutInput(s);
    // First, calls that start a little after one another on a fresh embedder: sessions are created
    // lazily while other graphs run, and batches overlap inside the worker.
    const staggered = await Promise.race([
      Promise.all(specs.map((s, i) => new Promise((r) => setTimeout(r, i * 15)).then(async () => e.embed(await input(s))))),
      new Promise((_, reject) => setTimeout(() => reject(new Error('stalled for 120 s')), 120_000)),
    ]) as { vector: Float32Array }[];
    const sequential: number[][] = [];
    for (const s of specs) sequential.push(Array.from((await e.embed(await input(s))).vector));
    const device = e.info.device;
    await e.dispose();
    return { device, sequential, staggered: staggered.map((r) => Array.from(r.vector)) };
  }, SPECS);
  expect(out.device).toBe('webgpu');
  out.staggered.forEach((v, i) => expect(cosine(v, out.sequential[i]!)).toBeGreaterThan(0.9999));
});
