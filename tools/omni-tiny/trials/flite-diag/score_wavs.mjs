// text->audio R@1 / R@5 of the control family's 90 captions (3 draws pooled into one gallery) against
// WAVs DIR/<set>_<k>.wav, k = the control item's order in data/heldout-families/index.json.
// Usage (repo root): node tools/omni-tiny/trials/flite-diag/score_wavs.mjs DIR SET...   (OMNI_TINY_DIR picks the model)
import fs from 'node:fs';
import { audioFeatures } from '../../lib.mjs';
import { textEmb, audioEmb, ranks, summary } from '../../embed.mjs';
const [dir, ...sets] = process.argv.slice(2);
const ix = JSON.parse(fs.readFileSync(new URL('../../../../data/heldout-families/index.json', import.meta.url), 'utf8'));
const its = ix.items.filter((i) => i.kind === 'audio' && i.family.startsWith('control'));
const t = (await textEmb('fp32', its.map((i) => i.caption))).emb;
for (const set of sets) {
  const feats = [];
  for (const k of its.keys()) feats.push(await audioFeatures(`${dir}/${set}_${k}.wav`));
  const s = summary(ranks(t, await audioEmb('fp32', feats)));
  console.log(`| ${set} | ${s.r1.toFixed(3)} | ${s.r5.toFixed(3)} |`);
}
