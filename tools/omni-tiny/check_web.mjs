// Verifies the shipped omni-tiny folder against the JS stack:
//  1. @huggingface/tokenizers reproduces the training token ids
//  2. transformers.js ClapFeatureExtractor == training numpy log-mel; CLIPImageProcessor == training pixels
//  3. every graph (all 4 variants) runs under onnxruntime-web's WASM backend and matches onnxruntime-node
//  4. transformers.js loads text/vision/audio graphs (CLIP/CLAP classes) from the folder
// Needs tools/omni-tiny/.cache/{refs.json,mel_ref.bin,pix_ref.bin} from make_refs.py.
// Usage: node tools/omni-tiny/check_web.mjs   (writes tools/omni-tiny/check_web.json)
import fs from 'node:fs';
import path from 'node:path';
import * as ortNode from 'onnxruntime-node';
import * as ortWeb from 'onnxruntime-web';
import {
  HERE, ROOT, MODEL_DIR, HELD_DIR, GRAPHS, VARIANTS, loadTokenizer, tokenize, imagePixels, audioFeatures, cos,
} from './lib.mjs';

const report = {};
const CACHE = path.join(HERE, '.cache');
// build.sh makes these just before; run alone, say what makes them rather than fail with a stack trace
for (const f of ['refs.json', 'mel_ref.bin', 'pix_ref.bin']) {
  if (!fs.existsSync(path.join(CACHE, f))) {
    console.error(`check_web: ${path.join(CACHE, f)} is missing; make it first (it reads only committed files):\n  /usr/bin/python3 tools/omni-tiny/make_refs.py`);
    process.exit(2);
  }
}
const refs = JSON.parse(fs.readFileSync(path.join(CACHE, 'refs.json'), 'utf8'));

// 1. tokenizer
const tok = loadTokenizer();
let tokBad = 0;
refs.texts.forEach((t, i) => {
  const ids = tok.encode(t).ids;
  if (JSON.stringify(ids) !== JSON.stringify(refs.ids[i])) { if (tokBad < 3) console.error('token mismatch', t, ids, refs.ids[i]); tokBad++; }
});
report.tokenizer = { texts: refs.texts.length, mismatches: tokBad };
console.log('tokenizer:', report.tokenizer);

// 2. preprocessing equivalence
const melRef = new Float32Array(fs.readFileSync(path.join(CACHE, 'mel_ref.bin')).buffer.slice(0));
let melMax = 0, frames = 0;
for (let i = 0; i < refs.wavs.length; i++) {
  const f = await audioFeatures(path.join(HELD_DIR, refs.wavs[i]));
  frames = f.dims[2];
  const n = f.data.length;
  for (let j = 0; j < n; j++) melMax = Math.max(melMax, Math.abs(f.data[j] - melRef[i * n + j]));
}
report.clap_feature_extractor = { clips: refs.wavs.length, frames, max_abs_diff_db: melMax };
const pixRef = new Float32Array(fs.readFileSync(path.join(CACHE, 'pix_ref.bin')).buffer.slice(0));
let pixMax = 0;
for (let i = 0; i < refs.pngs.length; i++) {
  const p = await imagePixels(path.join(HELD_DIR, refs.pngs[i]));
  for (let j = 0; j < p.length; j++) pixMax = Math.max(pixMax, Math.abs(p[j] - pixRef[i * p.length + j]));
}
report.clip_image_processor = { images: refs.pngs.length, max_abs_diff: pixMax };
console.log('preprocessing:', report.clap_feature_extractor, report.clip_image_processor);

