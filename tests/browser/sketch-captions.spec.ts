// Issue #14's first report, as a new user meets it: shapes drawn with the canvas API on a page (not the
// training renderer, not its backgrounds), embedded through the SDK with its defaults, against captions.
// v1 put 1 of these 3 nearest its own caption on white; "a red circle" was nearest "a blue square".
import { test, expect, cosine } from './fixtures';
import { heldout } from '../helpers/reference';

/** Every value of one attribute the committed held-out set names: the captions' vocabulary. */
const named = (attribute: string) => [...new Set(heldout().flatMap((i) => {
  const v = i.attributes[attribute];
  return typeof v === 'string' ? [v] : [];
}))];
// The demo's swatch colours (demo/draw.js) for the three the issue drew.
const DRAWN = [
  { colour: 'red', hex: '#dc2828', shape: 'circle' },
  { colour: 'blue', hex: '#325ae6', shape: 'square' },
  { colour: 'green', hex: '#28be3c', shape: 'triangle' },
] as const;
const BACKGROUNDS = { white: '#ffffff', 'light grey': '#d2d2d2', dark: '#141414' };

test('shapes drawn on a page canvas, on white, light grey and dark, are nearest their own captions', async ({ served }) => {
  test.setTimeout(300_000);
  const pool = named('colour').flatMap((c) => named('shape').map((s) => `a large ${c} ${s} in the center`));
  expect(pool.length).toBe(48);
  const out = await served.evaluate(async ({ drawn, backgrounds, pool }) => {
    function draw(bg: string, colour: string, shape: string): ImageData {
      const c = new OffscreenCanvas(128, 128);
      const g = c.getContext('2d')!;
      g.fillStyle = bg;
      g.fillRect(0, 0, 128, 128);
      g.fillStyle = colour;
      g.beginPath();
      if (shape === 'circle') g.arc(64, 64, 34, 0, 2 * Math.PI);
      else if (shape === 'square') g.rect(32, 32, 64, 64);
      else { g.moveTo(64, 26); g.lineTo(102, 98); g.lineTo(26, 98); g.closePath(); }
      g.fill();
      return g.getImageData(0, 0, 128, 128);
    }
    const omni = await import('/dist/browser/index.js');
    const e = await omni.createEmbedder();
    const images = Object.entries(backgrounds).flatMap(([bg, hex]) => drawn.map((d) => ({ bg, ...d, data: draw(hex, d.hex, d.shape) })));
    const imageVectors = await e.embedBatch(images.map((i) => i.data));
    const captionVectors = await e.embedBatch(pool);
    const threeVectors = await e.embedBatch(drawn.map((d) => `a ${d.colour} ${d.shape}`));
    const info = e.info;
    await e.dispose();
    return {
      info: { device: info.device, dtype: info.dtype },
      images: images.map((i, k) => ({ bg: i.bg, colour: i.colour, shape: i.shape, vector: Array.from(imageVectors[k]!.vector) })),
      pool: captionVectors.map((v) => Array.from(v.vector)),
      three: threeVectors.map((v) => Array.from(v.vector)),
    };
  }, { drawn: DRAWN, backgrounds: BACKGROUNDS, pool });
  const argmax = (xs: number[]) => xs.indexOf(Math.max(...xs));
  const report = out.images.map((im) => {
    const own = DRAWN.findIndex((d) => d.colour === im.colour && d.shape === im.shape);
    const ofThree = argmax(out.three.map((t) => cosine(im.vector, t)));
    const ofPool = pool[argmax(out.pool.map((t) => cosine(im.vector, t)))]!;
    return { bg: im.bg, drawn: `${im.colour} ${im.shape}`, ofThreeRight: ofThree === own, nearestOf48: ofPool };
  });
  console.log(out.info, JSON.stringify(report.map((r) => `${r.drawn} on ${r.bg} -> ${r.nearestOf48}`)));
  // The check: each of the three is nearest its own short caption, on every background.
  for (const r of report) expect(r.ofThreeRight, `${r.drawn} on ${r.bg}`).toBe(true);
  // Stronger, for the two colour/shape pairs training has seen: among all 48 colour × shape captions the
  // nearest names the colour on every background, and the shape too on dark. Green triangle is one of the
  // pairs training never shows (the held-out set's `unseen` split): its 48-way reading is logged, not asserted. v2.2
  // reads it right on every background; v2.1 read it on dark as "orange square", where onnxruntime-node on a PIL
  // drawing put "green triangle" first by only 0.404 to 0.342, a margin the canvas resize flipped.
  const name = (r: { drawn: string }) => `a large ${r.drawn} in the center`;
  const unseen = new Set(heldout().filter((i) => i.split === 'unseen').map((i) => `${i.attributes.colour} ${i.attributes.shape}`));
  expect(unseen.has('green triangle')).toBe(true);
  const seen = report.filter((r) => !unseen.has(r.drawn));
  expect(seen.length).toBe(6);
  for (const r of seen) expect(r.nearestOf48.split(' ')[2], `${r.drawn} on ${r.bg}: ${r.nearestOf48}`).toBe(r.drawn.split(' ')[0]);
  for (const r of seen.filter((r) => r.bg === 'dark')) expect(r.nearestOf48, `${r.drawn} on dark`).toBe(name(r));
  const shapeRight = report.filter((r) => r.nearestOf48 === name(r)).length;
  console.log(`nearest of 48 names colour and shape: ${shapeRight} of ${report.length}`);
});
