import type { FusionWiring } from '../../presets/spec';
import { floatTensor, int64Tensor, tensorData, type GraphSession } from '../session';
import { l2Normalize, splitRows } from '../pooling';
import { inSlices, type Encoded } from './encoder';

const BATCH = 16;

/** Token blocks of one item, in the order the fusion graph was trained on: audio, vision, text. */
export interface FusionParts { audio?: Float32Array; vision?: Float32Array; text?: Float32Array }

export class FusionEncoder {
  constructor(
    private readonly session: () => Promise<GraphSession>,
    private readonly wiring: FusionWiring,
    private readonly hidden: number,
    private readonly dims: number,
  ) {}

  encode(items: FusionParts[]): Promise<Encoded> {
    return inSlices(items, BATCH, async (slice) => {
      const sequences = slice.map((p) => [p.audio, p.vision, p.text].filter((t): t is Float32Array => !!t && t.length > 0));
      const lengths = sequences.map((seq) => seq.reduce((n, t) => n + t.length / this.hidden, 0));
      const longest = Math.max(1, ...lengths);
      const embeds = new Float32Array(slice.length * longest * this.hidden);
      const mask = new BigInt64Array(slice.length * longest);
      sequences.forEach((seq, r) => {
        let offset = r * longest * this.hidden;
        for (const block of seq) { embeds.set(block, offset); offset += block.length; }
        mask.fill(1n, r * longest, r * longest + lengths[r]!);
      });
      const session = await this.session();
      const result = await session.run({
        [this.wiring.inputsEmbeds]: floatTensor(embeds, [slice.length, longest, this.hidden]),
        [this.wiring.attentionMask]: int64Tensor(mask, [slice.length, longest]),
      }, [this.wiring.output]);
      return { embeds: splitRows(tensorData(result[this.wiring.output], this.wiring.output), slice.length, this.dims) };
    });
  }
}

/** Documented late fusion for models without a fusion graph: normalised mean of normalised parts. */
export function lateFusion(parts: Float32Array[], weights?: number[]): Float32Array {
  const out = new Float32Array(parts[0]!.length);
  parts.forEach((p, i) => {
    const n = l2Normalize(p.slice());
    const w = weights?.[i] ?? 1;
    for (let j = 0; j < out.length; j++) out[j]! += w * n[j]!;
  });
  return l2Normalize(out);
}
