// Feeds follow the graph: the conversions GraphSession applies (src/engine/feeds.ts), checked bit
// for bit, and then on real graphs in the hub's forms (fp16 with float32 or float16 I/O,
// MatMulInteger, MatMulNBits) from the replica generator, run in onnxruntime-node.

import { join } from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';
import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { adaptFeed, FeedTypeError, fromHalfBits, halfToFloats, floatsToHalf, outputFloats, toHalfBits } from '../../src/engine/feeds';
import { ensureReplica, opCount } from '../helpers/replicas';

describe('float16 conversion', () => {
  it('rounds to nearest even and saturates like IEEE binary16', () => {
    const cases: [number, number][] = [
      [0, 0x0000], [-0, 0x8000], [1, 0x3c00], [-2, 0xc000], [0.1, 0x2e66], [65504, 0x7bff], [65520, 0x7c00], [1e6, 0x7c00],
      [2 ** -24, 0x0001], [2 ** -25, 0x0000], [1.5 * 2 ** -24, 0x0002], [6.103515625e-5, 0x0400],
      [1 + 2 ** -11, 0x3c00], [1 + 3 * 2 ** -11, 0x3c02], [Infinity, 0x7c00], [-Infinity, 0xfc00],
    ];
    for (const [value, bits] of cases) expect(toHalfBits(value), String(value)).toBe(bits);
    expect(Number.isNaN(fromHalfBits(toHalfBits(NaN)))).toBe(true);
  });

  it('round-trips every finite half value exactly', () => {
    for (let h = 0; h < 0x10000; h++) {
      if ((h & 0x7c00) === 0x7c00 && (h & 0x3ff)) continue; // NaN payloads
      expect(toHalfBits(fromHalfBits(h))).toBe(h);
    }
  });

  it('converts feeds to the declared type and refuses what it cannot convert', () => {
    const f = adaptFeed('pixel_values', 'float32', new Float32Array([0.5, -1, 3]), 'float16');
    expect(f.type).toBe('float16');
    expect(Array.from(f.data as Uint16Array)).toEqual([0x3800, 0xbc00, 0x4200]);
    const ids = adaptFeed('input_ids', 'int64', BigInt64Array.from([49406n, 7n, 49407n]), 'int32');
    expect(ids.type).toBe('int32');
    expect(Array.from(ids.data as Int32Array)).toEqual([49406, 7, 49407]);
    expect(adaptFeed('x', 'float32', new Float32Array(1), 'float32').type).toBe('float32');
    expect(() => adaptFeed('input_ids', 'int64', new BigInt64Array(1), 'float16')).toThrow(FeedTypeError);
    expect(Array.from(outputFloats('y', 'float16', floatsToHalf(new Float32Array([1.5, -0.25]))))).toEqual([1.5, -0.25]);
    expect(() => outputFloats('y', 'int64', new BigInt64Array(1))).toThrow(FeedTypeError);
    expect(halfToFloats(new Uint16Array([0x7bff]))[0]).toBe(65504);
  });
});

/** Runs a graph the way GraphSession does: feeds adapted to the declared types, float16 outputs read back. */
async function runDeclared(file: string, feeds: Record<string, { type: 'float32' | 'int64'; data: Float32Array | BigInt64Array; dims: number[] }>, output: string) {
  const session = await ort.InferenceSession.create(file);
  const declared = new Map(session.inputMetadata.map((m) => [m.name, m.isTensor ? m.type : undefined]));
  const typed: Record<string, ort.Tensor> = {};
  for (const [name, f] of Object.entries(feeds)) {
    const a = adaptFeed(name, f.type, f.data, declared.get(name));
    typed[name] = new ort.Tensor(a.type, a.data as never, f.dims);
  }
  const out = (await session.run(typed))[output]!;
  const types = { inputs: Object.fromEntries(declared), outputs: Object.fromEntries(session.outputMetadata.map((m) => [m.name, m.isTensor ? m.type : '?'])) };
  const data = Float32Array.from(outputFloats(output, out.type, out.data));
  await session.release();
  return { data, types, dims: out.dims };
}

function cosineRows(a: Float32Array, b: Float32Array, rows: number): number {
  const d = a.length / rows;
  let worst = 1;
  for (let r = 0; r < rows; r++) {
    let dot = 0, na = 0, nb = 0;
    for (let i = r * d; i < (r + 1) * d; i++) { dot += a[i]! * b[i]!; na += a[i]! * a[i]!; nb += b[i]! * b[i]!; }
    worst = Math.min(worst, dot / Math.sqrt(na * nb));
  }
  return worst;
}

