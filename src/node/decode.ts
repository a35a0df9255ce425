// Worker side: encoded images → RGBA Pixels at the size the model's processor resizes to (sharp
// decodes, src/node/resize.ts resizes), WAV bytes → PCM. After this the engine sees exactly the
// payloads a browser worker sees, and never needs a canvas.
import type { AudioPayload, EmbedJob, ImagePayload, Payload, Pixels } from '../contract';
import { InvalidInputError } from '../errors';
import { resizeTarget, type ImageProcessorConfig } from '../engine/preprocess/image';
import { NodeDependencyError } from './errors';
import { isEncoded, type NodeAudio, type NodeImage, type NodeJob } from './payload';
import { resizeBilinear } from './resize';
import { parseWav } from './wav';

type Sharp = (typeof import('sharp'))['default'];
let sharpModule: Promise<Sharp> | undefined;

function loadSharp(): Promise<Sharp> {
  sharpModule ??= import('sharp').then((m) => m.default, (err: unknown) => {
    sharpModule = undefined;
    throw new NodeDependencyError('sharp', 'decoding image files', err);
  });
  return sharpModule;
}

async function decodeImage(bytes: Uint8Array, name: string | undefined): Promise<Pixels> {
  if (bytes.length === 0) throw new InvalidInputError(`the image file${name ? ` ${name}` : ''} is empty`);
  const sharp = await loadSharp();
  try {
    // rotate(): apply EXIF orientation, as createImageBitmap does by default; srgb + alpha: always RGBA.
    const { data, info } = await sharp(bytes).rotate().toColourspace('srgb').ensureAlpha().raw().toBuffer({ resolveWithObject: true });
    if (info.channels !== 4) throw new Error(`decoded to ${info.channels} channels`);
    return { data: new Uint8ClampedArray(data.buffer, data.byteOffset, data.byteLength), width: info.width, height: info.height };
  } catch (err) {
    throw new InvalidInputError(`could not decode image${name ? ` ${name}` : ''} (${bytes.length} bytes): ${(err as Error).message}`, err);
  }
}

export class NodeDecoder {
  constructor(private readonly imageConfig: ImageProcessorConfig | undefined) {}

  async image(image: NodeImage): Promise<ImagePayload> {
    const pixels = isEncoded(image) ? await decodeImage(image.encoded, image.name) : image;
    if (!pixels.width || !pixels.height) throw new InvalidInputError(`image has no pixels (${pixels.width}×${pixels.height})`);
    if (pixels.data.length !== pixels.width * pixels.height * 4) {
      throw new InvalidInputError(`pixels must be RGBA: ${pixels.width}×${pixels.height}×4 = ${pixels.width * pixels.height * 4} bytes, got ${pixels.data.length}`);
    }
    if (!this.imageConfig) return pixels;
    const [w, h] = resizeTarget(pixels.width, pixels.height, this.imageConfig);
    return w === pixels.width && h === pixels.height ? pixels : resizeBilinear(pixels, w, h);
  }

  audio(audio: NodeAudio): AudioPayload {
    return isEncoded(audio) ? parseWav(audio.encoded) : audio;
  }

  async job(job: NodeJob): Promise<EmbedJob> {
    const p = job.payload;
    let payload: Payload;
    switch (p.kind) {
      case 'text': payload = p; break;
      case 'image': payload = { kind: 'image', image: await this.image(p.image) }; break;
      case 'audio': payload = { kind: 'audio', audio: this.audio(p.audio) }; break;
      case 'video': payload = { kind: 'video', video: { frames: await Promise.all(p.video.frames.map((f) => this.image(f))) } }; break;
      case 'omni': {
        const { text, image, audio, video } = p.item;
        payload = {
          kind: 'omni',
          item: {
            ...(text !== undefined ? { text } : {}),
            ...(image ? { image: await this.image(image) } : {}),
            ...(audio ? { audio: this.audio(audio) } : {}),
            ...(video ? { video: { frames: await Promise.all(video.frames.map((f) => this.image(f))) } } : {}),
          },
        };
        break;
      }
    }
    return { payload, ...(job.instruction !== undefined ? { instruction: job.instruction } : {}) };
  }
}
