// Length-aware text batching (src/engine/encoders/length-groups.ts): a batch of mixed lengths runs as
// several ORT runs, each padded to its own group's longest row. What the caller sees must not change:
// every vector in input order, equal to the text embedded alone.
import { test, expect } from './fixtures';

test('a batch of texts of very different lengths gives, in input order, the vectors of each text alone', async ({ served }) => {
  const r = await served.evaluate(async () => {
    const omni = await import('/dist/browser/index.js');
    const e = await omni.createEmbedder({ device: 'wasm', workers: 1 });
    const words = 'a red circle moving left over a large blue square next to a small green triangle'.split(' ');
    // 1 to 40 words, shuffled so that no order of lengths matches the input order
    const texts = [9, 1, 40, 3, 17, 2, 33, 5, 12, 26, 1, 7].map((n, i) => Array.from({ length: n }, (_, k) => words[(k + i) % words.length]).join(' '));
    const batch = await e.embedBatch(texts);
    const alone: { vector: Float32Array }[] = [];
    for (const t of texts) alone.push(await e.embed(t));
    await e.dispose();
    return batch.map((b, i) => {
      let dot = 0;
      for (let k = 0; k < b.vector.length; k++) dot += b.vector[k]! * alone[i]!.vector[k]!;
      return dot;
    });
  });
  expect(r).toHaveLength(12);
  for (const dot of r) expect(dot).toBeGreaterThan(1 - 1e-5);
});
