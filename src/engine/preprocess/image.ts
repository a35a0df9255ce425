// Image → pixel_values following a CLIP-style preprocessor_config.json: convert to RGB, resize
// (shortest edge, or exact height/width), centre crop, rescale, normalise, CHW float32.
// Resizing draws through OffscreenCanvas exactly as transformers.js does in browsers, so the
// tensors match its processor on the same inputs (a browser test checks this).

import { InvalidInputError } from '../../errors';
import type { ImagePayload, Pixels } from '../../contract';

export interface ImageProcessorConfig {
  do_resize?: boolean;
  size?: { shortest_edge?: number; height?: number; width?: number } | number;
  do_center_crop?: boolean;
  crop_size?: { height: number; width: number } | number;
  do_rescale?: boolean;
  rescale_factor?: number;
  do_normalize?: boolean;
  image_mean?: number[] | number;
  image_std?: number[] | number;
}

/** Anything the worker can turn into pixels without a DOM. */
export type ImageSource = ImagePayload;

function isPixels(src: ImageSource): src is Pixels {
  return typeof (src as Pixels).width === 'number' && (src as Pixels).data instanceof Uint8ClampedArray;
}

async function toBitmap(src: Blob | ImageBitmap): Promise<ImageBitmap> {
  if (!(src instanceof Blob)) return src;
  try {
    return await createImageBitmap(src);
  } catch (err) {
    throw new InvalidInputError(`could not decode image (${src.type || 'unknown type'}, ${src.size} bytes)`, err);
  }
}

/** One reusable canvas per target size: images of a model mostly resize to the same size. */
const canvases = new Map<string, OffscreenCanvasRenderingContext2D>();

function context(width: number, height: number): OffscreenCanvasRenderingContext2D {
  const key = `${width}x${height}`;
  let ctx = canvases.get(key);
  if (!ctx) {
    const made = new OffscreenCanvas(width, height).getContext('2d', { willReadFrequently: true });
    if (!made) throw new InvalidInputError('OffscreenCanvas 2d context is unavailable in this worker');
    if (canvases.size > 8) canvases.clear();
    canvases.set(key, made);
    ctx = made;
  }
  return ctx;
}

function draw(source: CanvasImageSource, width: number, height: number): Pixels {
  const ctx = context(width, height);
  // Transparent pixels must read back as they would on a fresh canvas.
  ctx.clearRect(0, 0, width, height);
  ctx.drawImage(source, 0, 0, width, height);
  return { data: ctx.getImageData(0, 0, width, height).data, width, height };
}

function pixelsToCanvasSource(p: Pixels): OffscreenCanvas {
  const canvas = new OffscreenCanvas(p.width, p.height);
  canvas.getContext('2d')!.putImageData(new ImageData(new Uint8ClampedArray(p.data), p.width, p.height), 0, 0);
  return canvas;
}

export function resizeTarget(width: number, height: number, config: ImageProcessorConfig): [number, number] {
  const size = typeof config.size === 'number' ? { shortest_edge: config.size } : config.size;
  if (!config.do_resize || !size) return [width, height];
  if (size.shortest_edge !== undefined) {
    const factor = Math.max(size.shortest_edge / width, size.shortest_edge / height);
    // Round through two decimals first, as the reference processor does, to dodge float noise.
    return [Math.floor(Number((width * factor).toFixed(2))), Math.floor(Number((height * factor).toFixed(2)))];
  }
  return [size.width ?? width, size.height ?? height];
}

function perChannel(v: number[] | number | undefined, fallback: number): [number, number, number] {
  if (v === undefined) return [fallback, fallback, fallback];
  if (typeof v === 'number') return [v, v, v];
  return [v[0] ?? fallback, v[1] ?? fallback, v[2] ?? fallback];
}

/** Resized RGBA pixels → CHW float32 [3, cropH, cropW] with crop, rescale, normalise. */
export function pixelsToTensor(p: Pixels, config: ImageProcessorConfig): { data: Float32Array; height: number; width: number } {
  const crop = typeof config.crop_size === 'number' ? { height: config.crop_size, width: config.crop_size } : config.crop_size;
  const outH = config.do_center_crop && crop ? crop.height : p.height;
  const outW = config.do_center_crop && crop ? crop.width : p.width;
  const top = Math.floor((p.height - outH) / 2);
  const left = Math.floor((p.width - outW) / 2);
  const scale = config.do_rescale === false ? 1 : (config.rescale_factor ?? 1 / 255);
  const mean = perChannel(config.do_normalize ? config.image_mean : 0, 0);
  const std = perChannel(config.do_normalize ? config.image_std : 1, 1);
  const plane = outH * outW;
  const out = new Float32Array(3 * plane);
  for (let y = 0; y < outH; y++) {
    const sy = y + top;
    for (let x = 0; x < outW; x++) {
      const sx = x + left;
      const inside = sy >= 0 && sy < p.height && sx >= 0 && sx < p.width;
      const base = (sy * p.width + sx) * 4;
      for (let c = 0; c < 3; c++) {
        // Outside the source (crop larger than image) is zero padding, as in the reference.
        const raw = inside ? p.data[base + c]! : 0;
        out[c * plane + y * outW + x] = (raw * scale - mean[c]!) / std[c]!;
      }
    }
  }
  return { data: out, height: outH, width: outW };
}

/** Decodes (if needed), resizes and normalises one image. */
export async function preprocessImage(src: ImageSource, config: ImageProcessorConfig): Promise<{ data: Float32Array; height: number; width: number }> {
  const canvasSource = isPixels(src) ? null : await toBitmap(src);
  const width = canvasSource ? canvasSource.width : (src as Pixels).width;
  const height = canvasSource ? canvasSource.height : (src as Pixels).height;
  if (!width || !height) throw new InvalidInputError(`image has no pixels (${width}×${height})`);
  const [w, h] = resizeTarget(width, height, config);
  let pixels: Pixels;
  if (isPixels(src) && w === width && h === height) pixels = src;
  else pixels = draw(canvasSource ?? pixelsToCanvasSource(src as Pixels), w, h);
  if (canvasSource && src instanceof Blob) canvasSource.close();
  return pixelsToTensor(pixels, config);
}
