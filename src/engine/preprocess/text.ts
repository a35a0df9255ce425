// Tokenisation with the model's own tokenizer.json (@huggingface/tokenizers, so the file means
// exactly what it means on the hub), truncation to the model's limit and per-batch padding.

import { Tokenizer } from '@huggingface/tokenizers';

export interface TextBatch {
  inputIds: BigInt64Array;
  attentionMask: BigInt64Array;
  batch: number;
  length: number;
  /** Per-row count of real tokens: fusion needs to know which token states are padding. */
  lengths: number[];
}

export interface TextProcessorOptions {
  maxLength: number;
  padTokenId: number;
  onTruncate?: (text: string, tokens: number) => void;
}

export class TextProcessor {
  private readonly tokenizer: Tokenizer;

  constructor(tokenizerJson: object, tokenizerConfig: object, private readonly options: TextProcessorOptions) {
    this.tokenizer = new Tokenizer(tokenizerJson as never, tokenizerConfig as never);
  }

  encodeOne(text: string): number[] {
    const ids = this.tokenizer.encode(text).ids as number[];
    const max = this.options.maxLength;
    if (ids.length <= max) return ids;
    this.options.onTruncate?.(text, ids.length);
    // Keep the closing special token (e.g. [SEP]) the model always saw at the end of a sequence.
    const specials = ids.length - (this.tokenizer.encode(text, { add_special_tokens: false }).ids as number[]).length;
    return specials > 0 ? [...ids.slice(0, max - 1), ids[ids.length - 1]!] : ids.slice(0, max);
  }

  /** Pads to the longest row of this batch (short batches stay cheap), or to a fixed length. */
  encodeBatch(texts: string[], padToLength?: number): TextBatch {
    return this.pack(texts.map((t) => this.encodeOne(t)), padToLength);
  }

  /** Pads already-tokenised rows into one batch (see encodeBatch). */
  pack(rows: number[][], padToLength?: number): TextBatch {
    const length = Math.max(1, padToLength ?? 0, ...rows.map((r) => r.length));
    const inputIds = new BigInt64Array(rows.length * length).fill(BigInt(this.options.padTokenId));
    const attentionMask = new BigInt64Array(rows.length * length);
    rows.forEach((row, r) => {
      row.forEach((id, i) => {
        inputIds[r * length + i] = BigInt(id);
        attentionMask[r * length + i] = 1n;
      });
    });
    return { inputIds, attentionMask, batch: rows.length, length, lengths: rows.map((r) => r.length) };
  }
}
