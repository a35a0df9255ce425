// How a model's graphs are wired: which graph embeds which modality, with which tensor names,
// and how its processors are configured. The engine reads only this, so hub models (CLIP,
// SigLIP, CLAP, …) and the bundled omni-tiny run through the same code.

import type { ModelSource } from '../models';

export type Modality = 'text' | 'image' | 'audio' | 'video';
export const MODALITIES: readonly Modality[] = ['text', 'image', 'audio', 'video'];

export interface EncoderWiring {
  /** Graph file stem under onnx/, e.g. 'text_model'. */
  graph: string;
  /** Pooled embedding output, e.g. 'text_embeds'. */
  output: string;
  /** Token states for the fusion graph (omni models only), e.g. 'last_hidden_state'. */
  tokens?: string;
}

export interface TextWiring extends EncoderWiring {
  inputIds: string;
  /** Absent for graphs that take ids only (SigLIP pads to a fixed length instead). */
  attentionMask?: string;
  /** SigLIP-style models were trained on a fixed length: pad every row to it. */
  padToLength?: number;
}

export interface ImageWiring extends EncoderWiring { input: string }
export interface AudioWiring extends EncoderWiring { input: string; processorFile: string }
export interface VideoWiring extends EncoderWiring { input: string; numFrames: number }

export interface FusionWiring {
  graph: string;
  inputsEmbeds: string;
  attentionMask: string;
  output: string;
}

export interface ModelSpec {
  /** Short name users pass to createEmbedder({ model }). */
  name: string;
  /** Where the files come from (hub repo id or folder), as the loader understands it. */
  source: ModelSource;
  description: string;
  dims: number;
  /** Matryoshka prefix sizes the model was trained for (first = full). */
  matryoshka?: number[];
  text?: TextWiring;
  image?: ImageWiring;
  audio?: AudioWiring;
  /** Absent: video is embedded as the mean of its frames' image embeddings (documented late fusion). */
  video?: VideoWiring;
  /** Absent: omni items are the normalised weighted sum of their parts (documented late fusion). */
  fusion?: FusionWiring;
  /** Frames sampled from a clip when the model has no video graph. */
  videoFrames?: number;
  imageProcessorFile?: string;
  tokenizerFiles?: [string, string];
  /** Default instructions: queries and targets are embedded with different ones (SAIL). */
  instructions?: { query: string; target: string };
  /** True for hub presets: they need network on first load. */
  remote: boolean;
}

export function specModalities(spec: ModelSpec): Modality[] {
  const out: Modality[] = [];
  if (spec.text) out.push('text');
  if (spec.image) out.push('image');
  if (spec.audio) out.push('audio');
  if (spec.video || spec.image) out.push('video');
  return out;
}

/** Graph stems this spec needs, in load order (cheapest first). */
export function specGraphs(spec: ModelSpec): string[] {
  return [spec.text, spec.image, spec.audio, spec.video, spec.fusion].filter((w): w is NonNullable<typeof w> => !!w).map((w) => w.graph);
}