// 3. onnxruntime-web (WASM) vs onnxruntime-node
ortWeb.env.wasm.numThreads = 1;
function sample(graph) {
  const r = (n, s = 1) => Float32Array.from({ length: n }, (_, i) => Math.sin(i * 12.9898 + s) * 0.9);
  const ids = BigInt64Array.from([2, 10, 20, 30, 3, 0, 2, 40, 50, 60, 70, 3], BigInt);
  const mask = BigInt64Array.from([1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1], BigInt);
  switch (graph) {
    case 'text_model': return { input_ids: ['int64', ids, [2, 6]], attention_mask: ['int64', mask, [2, 6]] };
    case 'vision_model': return { pixel_values: ['float32', r(2 * 3 * 64 * 64), [2, 3, 64, 64]] };
    case 'audio_model': return { input_features: ['float32', r(2 * 1001 * 64).map((x) => x * 40 - 40), [2, 1, 1001, 64]] };
    case 'video_model': return { pixel_values: ['float32', r(2 * 8 * 3 * 64 * 64), [2, 8, 3, 64, 64]] };
    case 'fusion_model': return { inputs_embeds: ['float32', r(2 * 7 * 128), [2, 7, 128]], attention_mask: ['int64', BigInt64Array.from([1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0], BigInt), [2, 7]] };
  }
}
report.onnxruntime_web_wasm = {};
for (const g of GRAPHS) {
  for (const s of Object.values(VARIANTS)) {
    const file = path.join(MODEL_DIR, 'onnx', g + s + '.onnx');
    const spec = sample(g);
    const mk = (ort) => Object.fromEntries(Object.entries(spec).map(([k, [t, d, dims]]) => [k, new ort.Tensor(t, d.slice(), dims)]));
    const a = await (await ortNode.InferenceSession.create(file)).run(mk(ortNode));
    const ws = await ortWeb.InferenceSession.create(new Uint8Array(fs.readFileSync(file)), { executionProviders: ['wasm'] });
    const b = await ws.run(mk(ortWeb));
    let md = 0;
    for (const k of Object.keys(a)) for (let i = 0; i < a[k].data.length; i++) md = Math.max(md, Math.abs(a[k].data[i] - b[k].data[i]));
    report.onnxruntime_web_wasm[g + s] = { ok: true, outputs: Object.keys(b), max_abs_diff_vs_node: md };
  }
}
console.log('onnxruntime-web wasm:', Object.entries(report.onnxruntime_web_wasm).map(([k, v]) => `${k}:${v.max_abs_diff_vs_node.toExponential(1)}`).join(' '));

