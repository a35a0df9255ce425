// What the Node main thread sends its worker threads: the contract's payloads, except that images
// and WAV audio may still be encoded bytes. Decoding (sharp, the WAV parser) and resizing happen in
// the worker, off the main thread, as the browser decodes images in its worker.
import type { AudioPayload, OmniOf, PayloadOf, Pixels, VideoOf } from '../contract';

/** An encoded file (PNG, JPEG, WebP, … or WAV); `name` only labels errors. */
export interface Encoded { encoded: Uint8Array; name?: string }

export type NodeImage = Pixels | Encoded;
export type NodeAudio = AudioPayload | Encoded;
export type NodeVideo = VideoOf<NodeImage>;
export type NodeOmni = OmniOf<NodeImage, NodeAudio>;
export type NodePayload = PayloadOf<NodeImage, NodeAudio>;

export interface NodeJob { payload: NodePayload; instruction?: string }

export const isEncoded = (x: unknown): x is Encoded => typeof x === 'object' && x !== null && (x as Encoded).encoded instanceof Uint8Array;
