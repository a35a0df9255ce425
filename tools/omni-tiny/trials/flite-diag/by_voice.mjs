// The held-out audio families' text→audio ranks (per draw, as eval_families.mjs ranks them) split by TTS voice.
// Usage (repo root): node tools/omni-tiny/trials/flite-diag/by_voice.mjs [FAMILY-SUBSTRING]   (default: flite)
import fs from 'node:fs';
import path from 'node:path';
import { ROOT, audioFeatures } from '../../lib.mjs';
import { textEmb, audioEmb } from '../../embed.mjs';
import { ranks, recall } from '../../scoring.mjs';
const DIR = path.join(ROOT, 'data', 'heldout-families');
const index = JSON.parse(fs.readFileSync(path.join(DIR, 'index.json'), 'utf8'));
const want = process.argv[2] ?? 'flite';
for (const f of index.families.filter((f) => f.kind === 'audio' && f.name.includes(want))) {
  const its = index.items.filter((i) => i.family === f.name && i.kind === 'audio');
  const t = (await textEmb('fp32', its.map((i) => i.caption))).emb;
  const feats = [];
  for (const i of its) feats.push(await audioFeatures(path.join(DIR, i.files.audio)));
  const e = await audioEmb('fp32', feats);
  const byVoice = {};
  for (const d of new Set(its.map((i) => i.draw))) {
    const k = its.map((_, j) => j).filter((j) => its[j].draw === d);
    ranks(k.map((j) => t[j]), k.map((j) => e[j])).forEach((r, n) => (byVoice[its[k[n]].voice.slice(0, 2).join(' ')] ??= []).push(r));
  }
  console.log(`${f.name}\n| voice | n | R@1 | R@5 |\n|---|---|---|---|`);
  for (const [v, r] of Object.entries(byVoice)) {
    console.log(`| ${v} | ${r.length} | ${recall(r, 1).toFixed(2)} | ${recall(r, 5).toFixed(2)} |`);
  }
}
