import { RecommendError } from './errors';
import { TimeSlicer } from '../index/yield';

/** Deterministic PRNG (mulberry32) so training is reproducible from a seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface KMeansResult {
  /** k × dims, row-major. */
  centroids: Float32Array;
  k: number;
  /** Cluster of each input row. */
  assignments: Int32Array;
  /** Rows per cluster. */
  sizes: Int32Array;
  /** Sum of squared distances to the assigned centroid. */
  inertia: number;
}

function sqDist(a: Float32Array, ao: number, b: Float32Array, bo: number, d: number): number {
  let s = 0;
  for (let j = 0; j < d; j++) {
    const x = a[ao + j]! - b[bo + j]!;
    s += x * x;
  }
  return s;
}

/**
 * Lloyd's k-means (squared L2) with k-means++ seeding, optional per-row weights. `data` is n × dims
 * row-major. k is clamped to n. Empty clusters are re-seeded with the row farthest from its centroid.
 */
export interface KMeansOptions {
  iterations?: number;
  seed?: number;
  weights?: ArrayLike<number>;
}

export function kmeans(data: Float32Array, n: number, dims: number, k: number, options: KMeansOptions = {}): KMeansResult {
  const it = kmeansSteps(data, n, dims, k, options);
  for (;;) {
    const r = it.next();
    if (r.done) return r.value;
  }
}

/** The same, yielding to the event loop every few ms (training on big samples on the main thread). */
export async function kmeansAsync(data: Float32Array, n: number, dims: number, k: number, options: KMeansOptions = {}): Promise<KMeansResult> {
  const slicer = new TimeSlicer();
  const it = kmeansSteps(data, n, dims, k, options);
  for (;;) {
    const r = it.next();
    if (r.done) return r.value;
    await slicer.maybeYield();
  }
}

function* kmeansSteps(data: Float32Array, n: number, dims: number, k: number, options: KMeansOptions): Generator<void, KMeansResult> {
  if (n < 1) throw new RecommendError('recommend_not_trained', 'k-means needs at least one vector');
  k = Math.max(1, Math.min(k, n));
  const iters = options.iterations ?? 25;
  const rand = seededRandom(options.seed ?? 1);
  const w = options.weights;
  const wt = (i: number): number => (w ? w[i]! : 1);
  const C = new Float32Array(k * dims);
  // k-means++
  const first = Math.floor(rand() * n);
  C.set(data.subarray(first * dims, first * dims + dims), 0);
  const dmin = new Float64Array(n).fill(Infinity);
  for (let c = 1; c < k; c++) {
    let total = 0;
    for (let i = 0; i < n; i++) {
      const dd = sqDist(data, i * dims, C, (c - 1) * dims, dims);
      if (dd < dmin[i]!) dmin[i] = dd;
      total += dmin[i]! * wt(i);
      if ((i & 255) === 255) yield;
    }
    let pick = n - 1;
    if (total > 0) {
      let r = rand() * total;
      for (let i = 0; i < n; i++) {
        r -= dmin[i]! * wt(i);
        if (r <= 0) {
          pick = i;
          break;
        }
      }
    } else pick = Math.floor(rand() * n);
    C.set(data.subarray(pick * dims, pick * dims + dims), c * dims);
  }
  const assign = new Int32Array(n);
  const sizes = new Int32Array(k);
  const dist = new Float64Array(n);
  let inertia = 0;
  for (let it = 0; it <= iters; it++) {
    let changed = false;
    inertia = 0;
    for (let i = 0; i < n; i++) {
      let best = 0;
      let bd = Infinity;
      for (let c = 0; c < k; c++) {
        const dd = sqDist(data, i * dims, C, c * dims, dims);
        if (dd < bd) {
          bd = dd;
          best = c;
        }
      }
      if (assign[i] !== best || it === 0) changed = true;
      assign[i] = best;
      dist[i] = bd;
      inertia += bd * wt(i);
      if ((i & 127) === 127) yield;
    }
    if (!changed || it === iters) break;
    const sum = new Float64Array(k * dims);
    const mass = new Float64Array(k);
    for (let i = 0; i < n; i++) {
      const c = assign[i]!;
      const ww = wt(i);
      mass[c] = mass[c]! + ww;
      for (let j = 0; j < dims; j++) sum[c * dims + j] = sum[c * dims + j]! + data[i * dims + j]! * ww;
    }
    for (let c = 0; c < k; c++) {
      if (mass[c]! > 0) {
        for (let j = 0; j < dims; j++) C[c * dims + j] = sum[c * dims + j]! / mass[c]!;
      } else {
        // Empty cluster: take the row currently worst served.
        let far = 0;
        for (let i = 1; i < n; i++) if (dist[i]! > dist[far]!) far = i;
        C.set(data.subarray(far * dims, far * dims + dims), c * dims);
        dist[far] = 0;
      }
    }
  }
  sizes.fill(0);
  for (let i = 0; i < n; i++) sizes[assign[i]!]!++;
  return { centroids: C, k, assignments: assign, sizes, inertia };
}
