// Page side of the data path: whatever the user passed becomes a DOM-free, transferable payload.
// Images stay encoded (Blob) so decoding happens in the worker, off the main thread; audio and
// video are decoded here because only a page has Web Audio and <video>.

import type { AudioPayload, ImagePayload, OmniPayload, Payload, VideoPayload } from '../contract';
import { InvalidInputError } from '../errors';
import { SAMPLE_RATE_RANGE } from './options';
import { audioBufferToMono, decodeAudio } from './media/audio';
import { sampleVideoFrames } from './media/video';

export type ImageInput = Blob | ImageBitmap | ImageData | HTMLImageElement | HTMLCanvasElement | OffscreenCanvas | URL;
export type AudioInput = Blob | AudioBuffer | { samples: Float32Array; sampleRate: number } | URL;
export type VideoInput = Blob | HTMLVideoElement | URL | { frames: (ImageBitmap | ImageData | Blob)[] };
export interface OmniItem { text?: string; image?: ImageInput; audio?: AudioInput; video?: VideoInput }
/** A string is text; a Blob/File/URL is typed by its MIME type; an object with modality fields is an omni item. */
export type EmbedInput = string | ImageInput | AudioInput | VideoInput | OmniItem;

export interface MediaNeeds { sampleRate: number; videoFrames: number }
export interface Prepared { payload: Payload; transfer: Transferable[] }

const has = (x: unknown, key: string): boolean => typeof x === 'object' && x !== null && key in x;
const isOmni = (x: unknown): x is OmniItem =>
  typeof x === 'object' && x !== null && !(x instanceof Blob) && (has(x, 'text') || has(x, 'image') || has(x, 'audio') || has(x, 'video'));

async function fetchBlob(url: URL): Promise<Blob> {
  let res: Response;
  try {
    res = await fetch(url);
  } catch (err) {
    throw new InvalidInputError(`could not fetch ${url.href}`, err);
  }
  if (!res.ok) throw new InvalidInputError(`could not fetch ${url.href}: HTTP ${res.status}`);
  return res.blob();
}

function kindOfBlob(blob: Blob): 'image' | 'audio' | 'video' {
  const type = blob.type.split('/')[0];
  if (type === 'image' || type === 'audio' || type === 'video') return type;
  throw new InvalidInputError(`cannot tell what this ${blob.size}-byte file is (MIME type "${blob.type}"); wrap it as { image }, { audio } or { video }`);
}

async function toImage(input: ImageInput, transfer: Transferable[]): Promise<ImagePayload> {
  if (input instanceof URL) return fetchBlob(input);
  if (input instanceof Blob) {
    if (input.size === 0) throw new InvalidInputError('the image file is empty');
    return input;
  }
  if (typeof ImageData !== 'undefined' && input instanceof ImageData) {
    const data = new Uint8ClampedArray(input.data);
    transfer.push(data.buffer);
    return { data, width: input.width, height: input.height };
  }
  if (typeof ImageBitmap !== 'undefined' && input instanceof ImageBitmap) return input; // the caller's bitmap stays usable
  if (typeof HTMLImageElement !== 'undefined' && input instanceof HTMLImageElement) {
    // decode() rejects (EncodingError) for an image that failed to load or is not an image.
    try {
      await input.decode();
    } catch (err) {
      throw new InvalidInputError(`the <img> (${input.currentSrc || input.src || 'no src'}) has no decodable image: it failed to load or is not an image`, err);
    }
  }
  try {
    const bitmap = await createImageBitmap(input as ImageBitmapSource);
    transfer.push(bitmap);
    return bitmap;
  } catch (err) {
    throw new InvalidInputError('could not read pixels from this image input', err);
  }
}

async function toAudio(input: AudioInput, needs: MediaNeeds, transfer: Transferable[]): Promise<AudioPayload> {
  let pcm: AudioPayload;
  if (input instanceof URL) pcm = await decodeAudio(await fetchBlob(input), needs.sampleRate);
  else if (input instanceof Blob) pcm = await decodeAudio(input, needs.sampleRate);
  else if (typeof AudioBuffer !== 'undefined' && input instanceof AudioBuffer) pcm = audioBufferToMono(input);
  else if (has(input, 'samples') && (input as AudioPayload).samples instanceof Float32Array) {
    const { samples, sampleRate } = input as AudioPayload;
    const [low, high] = SAMPLE_RATE_RANGE;
    if (typeof sampleRate !== 'number' || !(sampleRate >= low && sampleRate <= high)) {
      throw new InvalidInputError(`audio sampleRate must be a number of Hz from ${low} to ${high} (got ${String(sampleRate)})`);
    }
    // Copy: the caller keeps its array; the copy is what we transfer away.
    pcm = { samples: samples.slice(), sampleRate };
  } else throw new InvalidInputError('audio must be a Blob/File, an AudioBuffer, a URL or { samples: Float32Array, sampleRate }');
  if (pcm.samples.length === 0) throw new InvalidInputError('the audio clip is empty');
  transfer.push(pcm.samples.buffer);
  return pcm;
}