describe('hub-form graphs (mini CLIP replicas) run with declared-type feeds', () => {
  let hub: string, io16: string;
  beforeAll(() => {
    hub = ensureReplica({ scale: 'mini' });
    io16 = ensureReplica({ scale: 'mini', variants: ['', '_fp16', '_q4f16'], fp16Io: 'float16' });
  }, 120_000);

  const pixels = () => {
    let s = 7;
    const data = new Float32Array(2 * 3 * 224 * 224).map(() => ((s = (s * 16807) % 2147483647) / 2147483647) * 4 - 2);
    return { pixel_values: { type: 'float32' as const, data, dims: [2, 3, 224, 224] } };
  };
  const ids = (dir: string) => {
    const tok = new Tokenizer(JSON.parse(readFileSync(join(dir, 'tokenizer.json'), 'utf8')), {});
    const rows = ['a photo of a cat', 'a red bus on a rainy street in the city'].map((t) => tok.encode(t).ids as number[]);
    const len = Math.max(...rows.map((r) => r.length));
    const data = new BigInt64Array(2 * len).fill(49407n);
    rows.forEach((r, i) => r.forEach((id, j) => { data[i * len + j] = BigInt(id); }));
    return { input_ids: { type: 'int64' as const, data, dims: [2, len] } };
  };

  it('the tokenizer is CLIP byte-level BPE with the real vocabulary size and special ids', () => {
    const json = JSON.parse(readFileSync(join(hub, 'tokenizer.json'), 'utf8'));
    expect(json.model.type).toBe('BPE');
    expect(Object.keys(json.model.vocab)).toHaveLength(49408);
    const ids = new Tokenizer(json, {}).encode('a photo of a cat').ids as number[];
    expect(ids[0]).toBe(49406);
    expect(ids.at(-1)).toBe(49407);
    expect(ids.length).toBeGreaterThan(4);
  });

  it('fp16 files: float32 I/O in the hub form, float16 I/O in the io16 form; both match fp32', async () => {
    const ref = await runDeclared(join(hub, 'onnx/vision_model.onnx'), pixels(), 'image_embeds');
    const hub16 = await runDeclared(join(hub, 'onnx/vision_model_fp16.onnx'), pixels(), 'image_embeds');
    expect(hub16.types.inputs.pixel_values).toBe('float32');
    expect(hub16.types.outputs.image_embeds).toBe('float32');
    const own16 = await runDeclared(join(io16, 'onnx/vision_model_fp16.onnx'), pixels(), 'image_embeds');
    expect(own16.types.inputs.pixel_values).toBe('float16');
    expect(own16.types.outputs.image_embeds).toBe('float16');
    expect(cosineRows(hub16.data, ref.data, 2)).toBeGreaterThan(0.999);
    expect(cosineRows(own16.data, ref.data, 2)).toBeGreaterThan(0.999);
    // Without the conversion the float16 graph refuses a float32 feed: the adaptation is what makes it run.
    const raw = await ort.InferenceSession.create(join(io16, 'onnx/vision_model_fp16.onnx'));
    await expect(raw.run({ pixel_values: new ort.Tensor('float32', pixels().pixel_values.data, [2, 3, 224, 224]) })).rejects.toThrow(/float16|type/i);
  });

  it('q8 files are MatMulInteger (+ConvInteger for vision), q4 files MatMulNBits, and all track fp32', async () => {
    for (const [tower, output, feeds, q4Floor] of [
      ['vision_model', 'image_embeds', pixels(), 0.98],
      ['text_model', 'text_embeds', ids(hub), 0.85],
    ] as const) {
      const ref = await runDeclared(join(hub, `onnx/${tower}.onnx`), feeds, output);
      for (const suffix of ['_quantized', '_int8', '_uint8']) {
        const file = join(hub, `onnx/${tower}${suffix}.onnx`);
        expect(opCount(file, 'MatMulInteger'), file).toBeGreaterThan(10);
        expect(opCount(file, 'DynamicQuantizeLinear'), file).toBeGreaterThan(10);
        expect(opCount(file, 'MatMul'), file).toBeGreaterThan(0); // attention's activation × activation MatMuls stay float
        if (tower === 'vision_model') expect(opCount(file, 'ConvInteger'), file).toBe(1);
        expect(cosineRows((await runDeclared(file, feeds, output)).data, ref.data, 2), file).toBeGreaterThan(0.99);
      }
      for (const [dir, suffix] of [[hub, '_q4'], [hub, '_q4f16'], [io16, '_q4f16']] as const) {
        const file = join(dir, `onnx/${tower}${suffix}.onnx`);
        expect(opCount(file, 'MatMulNBits'), file).toBeGreaterThan(10);
        expect(opCount(file, 'MatMulInteger'), file).toBe(0);
        expect(cosineRows((await runDeclared(file, feeds, output)).data, ref.data, 2), file).toBeGreaterThan(q4Floor);
      }
    }
  }, 120_000);
});
