// Node side of the data path: what a server passes (text, file paths, Buffers, file: URLs, raw
// pixels or PCM, frames) becomes a NodePayload. Only files are read here; decoding happens in the
// worker threads. A plain string is always text, as in the browser; files are named by a URL, by a
// field of an omni item ({ image: 'a.png' }), or through fileInput().
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { AudioPayload, Pixels } from '../contract';
import { InvalidInputError } from '../errors';
import type { Encoded, NodeAudio, NodeImage, NodeJob, NodeOmni, NodePayload, NodeVideo } from './payload';
import { isWav } from './wav';

/** A file: a path (in omni-item fields and frames), a file: URL, or its bytes. */
export type NodeFile = string | URL | Uint8Array;
export type NodeImageInput = NodeFile | Pixels;
export type NodeAudioInput = NodeFile | AudioPayload;
export interface NodeVideoInput { frames: NodeImageInput[] }
export interface NodeOmniItem { text?: string; image?: NodeImageInput; audio?: NodeAudioInput; video?: NodeVideoInput }
export type NodeEmbedInput = string | URL | Uint8Array | Pixels | AudioPayload | NodeVideoInput | NodeOmniItem;

export const IMAGE_EXTENSIONS = ['.png', '.jpg', '.jpeg', '.webp', '.gif', '.avif', '.tif', '.tiff', '.bmp'];
export const AUDIO_EXTENSIONS = ['.wav'];

const has = (x: unknown, key: string) => typeof x === 'object' && x !== null && key in x;
const isPixels = (x: unknown): x is Pixels => has(x, 'data') && has(x, 'width') && (x as Pixels).data instanceof Uint8ClampedArray;

async function readBytes(file: NodeFile): Promise<Encoded> {
  if (file instanceof Uint8Array) return { encoded: file };
  const path = file instanceof URL ? (file.protocol === 'file:' ? fileURLToPath(file) : undefined) : file;
  if (path === undefined) throw new InvalidInputError(`only file: URLs are read in Node (got ${(file as URL).href}); fetch it yourself and pass the bytes`);
  try {
    const buf = await readFile(path);
    return { encoded: new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength), name: path };
  } catch (err) {
    throw new InvalidInputError(`could not read ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, err);
  }
}

async function image(input: NodeImageInput): Promise<NodeImage> {
  if (isPixels(input)) return { data: new Uint8ClampedArray(input.data), width: input.width, height: input.height }; // a copy: the caller keeps its array
  if (typeof input === 'string' || input instanceof URL || input instanceof Uint8Array) return readBytes(input);
  throw new InvalidInputError('an image must be a path, a file: URL, bytes, or { data: Uint8ClampedArray (RGBA), width, height }');
}

async function audio(input: NodeAudioInput): Promise<NodeAudio> {
  if (has(input, 'samples')) {
    const { samples, sampleRate } = input as AudioPayload;
    if (!(samples instanceof Float32Array) || samples.length === 0) throw new InvalidInputError('audio samples must be a non-empty Float32Array');
    if (typeof sampleRate !== 'number' || !(sampleRate >= 3000 && sampleRate <= 384000)) throw new InvalidInputError(`audio sampleRate must be a number of Hz from 3000 to 384000 (got ${String(sampleRate)})`);
    return { samples: samples.slice(), sampleRate };
  }
  if (typeof input === 'string' || input instanceof URL || input instanceof Uint8Array) return readBytes(input);
  throw new InvalidInputError('audio must be a WAV path, a file: URL, WAV bytes, or { samples: Float32Array, sampleRate }');
}

async function video(input: NodeVideoInput): Promise<NodeVideo> {
  if (!Array.isArray(input.frames) || input.frames.length === 0) throw new InvalidInputError('a video needs { frames: [...] } with at least one frame (video files are not decoded in Node)');
  return { frames: await Promise.all(input.frames.map(image)) };
}

function classifyBytes(e: Encoded): NodePayload {
  if (isWav(e.encoded)) return { kind: 'audio', audio: e };
  return { kind: 'image', image: e };
}

/**
 * A path as a plain image or audio input (a file: URL, typed by its bytes when read), for callers
 * that walk folders. Refuses extensions that are neither, before anything is read.
 */
export function fileInput(path: string): URL {
  const ext = extname(path).toLowerCase();
  if (IMAGE_EXTENSIONS.includes(ext) || AUDIO_EXTENSIONS.includes(ext)) return pathToFileURL(path);
  throw new InvalidInputError(`cannot embed ${path}: ${ext || 'no extension'} is not an image (${IMAGE_EXTENSIONS.join(' ')}) or WAV file`);
}

/** Turns one input into the payload a worker thread receives. */
export async function prepareNodeInput(input: NodeEmbedInput): Promise<NodePayload> {
  if (typeof input === 'string') {
    if (input.trim() === '') throw new InvalidInputError('text input is empty');
    return { kind: 'text', text: input };
  }
  if (input === null || typeof input !== 'object') throw new InvalidInputError(`cannot embed ${input === null ? 'null' : typeof input}; pass text, a file, pixels, PCM, { frames } or { text, image, audio, video }`);
  if (input instanceof URL || input instanceof Uint8Array) return classifyBytes(await readBytes(input));
  if (isPixels(input)) return { kind: 'image', image: await image(input) };
  if (has(input, 'samples')) return { kind: 'audio', audio: await audio(input as AudioPayload) };
  if (has(input, 'frames')) return { kind: 'video', video: await video(input as NodeVideoInput) };
  const o = input as NodeOmniItem;
  if (!['text', 'image', 'audio', 'video'].some((k) => has(o, k))) throw new InvalidInputError('an object input needs text, image, audio or video (or samples/frames/data)');
  const item: NodeOmni = {};
  if (o.text !== undefined) {
    if (typeof o.text !== 'string') throw new InvalidInputError('omni item text must be a string');
    item.text = o.text;
  }
  if (o.image !== undefined) item.image = await image(o.image);
  if (o.audio !== undefined) item.audio = await audio(o.audio);
  if (o.video !== undefined) item.video = await video(o.video);
  if (!item.text && !item.image && !item.audio && !item.video) throw new InvalidInputError('an omni item needs at least one of text, image, audio, video');
  return { kind: 'omni', item };
}

/** Buffers a job carries that can be moved to the worker instead of copied. */
export function transferables(job: NodeJob): ArrayBuffer[] {
  const out = new Set<ArrayBuffer>();
  const add = (x: unknown) => {
    if (isPixels(x)) out.add(x.data.buffer as ArrayBuffer);
    else if (has(x, 'encoded')) { /* file bytes may share Node's pooled buffer: copied, not moved */ }
    else if (has(x, 'samples')) out.add((x as AudioPayload).samples.buffer as ArrayBuffer);
  };
  const p = job.payload;
  if (p.kind === 'image') add(p.image);
  if (p.kind === 'audio') add(p.audio);
  if (p.kind === 'video') p.video.frames.forEach(add);
  if (p.kind === 'omni') { add(p.item.image); add(p.item.audio); p.item.video?.frames.forEach(add); }
  return [...out];
}
