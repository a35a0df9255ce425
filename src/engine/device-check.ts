// A graph that loads on WebGPU is not yet a graph that computes right there. Some quantized
// kernels return vectors orthogonal to the right ones with normal norms and no error
// (transformers.js #1728: EmbeddingGemma q4/q8 on WebGPU, cosine ~0 to WASM). Nothing downstream
// could notice, so at session creation one synthetic input runs through the WebGPU session and a
// WASM session of the same bytes, and the two must agree before WebGPU serves anything.

import type { Feeds, GraphSession } from './session';
import { floatTensor, int64Tensor } from './session';

/** Same bytes, same input: WebGPU and WASM differ by accumulation order, never by this much. */
export const AGREEMENT_FLOOR = 0.99;

/** Dims a graph leaves symbolic: one row, and a short sequence (any text or token graph takes it). */
function concreteShape(shape: readonly (number | string)[]): number[] {
  return shape.map((d, i) => (typeof d === 'number' && d > 0 ? d : i === 0 ? 1 : 8));
}

/** Deterministic feeds every graph accepts: small token ids, a full mask, zero type ids, bounded floats. */
export function checkFeeds(session: GraphSession): Feeds | undefined {
  const feeds: Feeds = {};
  for (const [name, { type, shape }] of session.inputSpecs) {
    const dims = concreteShape(shape);
    const n = dims.reduce((a, b) => a * b, 1);
    if (type === 'int64' || type === 'int32') {
      const lower = name.toLowerCase();
      // Ids below 50 exist in every vocabulary; a mask of ones and type ids of zero are always valid.
      const value = (i: number) => (lower.includes('mask') ? 1 : lower.includes('type') ? 0 : 1 + ((i * 7 + 3) % 49));
      feeds[name] = int64Tensor(BigInt64Array.from({ length: n }, (_, i) => BigInt(value(i))), dims);
    } else if (type === 'float32' || type === 'float16') {
      feeds[name] = floatTensor(Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.37) * 0.9), dims);
    } else {
      return undefined; // An input this check cannot make (strings, bools): it is skipped, not guessed.
    }
  }
  return feeds;
}

function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0, na = 0, nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  // Two all-zero outputs agree; one zero and one not, or any NaN, do not.
  if (na === 0 && nb === 0) return 1;
  const c = dot / Math.sqrt(na * nb);
  return Number.isFinite(c) ? c : -1;
}

export interface Agreement {
  /** Lowest cosine over the graph's float outputs (-1 for a NaN or a shape mismatch). */
  cosine: number;
  /** The output where it was lowest. */
  output: string;
}

/** Runs the same feeds through both sessions and compares every float output. */
export async function agreement(gpu: GraphSession, wasm: GraphSession, feeds: Feeds): Promise<Agreement> {
  const [a, b] = [await gpu.run(feeds), await wasm.run(feeds)];
  let worst: Agreement = { cosine: 1, output: '' };
  for (const [name, ta] of Object.entries(a)) {
    const tb = b[name];
    if (!(ta.data instanceof Float32Array)) continue;
    const c = tb && tb.data instanceof Float32Array && tb.data.length === ta.data.length ? cosine(ta.data, tb.data) : -1;
    if (c < worst.cosine || !worst.output) worst = { cosine: c, output: name };
  }
  return worst;
}
