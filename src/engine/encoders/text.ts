import type { TextWiring } from '../../presets/spec';
import type { TextProcessor } from '../preprocess/text';
import { int64Tensor, type GraphSession, type Feeds } from '../session';
import { inSlices, runEncoder, type Encoded } from './encoder';

const BATCH = 256;

export class TextTower {
  constructor(
    private readonly session: () => Promise<GraphSession>,
    private readonly processor: TextProcessor,
    private readonly wiring: TextWiring,
    private readonly dims: number,
  ) {}

  encode(texts: string[], withTokens = false): Promise<Encoded> {
    return inSlices(texts, BATCH, async (slice) => {
      const batch = this.processor.encodeBatch(slice, this.wiring.padToLength);
      const dims = [batch.batch, batch.length];
      const feeds: Feeds = { [this.wiring.inputIds]: int64Tensor(batch.inputIds, dims) };
      if (this.wiring.attentionMask) feeds[this.wiring.attentionMask] = int64Tensor(batch.attentionMask, dims);
      return runEncoder(await this.session(), feeds, this.wiring, batch.batch, this.dims, withTokens, batch.lengths);
    });
  }
}
