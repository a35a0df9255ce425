// Embedding and scoring helpers shared by eval.mjs (the in-distribution held-out set) and eval_families.mjs
// (the held-out families), so both report numbers from the same code path: exported ONNX in onnxruntime-node.
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { MODEL_DIR, VARIANTS, config, loadTokenizer, tokenize, l2, rows } from './lib.mjs';

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

/** For each query i: how many gallery items score strictly above its own match G[i] (0 = retrieved first). */
export function ranks(Q, G, dim = D) {
  const q = Q.map((x) => l2(x.slice(0, dim))), g = G.map((x) => l2(x.slice(0, dim)));
  return q.map((qi, i) => {
    const s = g.map((gj) => gj.reduce((acc, val, k) => acc + val * qi[k], 0));
    return s.filter((x) => x > s[i]).length;
  });
}
export const recall = (r, k) => r.filter((x) => x < k).length / r.length;
export function summary(r) {
  return { n: r.length, r1: recall(r, 1), r5: recall(r, 5), r10: recall(r, 10) };
}

/** Attribute probe: the caption with the right value must beat captions that differ in that attribute only. */
export async function probe(v, embs, its, field, values, capFn) {
  let ok = 0;
  for (let i = 0; i < its.length; i++) {
    const caps = values.map((val) => capFn({ ...its[i].attributes, [field]: val }));
    const te = (await textEmb(v, caps)).emb.map((x) => l2(x));
    const e = l2(embs[i]);
    const s = te.map((t) => t.reduce((a, x, k) => a + x * e[k], 0));
    if (values[s.indexOf(Math.max(...s))] === its[i].attributes[field]) ok++;
  }
  return { n: its.length, acc: ok / its.length, chance: 1 / values.length };
}
