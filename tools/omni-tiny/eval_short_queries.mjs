// The 48-way reading of a short query ("a red circle", what a user types in the demo) for every shape image
// of the held-out families and the committed set: is the nearest of the 48 "a <colour> <shape>" captions the
// image's own colour and shape? Not an issue target; it shows what the demo's first query meets.
// Usage: node tools/omni-tiny/eval_short_queries.mjs   (q8; OMNI_TINY_DIR=<export folder> for another model)
import fs from 'node:fs';
import path from 'node:path';
import { imagePixels, ROOT } from './lib.mjs';
import { textEmb, imageEmb } from './embed.mjs';
import { COLOURS, SHAPES, l2 } from './scoring.mjs';

const pool = COLOURS.flatMap((c) => SHAPES.map((s) => `a ${c} ${s}`));
const captions = (await textEmb('q8', pool)).emb.map(l2);
const read = (file) => JSON.parse(fs.readFileSync(path.join(ROOT, file), 'utf8'));

const groups = {};
for (const i of read('data/heldout-families/index.json').items) {
  if (i.kind === 'image' && i.attributes.type === 'shape') (groups[i.family] ??= []).push(['data/heldout-families/' + i.files.image, i.attributes]);
}
for (const i of read('data/heldout/index.json').items) {
  if (i.kind === 'image' && i.attributes.shape && i.attributes.colour) (groups[`committed set, ${i.split}`] ??= []).push(['data/heldout/' + i.files.image, i.attributes]);
}
let right = 0, n = 0;
console.log('| images | n | colour right | colour and shape right |\n|---|---|---|---|');
for (const [group, its] of Object.entries(groups)) {
  const emb = await imageEmb('q8', await Promise.all(its.map(([f]) => imagePixels(path.join(ROOT, f)))));
  let colour = 0, both = 0;
  its.forEach(([, a], k) => {
    const v = l2(emb[k]);
    const scores = captions.map((t) => t.reduce((acc, x, j) => acc + x * v[j], 0));
    const [, c, s] = pool[scores.indexOf(Math.max(...scores))].split(' ');
    if (c === a.colour) { colour++; if (s === a.shape) both++; }
  });
  right += both; n += its.length;
  console.log(`| ${group} | ${its.length} | ${(colour / its.length).toFixed(3)} | ${(both / its.length).toFixed(3)} |`);
}
console.log(`| all | ${n} | | ${(right / n).toFixed(3)} |`);
