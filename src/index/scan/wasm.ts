import { int8Score } from '../simd';
import { TopK } from '../topk';
import { KERNEL_BLOCK, type ScanArena } from '../wasm/arena';
import { TimeSlicer } from '../yield';
import type { VectorStore } from '../store';
import { allowed, type ScanRequest, type Scanner } from './types';

/** Writes the query forms the kernels read into the arena's scratch area. */
export function writeQuery(a: ScanArena, req: ScanRequest, stride: number): void {
  const buf = a.buffer;
  new Float32Array(buf, a.qf32, stride).set(req.q.f);
  const q16 = req.q.q16;
  new Int16Array(buf, a.q16, q16.length).set(q16);
  if (a.relaxed) {
    // Per 16-lane chunk: hi digits, lo digits, then a 0/1 mask of the lanes inside the row.
    const qd = new Uint8Array(buf, a.qd, (q16.length / 16) * 48);
    for (let c = 0; c < q16.length / 16; c++) {
      for (let l = 0; l < 16; l++) {
        const j = c * 16 + l;
        const inside = j < stride;
        const u = inside ? q16[j]! + 8192 : 0;
        qd[c * 48 + l] = u >>> 7;
        qd[c * 48 + 16 + l] = u & 127;
        qd[c * 48 + 32 + l] = inside ? 1 : 0;
      }
    }
  }
}

/**
 * Scores rows [from, to) in place in the arena, KERNEL_BLOCK rows per kernel call, into `top`.
 * Shared by the one-thread scan here and the index workers.
 */
export function scanRange(a: ScanArena, s: { format: string; stride: number; scales: Float32Array }, req: ScanRequest, from: number, to: number, top: TopK, outOff = a.out): void {
  const buf = a.buffer;
  const f32 = s.format === 'float32';
  const rb = a.rowBytes;
  const chunks = Math.ceil(s.stride / 16);
  const qscale = req.q.qscale;
  const sc = s.scales;
  const mask = req.mask;
  // Rows below the current k-th score are dropped before any other test (almost all of them).
  let thr = top.length === top.k ? top.scores[top.k - 1]! : -Infinity;
  const offer = (score: number, slot: number): void => {
    if (!allowed(mask, slot) || !top.accepts(score, slot)) return;
    top.push(score, slot);
    if (top.length === top.k) thr = top.scores[top.k - 1]!;
  };
  for (let b = from; b < to; b += KERNEL_BLOCK) {
    const cnt = Math.min(KERNEL_BLOCK, to - b);
    const rows = a.rows + b * rb;
    if (f32) {
      a.fns.f32(rows, cnt, s.stride / 4, a.qf32, outOff);
      const out = new Float32Array(buf, outOff, cnt);
      for (let i = 0; i < cnt; i++) {
        const score = out[i]!;
        if (score >= thr) offer(score, b + i);
      }
    } else {
      if (a.relaxed && a.fns.i8r) a.fns.i8r(rows, cnt, rb, chunks, a.qd, outOff);
      else a.fns.i8(rows, cnt, rb, chunks, a.q16, outOff);
      const out = new Int32Array(buf, outOff, cnt);
      for (let i = 0; i < cnt; i++) {
        const score = int8Score(out[i]!, qscale, sc[b + i]!);
        if (score >= thr) offer(score, b + i);
      }
    }
  }
}

/** Rows per slice between time checks: well under 1 ms of scanning unloaded, so even a heavily shared core stays far from a 50 ms task. */
const SLICE_ROWS = KERNEL_BLOCK;

/** The WASM SIMD scan over the store's arena (float32 / int8), on this thread. */
export const wasmScanner: Scanner = {
  kind: 'wasm',
  async scan(s: VectorStore, req: ScanRequest): Promise<TopK> {
    const a = s.arena!;
    const top = new TopK(req.k);
    const slicer = new TimeSlicer();
    // Once: the arena is this store's own and searches of one index run one at a time.
    writeQuery(a, req, s.stride);
    for (let b = 0; b < s.size; b += SLICE_ROWS) {
      scanRange(a, s, req, b, Math.min(s.size, b + SLICE_ROWS), top);
      await slicer.maybeYield();
    }
    return top;
  },
};
