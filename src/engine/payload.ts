// What the page sends a worker: inputs already reduced to transferable, DOM-free shapes.

import type { Pixels } from './preprocess/image';

export type ImagePayload = Blob | ImageBitmap | Pixels;
export interface AudioPayload { samples: Float32Array; sampleRate: number }
export interface VideoPayload { frames: ImagePayload[] }

export interface OmniPayload {
  text?: string;
  image?: ImagePayload;
  audio?: AudioPayload;
  video?: VideoPayload;
}

export type Payload =
  | { kind: 'text'; text: string }
  | { kind: 'image'; image: ImagePayload }
  | { kind: 'audio'; audio: AudioPayload }
  | { kind: 'video'; video: VideoPayload }
  | { kind: 'omni'; item: OmniPayload };

export interface EmbedJob {
  payload: Payload;
  /** Text prepended to the item's text for the fusion graph; queries and targets differ. */
  instruction?: string;
}

export type JobResult =
  | { ok: true; vector: Float32Array; modalities: string[] }
  | { ok: false; code: string; message: string };
