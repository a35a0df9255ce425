// Held-out evaluation of the exported omni-tiny ONNX files with onnxruntime-node.
// Usage: node tools/omni-tiny/eval.mjs [--no-card] [--json PATH]
//        (OMNI_TINY_DIR=<export folder> evaluates another export; pass --no-card and --json for it)
// Writes tools/omni-tiny/metrics.json and the table between the metrics markers in docs/model-card.md.
import fs from 'node:fs';
import path from 'node:path';
import {
  ROOT, MODEL_DIR, HELD_DIR, GRAPHS, VARIANTS, heldout, cos,
  imagePixels, stripPixels, audioFeatures,
} from './lib.mjs';
import {
  cfg, H, D, run, f32, i64, cat, textEmb, imageEmb, videoEmb, audioEmb, ranks, recall, summary, probe as probeWith,
} from './embed.mjs';

const items = heldout().items;
const P = (f) => path.join(HELD_DIR, f);

// ---------------------------------------------------------------- inputs (fp32 preprocessing, done once)
console.error('preprocessing held-out media ...');
const imgs = items.filter((it) => it.kind === 'image');
const auds = items.filter((it) => it.kind === 'audio');
const vids = items.filter((it) => it.kind === 'video');
const omnis = items.filter((it) => it.kind === 'omni');
const px = {}, pxAlt = {}, feats = {}, strips = {};
for (const it of imgs) { px[it.id] = await imagePixels(P(it.files.image)); pxAlt[it.id] = await imagePixels(P(it.files.image_alt)); }
for (const it of [...auds, ...omnis]) if (it.files.audio) feats[it.id] = await audioFeatures(P(it.files.audio));
for (const it of [...vids, ...omnis]) if (it.files.frames_strip) strips[it.id] = await stripPixels(P(it.files.frames_strip));
for (const it of omnis) if (it.files.image) px[it.id] = await imagePixels(P(it.files.image));

/** Omni item -> fusion embedding, built exactly as the SDK does: [audio_tokens; vision tokens; text states]. */
async function omniEmb(v, it, fusionVariant = v) {
  const parts = [], masks = [];
  if (it.files.audio) {
    const f = feats[it.id];
    const o = await run(v, 'audio_model', { input_features: f32(f.data, f.dims) });
    parts.push(o.audio_tokens.data); masks.push(1);
  }
  if (it.files.frames_strip) {
    const o = await run(v, 'video_model', { pixel_values: f32(strips[it.id], [1, 8, 3, 64, 64]) });
    parts.push(o.video_tokens.data); for (let i = 0; i < 4; i++) masks.push(1);
  } else if (it.files.image) {
    const o = await run(v, 'vision_model', { pixel_values: f32(px[it.id], [1, 3, 64, 64]) });
    parts.push(o.image_tokens.data); for (let i = 0; i < 4; i++) masks.push(1);
  }
  const text = it.title ? `${cfg.instructions.target} ${it.title}` : cfg.instructions.target;
  const t = await textEmb(v, [text]);
  parts.push(t.lhs); for (let i = 0; i < t.T; i++) masks.push(1);
  const x = cat(parts);
  const n = masks.length;
  const o = await run(fusionVariant, 'fusion_model', {
    inputs_embeds: f32(x, [1, n, H]), attention_mask: i64(BigInt64Array.from(masks, BigInt), [1, n]),
  });
  return o.embeds.data.slice();
}
async function queryFusionEmb(v, texts) {
  const out = [];
  for (const q of texts) {
    const t = await textEmb(v, [`${cfg.instructions.query} ${q}`]);
    const o = await run(v, 'fusion_model', { inputs_embeds: f32(t.lhs, [1, t.T, H]), attention_mask: i64(t.mask, [1, t.T]) });
    out.push(o.embeds.data.slice());
  }
  return out;
}

