// The few facts the engine needs from a model's config.json / tokenizer_config.json, read the
// same way for omni-tiny and for CLIP-family hub repos (whose text settings sit in text_config).

export interface ModelFacts {
  maxTextLength: number;
  padTokenId: number;
  /** Token width the fusion graph takes (omni models only). */
  hiddenSize?: number;
  instructions?: { query: string; target: string };
}

type Json = Record<string, unknown>;

function num(...candidates: unknown[]): number | undefined {
  for (const c of candidates) if (typeof c === 'number' && Number.isFinite(c)) return c;
  return undefined;
}

export function readModelFacts(config: Json, tokenizerConfig: Json): ModelFacts {
  const text = (config.text_config ?? {}) as Json;
  // tokenizer_config often says 1e30 for "unbounded": the position table is the real limit. When
  // both are given the smaller wins: RoBERTa (CLAP's text side) has 514 positions but takes 512
  // tokens, its first two rows being taken by the padding_idx offset.
  const tokLimit = num(tokenizerConfig.model_max_length);
  const positions = num(config.max_position_embeddings, text.max_position_embeddings);
  const usable = tokLimit !== undefined && tokLimit < 1e6 ? tokLimit : undefined;
  const maxTextLength = (positions !== undefined && usable !== undefined ? Math.min(positions, usable) : positions ?? usable) ?? 512;
  const padTokenId = num(config.pad_token_id, text.pad_token_id) ?? 0;
  const instructions = config.instructions as ModelFacts['instructions'];
  const hiddenSize = num(config.hidden_size, config.fusion_hidden_size);
  return { maxTextLength, padTokenId, ...(hiddenSize ? { hiddenSize } : {}), ...(instructions ? { instructions } : {}) };
}
