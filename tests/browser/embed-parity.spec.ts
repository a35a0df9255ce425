import { test, expect, cosine } from './fixtures';
import { installInputHelpers } from './sdk-page';
import { heldout, HELDOUT_DIR, normalize, Reference } from '../helpers/reference';
import { join } from 'node:path';

// One input of every kind, taken from the committed held-out set.
const items = heldout();
const first = (kind: string) => items.find((i) => i.kind === kind)!;
const img = first('image'), aud = first('audio'), vid = first('video');
const omni = items.find((i) => i.kind === 'omni' && i.files.image && i.files.audio)!;
// fp32 is not in the package (it bundles q8): the repo's full model folder, as an app would serve it
const FULL_MODEL = '/models/omni-tiny/';
const INSTRUCTION = 'represent this item:';
const CASES = [
  { name: 'text', spec: img.caption },
  { name: 'image', spec: { file: img.files.image } },
  { name: 'audio', spec: { file: aud.files.audio } },
  { name: 'video', spec: { strip: vid.files.frames_strip } },
  { name: 'omni', spec: { text: omni.title ?? omni.caption, image: omni.files.image, audio: omni.files.audio } },
];

async function embedAll(page: import('@playwright/test').Page, options: object): Promise<{ info: any; vectors: number[][] }> {
  await installInputHelpers(page);
  return page.evaluate(async ({ options, specs }) => {
    const omni = await import('/dist/browser/index.js');
    const embedder = await omni.createEmbedder(options);
    const vectors: number[][] = [];
    for (const spec of specs) vectors.push(Array.from((await embedder.embed(await (window as any).heldoutInput(spec))).vector));
    const info = embedder.info;
    await embedder.dispose();
    return { info, vectors };
  }, { options, specs: CASES.map((c) => c.spec) });
}

test('every modality embeds on WebGPU and on WASM, and the two agree (cosine ≥ 0.999)', async ({ served }) => {
  const gpu = await embedAll(served, { device: 'webgpu', dtype: 'fp32', modelUrl: FULL_MODEL });
  const cpu = await embedAll(served, { device: 'wasm', dtype: 'fp32', modelUrl: FULL_MODEL });
  expect(gpu.info.device).toBe('webgpu');
  expect(cpu.info.device).toBe('wasm');
  CASES.forEach((c, i) => {
    expect(cosine(gpu.vectors[i]!, cpu.vectors[i]!), c.name).toBeGreaterThanOrEqual(0.999);
  });
});

test('SDK vectors equal onnxruntime + transformers.js processors on the same files (cosine ≥ 0.999)', async ({ served }) => {
  const sdk = await embedAll(served, { device: 'wasm', dtype: 'fp32', modelUrl: FULL_MODEL });
  const ref = new Reference();
  const d = (p: string) => join(HELDOUT_DIR, p);
  const expected = [
    (await ref.text(img.caption)).embeds,
    (await ref.image(d(img.files.image!))).embeds,
    (await ref.audio(d(aud.files.audio!))).embeds,
    await ref.video(d(vid.files.frames_strip!)),
    await ref.omni({ text: omni.title ?? omni.caption, image: d(omni.files.image!), audio: d(omni.files.audio!) }, INSTRUCTION),
  ].map(normalize);
  CASES.forEach((c, i) => {
    expect(cosine(sdk.vectors[i]!, expected[i]!), c.name).toBeGreaterThanOrEqual(0.999);
  });
  // And the pieces are distinct vectors, not one constant output.
  expect(cosine(expected[0]!, expected[1]!)).toBeLessThan(0.999);
});
