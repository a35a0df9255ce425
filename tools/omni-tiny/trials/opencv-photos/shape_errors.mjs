// Where the shape probe fails on one held-out image family: per size, shape, colour and position of the object
// (the families' shape probe, scoring.probe, item by item). Usage (repo root):
//   node tools/omni-tiny/trials/opencv-photos/shape_errors.mjs "photo background (skimage photos)"   (OMNI_TINY_DIR for a trial)
import fs from 'node:fs';
import path from 'node:path';
import { ROOT, imagePixels } from '../../lib.mjs';
import { textEmb, imageEmb } from '../../embed.mjs';
import { probe, capShape, SHAPES } from '../../scoring.mjs';
const DIR = path.join(ROOT, 'data', 'heldout-families');
const index = JSON.parse(fs.readFileSync(path.join(DIR, 'index.json'), 'utf8'));
const fam = process.argv[2];
const its = index.items.filter((i) => i.family === fam && i.attributes.type === 'shape');
const e = await imageEmb('fp32', await Promise.all(its.map((i) => imagePixels(path.join(DIR, i.files.image)))));
const textFn = async (t) => (await textEmb('fp32', t)).emb;
const out = [];
for (let i = 0; i < its.length; i++) {
  const { acc } = await probe(textFn, [e[i]], [its[i]], 'shape', SHAPES, capShape);
  out.push({ ...its[i].attributes, right: acc === 1 });
}
const by = (k) => { const m = {}; for (const o of out) { const g = (m[o[k]] ??= [0, 0]); g[1]++; if (o.right) g[0]++; } return Object.entries(m).map(([v, [a, n]]) => `${v} ${a}/${n}`).join(', '); };
console.log('size:', by('size')); console.log('shape:', by('shape')); console.log('colour:', by('colour')); console.log('position:', by('position'));
