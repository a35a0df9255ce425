import type { StorageFormat } from './types';

/** The columnar planes of a store: the typed arrays each row lives in, with their row geometry. */
export interface Planes {
  readonly dims: number;
  readonly format: StorageFormat;
  /** Padded row length (elements) of `f32` / `i8` / `r8`. */
  readonly stride: number;
  /** u32 words per row of `bits`. */
  readonly words: number;
  readonly f32: Float32Array;
  readonly i8: Int8Array;
  readonly scales: Float32Array;
  readonly bits: Uint32Array;
  readonly r8: Int8Array;
  readonly rscales: Float32Array;
}

/** Raw planes of a run of rows (persistence, export). */
export interface Rows {
  f32?: Float32Array;
  i8?: Int8Array;
  scales?: Float32Array;
  bits?: Uint32Array;
  r8?: Int8Array;
  rscales?: Float32Array;
}

/** Which planes each storage format has, with bytes per row. */
export function planesOf(format: StorageFormat, stride: number, words: number): [keyof Rows, number][] {
  if (format === 'float32') return [['f32', stride * 4]];
  if (format === 'int8') return [['i8', stride], ['scales', 4], ['r8', stride], ['rscales', 4]];
  return [['i8', stride], ['scales', 4], ['bits', words * 4]];
}

/** Raw rows of slots [from, to) (copies). */
export function sliceRows(p: Planes, from: number, to: number): Rows {
  const s = p.stride;
  if (p.format === 'float32') return { f32: p.f32.slice(from * s, to * s) };
  const out: Rows = {
    i8: p.i8.slice(from * s, to * s),
    scales: p.scales.slice(from, to),
  };
  if (p.format === 'binary') out.bits = p.bits.slice(from * p.words, to * p.words);
  if (p.format === 'int8') {
    out.r8 = p.r8.slice(from * s, to * s);
    out.rscales = p.rscales.slice(from, to);
  }
  return out;
}

/** Writes `n` raw rows into slots [at, at + n) (the planes must already hold them). */
export function setRows(p: Planes, at: number, n: number, rows: Rows): void {
  const s = p.stride;
  if (p.format === 'float32') p.f32.set(rows.f32!.subarray(0, n * s), at * s);
  else {
    p.i8.set(rows.i8!.subarray(0, n * s), at * s);
    p.scales.set(rows.scales!.subarray(0, n), at);
    if (p.format === 'binary') p.bits.set(rows.bits!.subarray(0, n * p.words), at * p.words);
    if (p.format === 'int8') {
      p.r8.set(rows.r8!.subarray(0, n * s), at * s);
      p.rscales.set(rows.rscales!.subarray(0, n), at);
    }
  }
}

/** Copies row `r` over row `w` in every plane (compaction). */
export function moveRow(p: Planes, w: number, r: number): void {
  const s = p.stride;
  if (p.format === 'float32') p.f32.copyWithin(w * s, r * s, r * s + s);
  else {
    p.i8.copyWithin(w * s, r * s, r * s + s);
    p.scales[w] = p.scales[r]!;
    if (p.format === 'binary') p.bits.copyWithin(w * p.words, r * p.words, (r + 1) * p.words);
    if (p.format === 'int8') {
      p.r8.copyWithin(w * s, r * s, r * s + s);
      p.rscales[w] = p.rscales[r]!;
    }
  }
}
