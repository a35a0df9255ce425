// Embedding helpers shared by eval.mjs (the in-distribution held-out set) and eval_families.mjs
// (the held-out families), so both report numbers from the same code path: exported ONNX in onnxruntime-node.
// The scoring is scoring.mjs's (eval_families_sdk.mjs scores the SDK's vectors with it too), re-exported here.
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { MODEL_DIR, VARIANTS, config, loadTokenizer, tokenize, rows } from './lib.mjs';
import { probe as probeWith } from './scoring.mjs';

export const cfg = config();
export const H = cfg.hidden_size, D = cfg.projection_dim;
const tok = loadTokenizer();

const sessions = {};
async function sess(variant, graph) {
  const k = graph + VARIANTS[variant];
  return (sessions[k] ??= await ort.InferenceSession.create(path.join(MODEL_DIR, 'onnx', k + '.onnx'), { intraOpNumThreads: 2 }));
}
export async function run(variant, graph, feeds) {
  return (await sess(variant, graph)).run(feeds);
}
export const f32 = (data, dims) => new ort.Tensor('float32', data, dims);
export const i64 = (data, dims) => new ort.Tensor('int64', data, dims);
export function cat(arrs) {
  const out = new Float32Array(arrs.reduce((s, a) => s + a.length, 0));
  let o = 0;
  for (const a of arrs) { out.set(a, o); o += a.length; }
  return out;
}

export async function textEmb(v, texts) {
  const t = tokenize(tok, texts);
  const o = await run(v, 'text_model', { input_ids: i64(t.ids, t.dims), attention_mask: i64(t.mask, t.dims) });
  return { emb: rows(o.text_embeds.data, D), lhs: o.last_hidden_state.data, T: t.dims[1], mask: t.mask };
}
async function batched(v, graph, inName, outName, arrs, shape, bs = 16) {
  const out = [];
  for (let i = 0; i < arrs.length; i += bs) {
    const chunk = arrs.slice(i, i + bs);
    const o = await run(v, graph, { [inName]: f32(cat(chunk), [chunk.length, ...shape]) });
    out.push(...rows(o[outName].data, D));
  }
  return out;
}
export const imageEmb = (v, list) => batched(v, 'vision_model', 'pixel_values', 'image_embeds', list, [3, 64, 64]);
export const videoEmb = (v, list) => batched(v, 'video_model', 'pixel_values', 'video_embeds', list, [8, 3, 64, 64], 4);
export const audioEmb = (v, list) => batched(v, 'audio_model', 'input_features', 'audio_embeds', list.map((f) => f.data), [1, list[0]?.dims[2] ?? 1001, 64], 8);

export { ranks, recall, summary } from './scoring.mjs';

/** scoring.probe with this file's text embeddings of variant `v` (eval.mjs's signature). */
export const probe = (v, ...args) => probeWith(async (texts) => (await textEmb(v, texts)).emb, ...args);
