import type { TextWiring } from '../../presets/spec';
import type { TextProcessor } from '../preprocess/text';
import { int64Tensor, type GraphSession, type Feeds } from '../session';
import { inSlices, runEncoder, type Encoded } from './encoder';
import { lengthGroups } from './length-groups';

const BATCH = 256;
export class TextTower {
  constructor(
    private readonly session: () => Promise<GraphSession>,
    private readonly processor: TextProcessor,
    private readonly wiring: TextWiring,
    private readonly dims: number,
  ) {}

  async encode(texts: string[], withTokens = false): Promise<Encoded> {
    const rows = texts.map((t) => this.processor.encodeOne(t));
    // A fixed-length graph (SigLIP) pads every row the same anyway: no grouping to gain.
    const groups = this.wiring.padToLength ? [rows.map((_, i) => i)] : lengthGroups(rows.map((r) => r.length));
    const embeds: Float32Array[] = new Array(texts.length);
    const tokens: Float32Array[] | undefined = withTokens ? new Array(texts.length) : undefined;
    for (const group of groups) {
      const part = await inSlices(group, BATCH, async (slice) => {
        const batch = this.processor.pack(slice.map((i) => rows[i]!), this.wiring.padToLength);
        const dims = [batch.batch, batch.length];
        const feeds: Feeds = { [this.wiring.inputIds]: int64Tensor(batch.inputIds, dims) };
        if (this.wiring.attentionMask) feeds[this.wiring.attentionMask] = int64Tensor(batch.attentionMask, dims);
        return runEncoder(await this.session(), feeds, this.wiring, batch.batch, this.dims, withTokens, batch.lengths);
      });
      group.forEach((i, k) => {
        embeds[i] = part.embeds[k]!;
        if (tokens && part.tokens) tokens[i] = part.tokens[k]!;
      });
    }
    return tokens ? { embeds, tokens } : { embeds };
  }
}
