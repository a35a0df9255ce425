// Runs every variant of a replica in onnxruntime-node and compares it with the fp32 graph:
//   node tools/replicas/check.mjs [.replicas/full/Xenova/clip-vit-base-patch32 | …/siglip-base-patch16-224 | …/clap-htsat-unfused] [--json out.json] [--assert]
// --assert exits 1 unless every variant is finite, in its hub form (ops), and above its cosine floor.
// Prints per file: declared I/O types, the ops that make its format, and the cosine to fp32 of
// each output row (min over a batch of real captions / seeded images / seeded log-mel features).

import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { Tokenizer } from '@huggingface/tokenizers';

const args = process.argv.slice(2);
const folder = args.find((a) => !a.startsWith('--')) ?? '.replicas/full/Xenova/clip-vit-base-patch32';
const jsonOut = args.includes('--json') ? args[args.indexOf('--json') + 1] : undefined;

const CAPTIONS = [
  'a photo of a cat',
  'a red double-decker bus driving down a busy street in london on a rainy afternoon',
  'two dogs',
  'a bowl of fresh fruit with apples, oranges and bananas on a wooden kitchen table next to a window',
];

// SigLIP was trained on rows padded to 64 with its pad id and pools the last position, so it is
// fed padded to that length (as transformers.js does, padding: 'max_length'); CLIP to the longest row.
const config = JSON.parse(readFileSync(join(folder, 'config.json'), 'utf8'));
const SIGLIP = config.model_type === 'siglip';
const OUTPUTS = SIGLIP ? { text_model: 'pooler_output', vision_model: 'pooler_output' } : {};

function tokens() {
  const tokConfig = JSON.parse(readFileSync(join(folder, 'tokenizer_config.json'), 'utf8'));
  const tokJson = JSON.parse(readFileSync(join(folder, 'tokenizer.json'), 'utf8'));
  const tok = new Tokenizer(tokJson, tokConfig);
  const max = SIGLIP ? tokConfig.model_max_length : 77;
  const rows = CAPTIONS.map((c) => tok.encode(c).ids.slice(0, max));
  const len = SIGLIP ? max : Math.max(...rows.map((r) => r.length));
  // The repo's own pad id (CLIP pads with its end token 49407, RoBERTa with <pad> = 1, SigLIP with </s> = 1).
  const pad = BigInt(SIGLIP ? config.text_config.pad_token_id : tokJson.model.vocab[tokConfig.pad_token] ?? 49407);
  const ids = new BigInt64Array(rows.length * len).fill(pad);
  const mask = new BigInt64Array(rows.length * len);
  rows.forEach((r, i) => r.forEach((id, j) => { ids[i * len + j] = BigInt(id); mask[i * len + j] = 1n; }));
  // Graphs that take no attention_mask (CLIP, SigLIP) get only what they declare (see run below).
  return { feeds: { input_ids: new ort.Tensor('int64', ids, [rows.length, len]), attention_mask: new ort.Tensor('int64', mask, [rows.length, len]) }, lengths: rows.map((r) => r.length) };
}

// Log-mel-like features in dB (ClapFeatureExtractor's range: about -100 to +20): a seeded smooth
// spectral envelope per clip plus noise, [batch, 1, 1001, 64].
function melFeatures(batch = 2) {
  let s = 987654321;
  const rand = () => { s = (s * 1103515245 + 12345) % 2 ** 31; return s / 2 ** 31; };
  const data = new Float32Array(batch * 1001 * 64);
  for (let b = 0; b < batch; b++) {
    const tilt = -20 - 40 * rand();
    for (let t = 0; t < 1001; t++) for (let m = 0; m < 64; m++) {
      data[(b * 1001 + t) * 64 + m] = tilt * (m / 64) - 10 + 15 * Math.sin((t / 1001) * (3 + b) * Math.PI) + 8 * (rand() - 0.5);
    }
  }
  return { feeds: { input_features: new ort.Tensor('float32', data, [batch, 1, 1001, 64]) } };
}

function pixels(batch = 2) {
  let s = 1234567;
  const data = new Float32Array(batch * 3 * 224 * 224).map(() => { s = (s * 1103515245 + 12345) % 2 ** 31; return (s / 2 ** 31) * 4 - 2; });
  return { feeds: { pixel_values: new ort.Tensor('float32', data, [batch, 3, 224, 224]) } };
}

// Copied: onnxruntime-node's output buffers do not outlive the session's release.
const toF32 = (t) => Float32Array.from(t.data);