async function evaluate(v) {
  const res = {};
  const seenImg = imgs.filter((i) => i.split === 'heldout'), unImg = imgs.filter((i) => i.split === 'unseen');
  const seenVid = vids.filter((i) => i.split === 'heldout'), unVid = vids.filter((i) => i.split === 'unseen');
  const tI = (await textEmb(v, seenImg.map((i) => i.caption))).emb;
  const eI = await imageEmb(v, seenImg.map((i) => px[i.id]));
  const eIa = await imageEmb(v, seenImg.map((i) => pxAlt[i.id]));
  const tA = (await textEmb(v, auds.map((i) => i.caption))).emb;
  const eA = await audioEmb(v, auds.map((i) => feats[i.id]));
  const tV = (await textEmb(v, seenVid.map((i) => i.caption))).emb;
  const eV = await videoEmb(v, seenVid.map((i) => strips[i.id]));
  const tO = (await textEmb(v, omnis.map((i) => i.caption))).emb;
  const qO = await queryFusionEmb(v, omnis.map((i) => i.caption));
  const eO = [];
  for (const it of omnis) eO.push(await omniEmb(v, it));
  const tUI = (await textEmb(v, unImg.map((i) => i.caption))).emb;
  const eUI = await imageEmb(v, unImg.map((i) => px[i.id]));
  const tUV = (await textEmb(v, unVid.map((i) => i.caption))).emb;
  const eUV = await videoEmb(v, unVid.map((i) => strips[i.id]));
  const tasks = {
    'text→image': [tI, eI], 'image→text': [eI, tI], 'image→image': [eIa, eI], 'text→audio': [tA, eA],
    'text→video': [tV, eV], 'text→omni': [tO, eO], 'text→omni (query instruction, fusion)': [qO, eO],
    'unseen text→image': [tUI, eUI], 'unseen text→video': [tUV, eUV],
  };
  for (const [name, [q, g]] of Object.entries(tasks)) {
    res[name] = summary(ranks(q, g));
    res[name].matryoshka_r5 = Object.fromEntries(cfg.matryoshka_dims.map((d) => [d, recall(ranks(q, g, d), 5)]));
  }
  // attribute probes: pick the right caption among captions that differ in one attribute only
  const probe = (...args) => probeWith(v, ...args);
  const vidAll = [...seenVid, ...unVid], vidEmb = [...eV, ...eUV];
  const imgAll = [...seenImg, ...unImg], imgEmb = [...eI, ...eUI];
  const isShape = (i) => i.attributes.type === 'shape';
  const shp = imgAll.filter(isShape);
  const shpEmb = imgEmb.filter((_, k) => isShape(imgAll[k]));
  const capMotion = (a) => `a ${a.colour} ${a.shape} moving ${a.direction}`;
  const capShape = (a) => `a ${a.size} ${a.colour} ${a.shape} in the ${a.position}`;
  res.probes = {
    'video direction (4-way)': await probe(vidEmb, vidAll, 'direction', ['left', 'right', 'up', 'down'], capMotion),
    'image position (5-way)': await probe(shpEmb, shp, 'position', ['top left', 'top right', 'bottom left', 'bottom right', 'center'], capShape),
    'image size (2-way)': await probe(shpEmb, shp, 'size', ['small', 'large'], capShape),
    'image colour (8-way)': await probe(shpEmb, shp, 'colour', ['red', 'green', 'blue', 'yellow', 'purple', 'orange', 'cyan', 'white'], capShape),
    'image shape (6-way)': await probe(shpEmb, shp, 'shape', ['circle', 'square', 'triangle', 'star', 'diamond', 'cross'], capShape),
  };
  const ru = [...ranks(tUI, eUI), ...ranks(tUV, eUV)];
  res['unseen (all)'] = summary(ru);
  res['unseen (all)'].matryoshka_r5 = Object.fromEntries(cfg.matryoshka_dims.map((d) => [d, recall([...ranks(tUI, eUI, d), ...ranks(tUV, eUV, d)], 5)]));
  return res;
}

// ---------------------------------------------------------------- variant fidelity (cosine vs fp32, same inputs)
async function fidelity() {
  const texts = [...new Set(items.map((i) => i.caption).concat(omnis.filter((i) => i.title).map((i) => i.title)))];
  const allImgs = Object.values(px), allAud = Object.values(feats), allVid = Object.values(strips);
  const per = async (v) => ({
    text_model: (await textEmb(v, texts)).emb,
    vision_model: await imageEmb(v, allImgs),
    audio_model: await audioEmb(v, allAud),
    video_model: await videoEmb(v, allVid),
    fusion_model: await Promise.all(omnis.map((it) => omniEmb('fp32', it, v))),
  });
  const ref = await per('fp32');
  const out = {};
  for (const v of ['fp16', 'q8', 'q4']) {
    const e = await per(v);
    out[v] = {};
    for (const g of GRAPHS) {
      const c = ref[g].map((r, i) => cos(r, e[g][i]));
      out[v][g] = { mean: c.reduce((a, b) => a + b, 0) / c.length, min: Math.min(...c), n: c.length };
    }
  }
  return out;
}

