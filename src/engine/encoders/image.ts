import type { ImageWiring } from '../../presets/spec';
import type { ImagePayload } from '../../contract';
import { preprocessImage, type ImageProcessorConfig } from '../preprocess/image';
import { floatTensor, type GraphSession } from '../session';
import { inSlices, runEncoder, type Encoded } from './encoder';

const BATCH = 8;

/** Stacks CHW tensors of equal size into one [n, 3, h, w] buffer. */
export function stack(tensors: { data: Float32Array }[]): Float32Array {
  const size = tensors[0]?.data.length ?? 0;
  const out = new Float32Array(size * tensors.length);
  tensors.forEach((t, i) => out.set(t.data, i * size));
  return out;
}

export class ImageTower {
  constructor(
    private readonly session: () => Promise<GraphSession>,
    private readonly config: ImageProcessorConfig,
    private readonly wiring: ImageWiring,
    private readonly dims: number,
  ) {}

  pixelValues(image: ImagePayload): ReturnType<typeof preprocessImage> {
    return preprocessImage(image, this.config);
  }

  encode(images: ImagePayload[], withTokens = false): Promise<Encoded> {
    return inSlices(images, BATCH, async (slice) => {
      const tensors = [];
      for (const image of slice) tensors.push(await this.pixelValues(image));
      const { height, width } = tensors[0]!;
      const feeds = { [this.wiring.input]: floatTensor(stack(tensors), [slice.length, 3, height, width]) };
      return runEncoder(await this.session(), feeds, this.wiring, slice.length, this.dims, withTokens);
    });
  }
}
