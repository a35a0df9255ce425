import type { VideoWiring } from '../../presets/spec';
import type { VideoPayload, ImagePayload } from '../../contract';
import { floatTensor, type GraphSession } from '../session';
import { l2Normalize, meanOf } from '../pooling';
import { InvalidInputError } from '../../errors';
import { inSlices, runEncoder, type Encoded } from './encoder';
import { stack, type ImageTower } from './image';

const BATCH = 2;

/** Picks `count` frames spread evenly over the clip (the page already samples; this evens out mismatches). */
export function evenlySpaced<T>(frames: T[], count: number): T[] {
  if (frames.length === 0) throw new InvalidInputError('video has no frames');
  return Array.from({ length: count }, (_, i) => frames[Math.min(frames.length - 1, Math.floor(((i + 0.5) * frames.length) / count))]!);
}

export class VideoTower {
  constructor(
    private readonly session: () => Promise<GraphSession>,
    private readonly images: ImageTower,
    private readonly wiring: VideoWiring,
    private readonly dims: number,
  ) {}

  encode(videos: VideoPayload[], withTokens = false): Promise<Encoded> {
    return inSlices(videos, BATCH, async (slice) => {
      const clips: Float32Array[] = [];
      let frameShape = [0, 0];
      for (const video of slice) {
        const frames = [];
        for (const f of evenlySpaced(video.frames, this.wiring.numFrames)) frames.push(await this.images.pixelValues(f));
        frameShape = [frames[0]!.height, frames[0]!.width];
        clips.push(stack(frames));
      }
      const input = floatTensor(stack(clips.map((data) => ({ data }))), [slice.length, this.wiring.numFrames, 3, frameShape[0]!, frameShape[1]!]);
      return runEncoder(await this.session(), { [this.wiring.input]: input }, this.wiring, slice.length, this.dims, withTokens);
    });
  }
}

/**
 * Late fusion for models without a video graph (e.g. CLIP): the mean of the normalised frame
 * embeddings. It ignores motion, which is why omni-tiny has a temporal block instead.
 */
export async function videoAsFrameMean(images: ImageTower, videos: VideoPayload[], frameCount: number): Promise<Encoded> {
  const embeds: Float32Array[] = [];
  for (const video of videos) {
    const frames: ImagePayload[] = evenlySpaced(video.frames, Math.min(frameCount, video.frames.length));
    const encoded = await images.encode(frames);
    embeds.push(meanOf(encoded.embeds.map((e) => l2Normalize(e))));
  }
  return { embeds };
}