function rows(t) {
  const [b, d] = t.dims;
  const x = toF32(t);
  return Array.from({ length: b }, (_, i) => x.subarray(i * d, (i + 1) * d));
}

function cosine(a, b) {
  let dot = 0, na = 0, nb = 0;
  for (let i = 0; i < a.length; i++) { dot += a[i] * b[i]; na += a[i] * a[i]; nb += b[i] * b[i]; }
  return dot / Math.sqrt(na * nb);
}

const OPS = ['MatMulInteger', 'ConvInteger', 'DynamicQuantizeLinear', 'MatMulNBits', 'DequantizeLinear'];
function formatOps(path) {
  // Op census from NodeProto.op_type (field 4) in the raw protobuf: no onnx parser in node.
  const text = readFileSync(path).toString('latin1');
  return Object.fromEntries(OPS.map((op) => [op, text.split(`\x22${String.fromCharCode(op.length)}${op}`).length - 1]).filter(([, n]) => n > 0));
}

const report = {};
const files = readdirSync(join(folder, 'onnx')).filter((f) => f.endsWith('.onnx')).sort();
const TOWERS = { text_model: ['text_embeds', tokens], vision_model: ['image_embeds', pixels], audio_model: ['audio_embeds', melFeatures] };
for (const [tower, [defaultOutput, makeInput]] of Object.entries(TOWERS)) {
  const mine = files.filter((f) => f.startsWith(`${tower}`));
  if (!mine.includes(`${tower}.onnx`)) continue;
  const input = makeInput();
  const outName = OUTPUTS[tower] ?? defaultOutput;
  let reference;
  for (const f of [`${tower}.onnx`, ...mine.filter((f) => f !== `${tower}.onnx`)]) {
    const path = join(folder, 'onnx', f);
    const t0 = performance.now();
    const session = await ort.InferenceSession.create(path, { graphOptimizationLevel: 'all' });
    const created = performance.now() - t0;
    const t1 = performance.now();
    const out = await session.run(Object.fromEntries(session.inputNames.map((n) => [n, input.feeds[n]])));
    const ran = performance.now() - t1;
    const vecs = rows(out[outName]);
    if (!reference) reference = vecs;
        const cos = Math.min(...vecs.map((v, i) => cosine(v, reference[i])));
    const io = {
      inputs: Object.fromEntries(session.inputMetadata.map((m) => [m.name, m.type])),
      outputs: Object.fromEntries(session.outputMetadata.map((m) => [m.name, m.type])),
    };
    report[f] = { cosineToFp32: Number(cos.toFixed(6)), ...io, ops: formatOps(path), createMs: Math.round(created), runMs: Math.round(ran), finite: vecs.every((v) => v.every(Number.isFinite)) };
    console.log(f.padEnd(28), `cos ${cos.toFixed(6)}`, JSON.stringify(io), JSON.stringify(report[f].ops), `create ${Math.round(created)} ms, run ${Math.round(ran)} ms`);
    await session.release();
  }
}
if (jsonOut) writeFileSync(jsonOut, JSON.stringify(report, null, 2));

// Floors per format: what the full-size replicas reach with margin (docs/replicas.md).
const FLOORS = { '': 0.999999, _fp16: 0.9999, _quantized: 0.998, _int8: 0.998, _uint8: 0.998, _q4: 0.9, _q4f16: 0.9 };
const FORM = { _quantized: 'MatMulInteger', _int8: 'MatMulInteger', _uint8: 'MatMulInteger', _q4: 'MatMulNBits', _q4f16: 'MatMulNBits' };
if (args.includes('--assert')) {
  const bad = [];
  for (const [f, r] of Object.entries(report)) {
    const suffix = f.replace(/^(text|vision|audio)_model/, '').replace(/\.onnx$/, '');
    if (!r.finite) bad.push(`${f}: non-finite output`);
    if (r.cosineToFp32 < FLOORS[suffix]) bad.push(`${f}: cosine ${r.cosineToFp32} < ${FLOORS[suffix]}`);
    if (FORM[suffix] && !r.ops[FORM[suffix]]) bad.push(`${f}: no ${FORM[suffix]} node`);
  }
  if (Object.keys(report).length === 0) bad.push('no graphs found');
  console.log(bad.length ? `FAILED:\n${bad.join('\n')}` : `ok: ${Object.keys(report).length} graphs`);
  process.exit(bad.length ? 1 : 0);
}