const metrics = { retrieval: {}, fidelity: null, sizes: {} };
for (const v of Object.keys(VARIANTS)) {
  console.error('evaluating', v);
  metrics.retrieval[v] = await evaluate(v);
}
metrics.fidelity = await fidelity();
for (const g of GRAPHS) for (const [v, s] of Object.entries(VARIANTS)) metrics.sizes[g + s] = fs.statSync(path.join(MODEL_DIR, 'onnx', g + s + '.onnx')).size;
const jsonAt = process.argv.indexOf('--json');
fs.writeFileSync(jsonAt > 0 ? process.argv[jsonAt + 1] : path.join(ROOT, 'tools', 'omni-tiny', 'metrics.json'), JSON.stringify(metrics, null, 1) + '\n');

// ---------------------------------------------------------------- model card table
const pct = (x) => x.toFixed(3);
const targets = { 'text→image': 0.9, 'text→omni': 0.9, 'text→audio': 0.8, 'text→video': 0.8, 'unseen (all)': 0.7 };
let md = '| task (held-out, fp32) | n | R@1 | R@5 | R@10 | R@5 @128 | R@5 @64 | R@5 q8 | R@5 q4 | R@5 fp16 | target R@5 |\n|---|---|---|---|---|---|---|---|---|---|---|\n';
for (const [name, r] of Object.entries(metrics.retrieval.fp32)) {
  if (name === 'probes') continue;
  const t = targets[name];
  md += `| ${name} | ${r.n} | ${pct(r.r1)} | ${pct(r.r5)} | ${pct(r.r10)} | ${pct(r.matryoshka_r5[128])} | ${pct(r.matryoshka_r5[64])} | ${pct(metrics.retrieval.q8[name].r5)} | ${pct(metrics.retrieval.q4[name].r5)} | ${pct(metrics.retrieval.fp16[name].r5)} | ${t ? `≥ ${t} ${r.r5 >= t ? '✅' : '❌ missed'}` : ''} |\n`;
}
md += '\nAttribute probes (fp32, held-out + unseen; the caption with the right value must beat captions that differ only in that attribute):\n\n| probe | n | accuracy | chance | q8 | q4 |\n|---|---|---|---|---|---|\n';
for (const [name, p] of Object.entries(metrics.retrieval.fp32.probes)) {
  md += `| ${name} | ${p.n} | ${pct(p.acc)} | ${pct(p.chance)} | ${pct(metrics.retrieval.q8.probes[name].acc)} | ${pct(metrics.retrieval.q4.probes[name].acc)} |\n`;
}
md += '\n| graph | fp16 cos mean (min) | q8 `_quantized` cos mean (min) | q4 `_q4` cos mean (min) |\n|---|---|---|---|\n';
for (const g of GRAPHS) {
  const f = metrics.fidelity;
  const c = (v) => `${f[v][g].mean.toFixed(5)} (${f[v][g].min.toFixed(4)})`;
  md += `| ${g} | ${c('fp16')} | ${c('q8')} | ${c('q4')} |\n`;
}
const mean = (v) => GRAPHS.reduce((s, g) => s + metrics.fidelity[v][g].mean, 0) / GRAPHS.length;
md += `\nMean over graphs: fp16 ${mean('fp16').toFixed(5)}, _quantized ${mean('q8').toFixed(5)} (target ≥ 0.995), _q4 ${mean('q4').toFixed(5)} (target ≥ 0.98).\n`;
console.log(md);
const card = path.join(ROOT, 'docs', 'model-card.md');
if (!process.argv.includes('--no-card') && !process.env.OMNI_TINY_DIR && fs.existsSync(card)) {
  const s = fs.readFileSync(card, 'utf8');
  const a = '<!-- metrics:start -->', b = '<!-- metrics:end -->';
  if (s.includes(a) && s.includes(b)) {
    fs.writeFileSync(card, s.slice(0, s.indexOf(a) + a.length) + '\n' + md + s.slice(s.indexOf(b)));
    console.error('updated', card);
  }
}
