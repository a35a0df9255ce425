import type { EncoderWiring } from '../../presets/spec';
import { splitRows } from '../pooling';
import { tensorData, type Feeds, type GraphSession } from '../session';

// What every modality encoder returns for a batch: pooled embeddings and, for models with a
// fusion graph, the token states fusion concatenates. Rows own their memory (transferable).

export interface Encoded {
  embeds: Float32Array[];
  /** Per item: [tokens, hidden] row-major, only real tokens (padding dropped). */
  tokens?: Float32Array[];
}

export const EMPTY: Encoded = { embeds: [] };

/** Runs `fn` over slices of at most `size` items and concatenates the results in order. */
export async function inSlices<T>(items: T[], size: number, fn: (slice: T[]) => Promise<Encoded>): Promise<Encoded> {
  const embeds: Float32Array[] = [];
  const tokens: Float32Array[] = [];
  let hasTokens = false;
  for (let i = 0; i < items.length; i += size) {
    const part = await fn(items.slice(i, i + size));
    embeds.push(...part.embeds);
    if (part.tokens) { hasTokens = true; tokens.push(...part.tokens); }
  }
  return hasTokens ? { embeds, tokens } : { embeds };
}

/** Splits [batch, tokens, hidden] into per-row token blocks, keeping the first `keep[r]` tokens. */
export function splitTokens(data: Float32Array, batch: number, tokens: number, hidden: number, keep?: number[]): Float32Array[] {
  return Array.from({ length: batch }, (_, r) => {
    const n = keep ? keep[r]! : tokens;
    const start = r * tokens * hidden;
    return data.slice(start, start + n * hidden);
  });
}

/**
 * One run of a modality graph: the pooled output, plus its token states when fusion needs them
 * (trimmed per row to `keep` real tokens, for text). Not asking ORT for the tokens when they are
 * not needed saves ~10% on text.
 */
export async function runEncoder(session: GraphSession, feeds: Feeds, wiring: EncoderWiring, batch: number, dims: number, withTokens: boolean, keep?: number[]): Promise<Encoded> {
  const tokens = withTokens ? wiring.tokens : undefined;
  const result = await session.run(feeds, tokens ? [wiring.output, tokens] : [wiring.output]);
  const embeds = splitRows(tensorData(result[wiring.output], wiring.output), batch, dims);
  if (!tokens) return { embeds };
  const t = result[tokens]!;
  return { embeds, tokens: splitTokens(tensorData(t, tokens), batch, t.dims[1]!, t.dims[2]!, keep) };
}
