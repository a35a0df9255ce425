// Evaluates the exported omni-tiny ONNX (onnxruntime-node, same helpers as eval.mjs) on the held-out
// families of heldout_families.py: one row per family, next to a control family drawn by the training renderer.
// Usage: node tools/omni-tiny/eval_families.mjs [--variant fp32|fp16|q8|q4] [--regen] [--no-card] [--json PATH]
//        (OMNI_TINY_DIR=<export folder> evaluates another export, e.g. a training trial's, with --no-card)
// Writes tools/omni-tiny/families_metrics.json and the table between the families markers in docs/model-card.md.
// The media folder (data/heldout-families/) is git-ignored and made by the seeded python script when missing.
// Format families (photo-sized JPEG, 44.1/48 kHz WAV, 30 fps WebM) run here too: transformers.js' processor
// resizes the JPEG, lib.mjs resamples the WAV with the SDK's resampler, and the WebM is read as its pre-codec
// strip of the frames the SDK samples. Their SDK rows, decoders included, come from eval_families_sdk.mjs.
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { ROOT, HERE, MODEL_DIR, imagePixels, stripPixels, audioFeatures } from './lib.mjs';
import { textEmb, imageEmb, videoEmb, audioEmb } from './embed.mjs';
import { familyRow } from './scoring.mjs';

const arg = (k, d) => (process.argv.includes(k) ? process.argv[process.argv.indexOf(k) + 1] : d);
const variant = arg('--variant', 'fp32');
const DIR = path.join(ROOT, 'data', 'heldout-families');
if (process.argv.includes('--regen') || !fs.existsSync(path.join(DIR, 'index.json'))) {
  console.error('generating', DIR);
  execFileSync('/usr/bin/python3', [path.join(HERE, 'heldout_families.py'), '--out', DIR], { stdio: 'inherit' });
}
const index = JSON.parse(fs.readFileSync(path.join(DIR, 'index.json'), 'utf8'));
const P = (f) => path.join(DIR, f);

const textFn = async (texts) => (await textEmb(variant, texts)).emb;
async function mediaEmb(kind, its) {
  if (kind === 'image') return imageEmb(variant, await Promise.all(its.map((i) => imagePixels(P(i.files.image)))));
  const list = [];
  // families with a real video file also carry its sampled frames as a strip: onnxruntime has no decoder
  for (const i of its) list.push(kind === 'video' ? await stripPixels(P(i.files.frames_strip)) : await audioFeatures(P(i.files.audio)));
  return kind === 'video' ? videoEmb(variant, list) : audioEmb(variant, list);
}

const out = { variant, seed: index.seed, families: {} };
for (const f of index.families) {
  const its = index.items.filter((i) => i.family === f.name && i.kind === f.kind);
  console.error(`${f.kind}: ${f.name} (${its.length})`);
  const row = await familyRow(f.kind, its, await mediaEmb(f.kind, its), textFn);
  out.families[`${f.kind}: ${f.name}`] = { kind: f.kind, name: f.name, v2TrainsAxis: f.v2_trains_axis, ...row };
}
const suffix = variant === 'fp32' ? '' : `_${variant}`;
out.model = path.relative(ROOT, MODEL_DIR);
fs.writeFileSync(arg('--json', path.join(HERE, `families_metrics${suffix}.json`)), JSON.stringify(out, null, 1) + '\n');

// ---------------------------------------------------------------- model card tables
const x = (v) => (v === undefined ? '–' : v.toFixed(3));
// whether synth.py --v2 trains on renderings of this kind (heldout_families.trains_axis); controls are v1's renderer
const seen = (r) => (r.name.startsWith('control') ? 'control' : r.v2TrainsAxis ? 'trained axis' : '**held out**');
let md = `Variant ${variant}. Command: \`node tools/omni-tiny/eval_families.mjs${variant === 'fp32' ? '' : ` --variant ${variant}`}\` (media from \`heldout_families.py\`, seed ${index.seed}, ${index.draws ?? 1} draw(s) of every family).\n` +
  'The generator needs Debian\'s `python3-pil python3-skimage espeak-ng flite fonts-dejavu-core` (`apt-get install -y …`); it is not part of `npm test` or CI.\n\n';
md += '| image family | v2 training | n | text→image R@1 | R@5 | colour (8) | shape (6) | size (2) | position (5) | digit (10) |\n|---|---|---|---|---|---|---|---|---|---|\n';
const fams = Object.values(out.families);
for (const r of fams.filter((r) => r.kind === 'image')) {
  const p = r.probes, s = r['text→image'];
  md += `| ${r.name} | ${seen(r)} | ${s.n} | ${x(s.r1)} | ${x(s.r5)} | ${x(p.colour?.acc)} | ${x(p.shape?.acc)} | ${x(p.size?.acc)} | ${x(p.position?.acc)} | ${x(p.digit?.acc)} |\n`;
}
md += '\n| video family | v2 training | n | text→video R@1 | R@5 | direction (4) | read as the opposite direction |\n|---|---|---|---|---|---|---|\n';
for (const r of fams.filter((r) => r.kind === 'video')) md += `| ${r.name} | ${seen(r)} | ${r['text→video'].n} | ${x(r['text→video'].r1)} | ${x(r['text→video'].r5)} | ${x(r.probes.direction.acc)} | ${x(r.probes.reversed.acc)} |\n`;
md += '\n| speech family | v2 training | n | text→audio R@1 | R@5 |\n|---|---|---|---|---|\n';
for (const r of fams.filter((r) => r.kind === 'audio')) md += `| ${r.name} | ${seen(r)} | ${r['text→audio'].n} | ${x(r['text→audio'].r1)} | ${x(r['text→audio'].r5)} |\n`;
console.log(md);
const card = path.join(ROOT, 'docs', 'model-card.md');
const a = '<!-- families:start -->', b = '<!-- families:end -->';
if (!process.argv.includes('--no-card') && variant === 'fp32' && !process.env.OMNI_TINY_DIR) {
  const s = fs.readFileSync(card, 'utf8');
  if (!s.includes(a) || !s.includes(b)) throw new Error(`${card} has no ${a} … ${b} markers`);
  fs.writeFileSync(card, s.slice(0, s.indexOf(a) + a.length) + '\n' + md + s.slice(s.indexOf(b)));
  console.error('updated', card);
}
