import type { TextWiring } from '../../presets/spec';
import type { TextProcessor } from '../preprocess/text';
import { int64Tensor, tensorData, type GraphSession, type Feeds } from '../session';
import { splitRows } from '../pooling';
import { inSlices, splitTokens, type Encoded } from './encoder';

const BATCH = 32;

export class TextEncoder {
  constructor(
    private readonly session: () => Promise<GraphSession>,
    private readonly processor: TextProcessor,
    private readonly wiring: TextWiring,
    private readonly dims: number,
  ) {}

  encode(texts: string[]): Promise<Encoded> {
    return inSlices(texts, BATCH, async (slice) => {
      const batch = this.processor.encodeBatch(slice, this.wiring.padToLength);
      const dims = [batch.batch, batch.length];
      const feeds: Feeds = { [this.wiring.inputIds]: int64Tensor(batch.inputIds, dims) };
      if (this.wiring.attentionMask) feeds[this.wiring.attentionMask] = int64Tensor(batch.attentionMask, dims);
      const outputs = [this.wiring.output, ...(this.wiring.tokens ? [this.wiring.tokens] : [])];
      const session = await this.session();
      const result = await session.run(feeds, outputs);
      const embeds = splitRows(tensorData(result[this.wiring.output], this.wiring.output), batch.batch, this.dims);
      if (!this.wiring.tokens) return { embeds };
      const states = result[this.wiring.tokens]!;
      const hidden = states.dims[2]!;
      return { embeds, tokens: splitTokens(tensorData(states, this.wiring.tokens), batch.batch, batch.length, hidden, batch.lengths) };
    });
  }
}
