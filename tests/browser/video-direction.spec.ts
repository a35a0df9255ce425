// omni-tiny's video graph tells the direction of motion apart (model card, "video direction" probe).
// That only survives the SDK if frames reach the graph in time order: a frame-sampling or batching
// change that shuffled or reversed them would leave every recall figure intact (colour and shape
// still match) and silently turn "moving left" into "moving right". So the probe is re-run here on
// the committed clips, both as decoded WebM (the <video> path) and as frame lists.
import { test, expect, cosine } from './fixtures';
import { readFileSync } from 'node:fs';
import { heldout } from '../helpers/reference';
import { installInputHelpers } from './sdk-page';

const DIRECTIONS = ['left', 'right', 'up', 'down'];
const cardAccuracy: number = JSON.parse(readFileSync('tools/omni-tiny/metrics.json', 'utf8'))
  .retrieval.fp32.probes['video direction (4-way)'].acc;
const clips = heldout().filter((i) => i.kind === 'video');

test('the direction of motion survives WebM decoding, frame sampling and batching', async ({ served }) => {
  test.setTimeout(300_000);
  await installInputHelpers(served);
  const specs = clips.map((c) => ({
    captions: DIRECTIONS.map((d) => `a ${c.attributes.colour} ${c.attributes.shape} moving ${d}`),
    webm: { file: c.files.video },
    strip: { strip: c.files.frames_strip },
  }));
  const vectors = await served.evaluate(async (specs) => {
    const omni = await import('/dist/browser/index.js');
    const e = await omni.createEmbedder({ device: 'wasm', dtype: 'fp32', modelUrl: '/models/omni-tiny/' });
    const input = (s: unknown) => (window as any).heldoutInput(s);
    const out = [];
    for (const s of specs) {
      const [webm, strip, ...captions] = await e.embedBatch([await input(s.webm), await input(s.strip), ...s.captions]);
      out.push({ webm: Array.from(webm!.vector), strip: Array.from(strip!.vector), captions: captions.map((c) => Array.from(c.vector)) });
    }
    await e.dispose();
    return out;
  }, specs);
  const scores = vectors.map((v) => ({
    webm: v.captions.map((c) => cosine(v.webm, c)),
    strip: v.captions.map((c) => cosine(v.strip, c)),
  }));
  const accuracy = (path: 'webm' | 'strip') =>
    scores.filter((s, i) => DIRECTIONS[s[path].indexOf(Math.max(...s[path]))] === clips[i]!.attributes.direction).length / clips.length;
  // Frame lists are the card's exact pixels; WebM adds VP9 loss and the browser's frame seeking.
  expect(Math.abs(accuracy('strip') - cardAccuracy), `frames ${accuracy('strip')} vs card ${cardAccuracy}`).toBeLessThanOrEqual(0.03);
  expect(accuracy('webm'), `webm ${accuracy('webm')} vs card ${cardAccuracy}`).toBeGreaterThanOrEqual(cardAccuracy - 0.1);
  // Chance is 0.25: the bound above means nothing unless the model itself resolves direction.
  expect(cardAccuracy).toBeGreaterThanOrEqual(0.8);
});
