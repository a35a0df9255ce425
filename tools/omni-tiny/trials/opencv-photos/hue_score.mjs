// Shape probe (scoring.probe: the caption with the right shape must beat the five others) on hue_render.py's
// images, per condition and background brightness. Usage (repo root):
//   node tools/omni-tiny/trials/opencv-photos/hue_score.mjs OUT   (OMNI_TINY_DIR for a trial's export)
import fs from 'node:fs';
import path from 'node:path';
import { imagePixels } from '../../lib.mjs';
import { textEmb, imageEmb } from '../../embed.mjs';
import { probe, capShape, SHAPES } from '../../scoring.mjs';
const dir = process.argv[2];
const items = JSON.parse(fs.readFileSync(path.join(dir, 'index.json'), 'utf8'));
const textFn = async (t) => (await textEmb('fp32', t)).emb;
const groups = {};
for (const it of items) {
  (groups[it.cond] ??= []).push(it);
  (groups[`${it.cond}, background ×${it.factor}`] ??= []).push(it);
}
console.log('| images | n | shape probe |\n|---|---|---|');
for (const [name, its] of Object.entries(groups).sort()) {
  const e = await imageEmb('fp32', await Promise.all(its.map((i) => imagePixels(path.join(dir, i.file)))));
  const p = await probe(textFn, e, its, 'shape', SHAPES, capShape);
  console.log(`| ${name} | ${p.n} | ${p.acc.toFixed(3)} |`);
}
