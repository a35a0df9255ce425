// Omni items: one vector for an item's text, image, audio and video together. With a fusion graph
// (omni-tiny) the parts' token states are concatenated [audio; vision; instruction + text] and fused;
// without one (two-tower presets) the normalised part vectors are averaged (late fusion).

import { InvalidInputError } from '../errors';
import type { Encoded } from './encoders/encoder';
import { lateFusion, type FusionEncoder, type FusionParts } from './encoders/fusion';
import type { AudioPayload, ImagePayload, OmniPayload, VideoPayload } from '../contract';

/**
 * The per-modality encoders, each throwing a typed error when the model lacks that modality.
 * `withTokens` asks for the token states the fusion graph consumes.
 */
export interface ModalityEncoders {
  text(texts: string[], withTokens?: boolean): Promise<Encoded>;
  image(images: ImagePayload[], withTokens?: boolean): Promise<Encoded>;
  audio(clips: AudioPayload[], withTokens?: boolean): Promise<Encoded>;
  video(videos: VideoPayload[], withTokens?: boolean): Promise<Encoded>;
}

/** Items that carry one field, and where each sits in the batch. */
function select<K extends keyof OmniPayload>(items: OmniPayload[], key: K) {
  const idx = items.flatMap((it, i) => (it[key] !== undefined && it[key] !== '' ? [i] : []));
  return { idx, values: idx.map((i) => items[i]![key]!) };
}

async function encodeSelected<T>(sel: { idx: number[]; values: T[] }, encode: (v: T[]) => Promise<Encoded>) {
  const encoded = sel.idx.length ? await encode(sel.values) : undefined;
  return (i: number, part: 'embeds' | 'tokens'): Float32Array | undefined => {
    const k = sel.idx.indexOf(i);
    return k >= 0 ? encoded?.[part]?.[k] : undefined;
  };
}

export async function embedOmniItems(
  encoders: ModalityEncoders,
  fusion: FusionEncoder | undefined,
  items: OmniPayload[],
  instructions: (string | undefined)[],
): Promise<Float32Array[]> {
  for (const item of items) {
    if (!item.text && !item.image && !item.audio && !item.video) {
      throw new InvalidInputError( 'an omni item needs at least one of text, image, audio, video');
    }
  }
  const tokens = !!fusion;
  const audio = await encodeSelected(select(items, 'audio'), (v) => encoders.audio(v, tokens));
  const image = await encodeSelected(select(items, 'image'), (v) => encoders.image(v, tokens));
  const video = await encodeSelected(select(items, 'video'), (v) => encoders.video(v, tokens));

  if (!fusion) {
    const text = await encodeSelected(select(items, 'text'), (v) => encoders.text(v));
    return items.map((_, i) => lateFusion([audio, image, video, text].flatMap((part) => part(i, 'embeds') ?? [])));
  }

  // The fusion graph reads the instruction as text, so an item without text still carries it.
  const withInstruction = items.map((it, i) => ({ text: [instructions[i], it.text].filter(Boolean).join(' ') }));
  const text = await encodeSelected(select(withInstruction, 'text'), (v) => encoders.text(v, true));
  const parts = items.map((_, i): FusionParts => {
    const p: FusionParts = {};
    const a = audio(i, 'tokens'); if (a) p.audio = a;
    const v = video(i, 'tokens') ?? image(i, 'tokens'); if (v) p.vision = v;
    const t = text(i, 'tokens'); if (t) p.text = t;
    return p;
  });
  return (await fusion.encode(parts)).embeds;
}