async function toVideo(input: VideoInput, needs: MediaNeeds, transfer: Transferable[]): Promise<VideoPayload> {
  if (has(input, 'frames') && Array.isArray((input as { frames: unknown }).frames)) {
    const frames = (input as { frames: (ImageBitmap | ImageData | Blob)[] }).frames;
    if (frames.length === 0) throw new InvalidInputError('a video needs at least one frame');
    return { frames: await Promise.all(frames.map((f) => toImage(f, transfer))) };
  }
  const frames = await sampleVideoFrames(input as Blob | URL | HTMLVideoElement, needs.videoFrames);
  transfer.push(...frames);
  return { frames };
}

/** Names an input in errors about it, without copying or decoding it. */
export function describeInput(payload: Payload): string {
  const image = (i: ImagePayload) => (i instanceof Blob ? `${i.type || 'untyped'} ${i.size} bytes` : `${i.width}×${i.height}`);
  switch (payload.kind) {
    case 'text': return `text "${payload.text.length > 40 ? `${payload.text.slice(0, 40)}…` : payload.text}"`;
    case 'image': return `an image (${image(payload.image)})`;
    case 'audio': return `an audio clip (${payload.audio.samples.length} samples at ${payload.audio.sampleRate} Hz)`;
    case 'video': return `a video (${payload.video.frames.length} frames)`;
    case 'omni': return `an omni item (${Object.keys(payload.item).join(' + ')})`;
  }
}

export async function prepareInput(input: EmbedInput, needs: MediaNeeds): Promise<Prepared> {
  const transfer: Transferable[] = [];
  if (typeof input === 'string') {
    if (input.trim() === '') throw new InvalidInputError('text input is empty');
    return { payload: { kind: 'text', text: input }, transfer };
  }
  if (input === null || input === undefined || typeof input !== 'object') {
    throw new InvalidInputError(`cannot embed ${input === null ? 'null' : typeof input}; pass text, an image, audio, video or { text, image, audio, video }`);
  }
  if (isOmni(input)) {
    const item: OmniPayload = {};
    if (input.text !== undefined) {
      if (typeof input.text !== 'string') throw new InvalidInputError('omni item text must be a string');
      item.text = input.text;
    }
    if (input.image !== undefined) item.image = await toImage(input.image, transfer);
    if (input.audio !== undefined) item.audio = await toAudio(input.audio, needs, transfer);
    if (input.video !== undefined) item.video = await toVideo(input.video, needs, transfer);
    if (!item.text && !item.image && !item.audio && !item.video) throw new InvalidInputError('an omni item needs at least one of text, image, audio, video');
    return { payload: { kind: 'omni', item }, transfer };
  }
  if (has(input, 'samples')) return { payload: { kind: 'audio', audio: await toAudio(input as AudioInput, needs, transfer) }, transfer };
  if (has(input, 'frames')) return { payload: { kind: 'video', video: await toVideo(input as VideoInput, needs, transfer) }, transfer };
  if (typeof AudioBuffer !== 'undefined' && input instanceof AudioBuffer) return { payload: { kind: 'audio', audio: await toAudio(input, needs, transfer) }, transfer };
  if (typeof HTMLVideoElement !== 'undefined' && input instanceof HTMLVideoElement) return { payload: { kind: 'video', video: await toVideo(input, needs, transfer) }, transfer };
  const blob = input instanceof URL ? await fetchBlob(input) : input instanceof Blob ? input : undefined;
  if (blob) {
    const kind = kindOfBlob(blob);
    if (kind === 'image') return { payload: { kind, image: await toImage(blob, transfer) }, transfer };
    if (kind === 'audio') return { payload: { kind, audio: await toAudio(blob, needs, transfer) }, transfer };
    return { payload: { kind, video: await toVideo(blob, needs, transfer) }, transfer };
  }
  return { payload: { kind: 'image', image: await toImage(input as ImageInput, transfer) }, transfer };
}
