import { describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-node';
import { buildMlp, seededFloats } from '../helpers/onnx-builder';

// The browser tests trust this writer; prove here that a real ONNX runtime parses and runs what it writes.
describe('onnx-builder', () => {
  it('writes an MLP that onnxruntime runs with the shapes and math it declares', async () => {
    const session = await ort.InferenceSession.create(buildMlp(4, 8, 3, 1));
    expect(session.inputNames).toEqual(['x']);
    expect(session.outputNames).toEqual(['y']);
    const x = seededFloats(2 * 4, 5);
    const { y } = await session.run({ x: new ort.Tensor('float32', x, [2, 4]) });
    expect(y!.dims).toEqual([2, 3]);

    // Recompute relu(x·w1 + b1)·w2 + b2 by hand from the same seeded weights.
    const w1 = seededFloats(32, 1, 1 / 2), b1 = seededFloats(8, 2, 0.1);
    const w2 = seededFloats(24, 3, 1 / Math.sqrt(8)), b2 = seededFloats(3, 4, 0.1);
    for (let r = 0; r < 2; r++) {
      const h = Array.from({ length: 8 }, (_, j) => Math.max(0, b1[j]! + [0, 1, 2, 3].reduce((s, k) => s + x[r * 4 + k]! * w1[k * 8 + j]!, 0)));
      for (let o = 0; o < 3; o++) {
        const expected = b2[o]! + h.reduce((s, v, j) => s + v * w2[j * 3 + o]!, 0);
        expect((y!.data as Float32Array)[r * 3 + o]).toBeCloseTo(expected, 5);
      }
    }
  });

  it('produces different streams for different seeds and the same stream for the same seed', () => {
    expect(Array.from(seededFloats(5, 1))).toEqual(Array.from(seededFloats(5, 1)));
    expect(Array.from(seededFloats(5, 1))).not.toEqual(Array.from(seededFloats(5, 2)));
  });
});
