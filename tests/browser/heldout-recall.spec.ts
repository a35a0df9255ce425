// The model card's recall figures come from onnxruntime-node on the exported files; the SDK in the
// browser must reproduce them on the committed held-out set (within 0.02), or something on the
// data path (decode, preprocessing, batching, fusion wiring) has drifted.
import { test, expect } from './fixtures';
import { readFileSync } from 'node:fs';
import { heldout } from '../helpers/reference';
import { installInputHelpers } from './sdk-page';

const metrics = JSON.parse(readFileSync('tools/omni-tiny/metrics.json', 'utf8')).retrieval.fp32;
const items = heldout();
const images = items.filter((i) => i.kind === 'image' && i.split === 'heldout');
const omnis = items.filter((i) => i.kind === 'omni');

function recallAt5(queries: number[][], gallery: number[][]): number {
  const dot = (a: number[], b: number[]) => a.reduce((s, x, k) => s + x * b[k]!, 0);
  let hits = 0;
  queries.forEach((q, i) => {
    const scores = gallery.map((g) => dot(q, g));
    if (scores.filter((s) => s > scores[i]!).length < 5) hits++;
  });
  return hits / queries.length;
}

test('held-out text→image and text→omni recall@5 through the SDK match the model card within 0.02', async ({ served }) => {
  test.setTimeout(300_000);
  await installInputHelpers(served);
  const specs = {
    captionsI: images.map((i) => i.caption),
    images: images.map((i) => ({ file: i.files.image })),
    captionsO: omnis.map((i) => i.caption),
    omnis: omnis.map((i) => ({
      ...(i.title ? { text: i.title } : {}),
      ...(i.files.audio ? { audio: i.files.audio } : {}),
      ...(i.files.frames_strip ? { videoStrip: i.files.frames_strip } : i.files.image ? { image: i.files.image } : {}),
    })),
  };
  const v = await served.evaluate(async (specs) => {
    const omni = await import('/dist/browser/index.js');
    const e = await omni.createEmbedder({ device: 'wasm', dtype: 'fp32', modelUrl: '/models/omni-tiny/' });
    const embed = async (list: unknown[]) => {
      const inputs = await Promise.all(list.map((s) => (window as any).heldoutInput(s)));
      return (await e.embedBatch(inputs)).map((r) => Array.from(r.vector));
    };
    const out = { captionsI: await embed(specs.captionsI), images: await embed(specs.images), captionsO: await embed(specs.captionsO), omnis: await embed(specs.omnis) };
    await e.dispose();
    return out;
  }, specs);
  const textImage = recallAt5(v.captionsI, v.images);
  const textOmni = recallAt5(v.captionsO, v.omnis);
  expect(Math.abs(textImage - metrics['text→image'].r5), `text→image ${textImage} vs card ${metrics['text→image'].r5}`).toBeLessThanOrEqual(0.02);
  expect(Math.abs(textOmni - metrics['text→omni'].r5), `text→omni ${textOmni} vs card ${metrics['text→omni'].r5}`).toBeLessThanOrEqual(0.02);
});