// 4. transformers.js loading
const T = await import('@huggingface/transformers');
T.env.allowRemoteModels = false;
T.env.allowLocalModels = true;
T.env.localModelPath = path.join(ROOT, 'models') + '/';
report.transformers_js = {};
async function tjs(name, fn) {
  try { report.transformers_js[name] = { ok: true, ...(await fn()) }; }
  catch (e) { report.transformers_js[name] = { ok: false, error: String(e.message ?? e).slice(0, 300) }; }
}
const nodeRun = async (g, feeds) => (await ortNode.InferenceSession.create(path.join(MODEL_DIR, 'onnx', g + '.onnx'))).run(feeds);
await tjs('AutoTokenizer', async () => {
  const t = await T.AutoTokenizer.from_pretrained('omni-tiny');
  const e = t('a big red circle in the top left');
  return { ids: Array.from(e.input_ids.data, Number), same_as_training: JSON.stringify(Array.from(e.input_ids.data, Number)) === JSON.stringify(tok.encode('a big red circle in the top left').ids) };
});
for (const dtype of ['fp32', 'q8', 'fp16', 'q4']) {
  await tjs(`CLIPTextModelWithProjection[${dtype}]`, async () => {
    const t = await T.AutoTokenizer.from_pretrained('omni-tiny');
    const m = await T.CLIPTextModelWithProjection.from_pretrained('omni-tiny', { dtype });
    const inp = t(['a small blue star in the center'], { padding: true });
    const { text_embeds } = await m(inp);
    const tk = tokenize(tok, ['a small blue star in the center']);
    const ref = await nodeRun('text_model' + VARIANTS[dtype], { input_ids: new ortNode.Tensor('int64', tk.ids, tk.dims), attention_mask: new ortNode.Tensor('int64', tk.mask, tk.dims) });
    return { dims: text_embeds.dims, cos_vs_ort: cos(text_embeds.data, ref.text_embeds.data) };
  });
  await tjs(`CLIPVisionModelWithProjection[${dtype}]`, async () => {
    const proc = await T.AutoProcessor.from_pretrained('omni-tiny');
    const m = await T.CLIPVisionModelWithProjection.from_pretrained('omni-tiny', { dtype });
    const img = await T.RawImage.read(path.join(HELD_DIR, refs.pngs[0]));
    const { image_embeds } = await m(await proc(img));
    const ref = await nodeRun('vision_model' + VARIANTS[dtype], { pixel_values: new ortNode.Tensor('float32', await imagePixels(path.join(HELD_DIR, refs.pngs[0])), [1, 3, 64, 64]) });
    return { dims: image_embeds.dims, cos_vs_ort: cos(image_embeds.data, ref.image_embeds.data) };
  });
  await tjs(`ClapAudioModelWithProjection[${dtype}]`, async () => {
    const fe = new T.ClapFeatureExtractor(JSON.parse(fs.readFileSync(path.join(MODEL_DIR, 'audio_preprocessor_config.json'), 'utf8')));
    const m = await T.ClapAudioModelWithProjection.from_pretrained('omni-tiny', { dtype });
    const { readWav } = await import('./lib.mjs');
    const feats = await fe(readWav(path.join(HELD_DIR, refs.wavs[0])));
    const { audio_embeds } = await m(feats);
    const ref = await nodeRun('audio_model' + VARIANTS[dtype], { input_features: new ortNode.Tensor('float32', feats.input_features.data, feats.input_features.dims) });
    return { dims: audio_embeds.dims, cos_vs_ort: cos(audio_embeds.data, ref.audio_embeds.data) };
  });
}
console.log('transformers.js:', JSON.stringify(report.transformers_js, null, 1));
fs.writeFileSync(path.join(HERE, 'check_web.json'), JSON.stringify(report, null, 1) + '\n');
const card = path.join(ROOT, 'docs', 'model-card.md');
if (fs.existsSync(card)) {
  const s = fs.readFileSync(card, 'utf8');
  const a = '<!-- equiv:start -->', b = '<!-- equiv:end -->';
  const wasm = Object.values(report.onnxruntime_web_wasm);
  const tj = Object.entries(report.transformers_js);
  const md = [
    `- Tokenizer: \`@huggingface/tokenizers\` ids == training ids on ${report.tokenizer.texts} texts; mismatches: ${report.tokenizer.mismatches}.`,
    `- transformers.js \`ClapFeatureExtractor\` vs training numpy log-mel on ${report.clap_feature_extractor.clips} held-out WAVs ([1,1,${report.clap_feature_extractor.frames},64]): max abs diff ${report.clap_feature_extractor.max_abs_diff_db.toExponential(2)} dB (bound 1e-3).`,
    `- transformers.js \`CLIPImageProcessor\` vs training pixels on ${report.clip_image_processor.images} held-out PNGs: max abs diff ${report.clip_image_processor.max_abs_diff.toExponential(2)} (the 64×64 resize/crop is a no-op).`,
    `- onnxruntime-web WASM (in node): ${wasm.length}/${wasm.length} graphs ran; max abs diff vs onnxruntime-node: fp32/fp16/q4 ≤ ${Math.max(...Object.entries(report.onnxruntime_web_wasm).filter(([k]) => !k.endsWith('_quantized')).map(([, v]) => v.max_abs_diff_vs_node)).toExponential(1)}, _quantized ≤ ${Math.max(...Object.entries(report.onnxruntime_web_wasm).filter(([k]) => k.endsWith('_quantized')).map(([, v]) => v.max_abs_diff_vs_node)).toExponential(1)} (node CPU fuses DQ→MatMul).`,
    `- transformers.js loading: ${tj.filter(([, v]) => v.ok).length}/${tj.length} OK (${tj.map(([k, v]) => k + (v.ok ? (v.cos_vs_ort !== undefined ? ' cos ' + v.cos_vs_ort.toFixed(6) : '') : ' FAILED')).join('; ')}).`,
  ].join('\n');
  if (s.includes(a) && s.includes(b)) fs.writeFileSync(card, s.slice(0, s.indexOf(a) + a.length) + '\n' + md + '\n' + s.slice(s.indexOf(b)));
}
const bad = tokBad > 0 || melMax > 1e-3 || pixMax > 1e-5;
if (bad) { console.error('CHECK FAILED'); process.exit(1); }
console.log('OK');
