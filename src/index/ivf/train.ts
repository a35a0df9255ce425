import { seededRandom } from '../../recommend/kmeans';
import { TimeSlicer } from '../yield';
import type { VectorStore } from '../store';
import type { IvfProgress, ResolvedTrain } from './options';
import type { IvfWorkers } from './workers';

/** Rows per assignment message: ~4 MB at 256 dims, a short structured clone on this thread. */
const ASSIGN_ROWS = 16384;

/** Copies of the int8 codes and scales of `slots` (the message a worker receives). */
function gather(s: VectorStore, slots: Int32Array | null, from: number, to: number): { rows: Int8Array; scales: Float32Array } {
  const st = s.stride;
  if (!slots) return { rows: s.i8.slice(from * st, to * st), scales: s.scales.slice(from, to) };
  const rows = new Int8Array((to - from) * st);
  const scales = new Float32Array(to - from);
  for (let i = from; i < to; i++) {
    const slot = slots[i]!;
    rows.set(s.i8.subarray(slot * st, slot * st + st), (i - from) * st);
    scales[i - from] = s.scales[slot]!;
  }
  return { rows, scales };
}

/** Unit-length copy of v into out at o (a zero vector is left zero). */
function normalizeInto(v: ArrayLike<number>, vo: number, out: Float32Array, o: number, n: number): void {
  let nn = 0;
  for (let j = 0; j < n; j++) nn += v[vo + j]! * v[vo + j]!;
  const inv = nn > 0 ? 1 / Math.sqrt(nn) : 0;
  for (let j = 0; j < n; j++) out[o + j] = v[vo + j]! * inv;
}

/** Runs `jobs` over the workers, at most two in flight per worker, in order of completion. */
async function pipeline<T>(jobs: number, workers: number, run: (job: number, worker: number) => Promise<T>, each: (job: number, r: T) => void): Promise<void> {
  let next = 0;
  const lane = async (w: number): Promise<void> => {
    while (next < jobs) {
      const j = next++;
      each(j, await run(j, w));
    }
  };
  await Promise.all(Array.from({ length: workers * 2 }, (_, i) => lane(i % workers)));
}

/**
 * Spherical k-means (lists partition the vectors by direction): k-means++ seeding on 4 · lists sample
 * rows, then Lloyd iterations on the whole sample, then every vector assigned to its nearest
 * centroid. All the arithmetic runs in the workers; this thread samples, posts and merges.
 */
export async function trainLists(
  s: VectorStore,
  o: ResolvedTrain,
  workers: IvfWorkers,
  onProgress?: (p: IvfProgress) => void,
): Promise<{ centroids: Float32Array; listOf: Int32Array }> {
  const st = s.stride;
  const k = o.lists;
  const rnd = seededRandom(o.seed);
  const slicer = new TimeSlicer();
  // A seeded sample of slots: partial Fisher–Yates, then sorted so the gather reads memory in order.
  const order = new Int32Array(s.size);
  for (let i = 0; i < s.size; i++) order[i] = i;
  for (let i = 0; i < o.sample; i++) {
    const j = i + Math.floor(rnd() * (s.size - i));
    const t = order[i]!;
    order[i] = order[j]!;
    order[j] = t;
    if ((i & 65535) === 65535) await slicer.maybeYield();
  }
  const seedN = Math.min(o.sample, 4 * k);
  const seedRows = gather(s, order, 0, seedN).rows;
  const sampleSlots = order.slice(0, o.sample).sort();
  const sample = gather(s, sampleSlots, 0, o.sample);
  await slicer.maybeYield();

  onProgress?.({ phase: 'seed', done: 0, total: k });
  let centroids = await workers.seed(seedRows, seedN, k, st, (rnd() * 2 ** 32) >>> 0, (c) => onProgress?.({ phase: 'seed', done: c, total: k }));
  onProgress?.({ phase: 'seed', done: k, total: k });

  const parts = Math.max(1, workers.size);
  const per = Math.ceil(o.sample / parts);
  for (let it = 0; it < o.iterations; it++) {
    await workers.setCentroids(centroids, k, st);
    const sums = new Float64Array(k * st);
    const counts = new Float64Array(k);
    await Promise.all(
      Array.from({ length: parts }, async (_, w) => {
        const from = w * per;
        const to = Math.min(o.sample, from + per);
        if (to <= from) return;
        const r = await workers.assign(w, sample.rows.slice(from * st, to * st), sample.scales.slice(from, to), to - from, true);
        for (let i = 0; i < sums.length; i++) sums[i]! += r.sums![i]!;
        for (let l = 0; l < k; l++) counts[l]! += r.counts![l]!;
      }),
    );
    const next = new Float32Array(k * st);
    for (let l = 0; l < k; l++) {
      // An empty list restarts at a random sample vector instead of staying dead.
      if (counts[l] === 0) normalizeInto(sample.rows, Math.floor(rnd() * o.sample) * st, next, l * st, st);
      else normalizeInto(sums, l * st, next, l * st, st);
    }
    centroids = next;
    onProgress?.({ phase: 'train', done: it + 1, total: o.iterations });
    await slicer.maybeYield();
  }

  await workers.setCentroids(centroids, k, st);
  const listOf = new Int32Array(s.size);
  const jobs = Math.ceil(s.size / ASSIGN_ROWS);
  let assigned = 0;
  await pipeline(
    jobs,
    parts,
    (j, w) => {
      const from = j * ASSIGN_ROWS;
      const to = Math.min(s.size, from + ASSIGN_ROWS);
      const g = gather(s, null, from, to);
      return workers.assign(w, g.rows, g.scales, to - from, false);
    },
    (j, r) => {
      listOf.set(r.lists, j * ASSIGN_ROWS);
      assigned += r.lists.length;
      onProgress?.({ phase: 'assign', done: assigned, total: s.size });
    },
  );
  return { centroids, listOf };
}

/** Nearest lists of store slots [from, to) (new or rewritten items), computed in the workers. */
export async function assignSlots(s: VectorStore, slots: Int32Array, workers: IvfWorkers): Promise<Int32Array> {
  const out = new Int32Array(slots.length);
  const jobs = Math.ceil(slots.length / ASSIGN_ROWS);
  await pipeline(
    jobs,
    Math.max(1, workers.size),
    (j, w) => {
      const from = j * ASSIGN_ROWS;
      const to = Math.min(slots.length, from + ASSIGN_ROWS);
      const g = gather(s, slots, from, to);
      return workers.assign(w, g.rows, g.scales, to - from, false);
    },
    (j, r) => out.set(r.lists, j * ASSIGN_ROWS),
  );
  return out;
}
