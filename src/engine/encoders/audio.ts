import type { AudioWiring } from '../../presets/spec';
import type { AudioPayload } from '../../contract';
import { LogMelExtractor, type AudioFeatureConfig } from '../preprocess/audio-features';
import { resample } from '../preprocess/resample';
import { floatTensor, type GraphSession } from '../session';
import { meanOf } from '../pooling';
import { inSlices, runEncoder, type Encoded } from './encoder';
import { InvalidInputError } from '../../errors';

const BATCH = 8;

/**
 * Clips up to the model's window (10 s for CLAP-style models) are embedded whole (repeat-padded);
 * longer clips are cut into windows whose embeddings are mean-pooled into one vector and one token.
 */
export class AudioTower {
  readonly features: LogMelExtractor;

  constructor(
    private readonly session: () => Promise<GraphSession>,
    readonly config: AudioFeatureConfig,
    private readonly wiring: AudioWiring,
    private readonly dims: number,
  ) {
    this.features = new LogMelExtractor(config);
  }

  chunks(audio: AudioPayload): Float32Array[] {
    const { samples, sampleRate } = audio;
    if (!(samples instanceof Float32Array) || samples.length === 0) throw new InvalidInputError('audio has no samples');
    // A plain loop: Array.prototype.some's callback cost ~10 ms on a 10 s clip at 48 kHz.
    for (let i = 0; i < samples.length; i++) if (!Number.isFinite(samples[i]!)) throw new InvalidInputError('audio samples contain NaN or Infinity');
    const pcm = resample(samples, sampleRate, this.config.sampling_rate);
    const window = this.features.maxSamples;
    const out: Float32Array[] = [];
    for (let start = 0; start < pcm.length; start += window) out.push(pcm.subarray(start, start + window));
    // A sliver under a tenth of the window carries too little to count as its own chunk.
    if (out.length > 1 && out[out.length - 1]!.length < window / 10) out.pop();
    return out;
  }

  async encode(clips: AudioPayload[], withTokens = false): Promise<Encoded> {
    const owner: number[] = [];
    const pieces: Float32Array[] = [];
    clips.forEach((clip, i) => {
      for (const c of this.chunks(clip)) { pieces.push(c); owner.push(i); }
    });
    const perChunk = await inSlices(pieces, BATCH, async (slice) => {
      const feats = slice.map((s) => this.features.extract(s));
      const { frames, melBins } = feats[0]!;
      const input = new Float32Array(slice.length * frames * melBins);
      feats.forEach((f, i) => input.set(f.data, i * frames * melBins));
      const feeds = { [this.wiring.input]: floatTensor(input, [slice.length, 1, frames, melBins]) };
      return runEncoder(await this.session(), feeds, this.wiring, slice.length, this.dims, withTokens);
    });
    const group = (rows: Float32Array[]) => clips.map((_, i) => meanOf(rows.filter((_, j) => owner[j] === i)));
    return perChunk.tokens ? { embeds: group(perChunk.embeds), tokens: group(perChunk.tokens) } : { embeds: group(perChunk.embeds) };
  }
}
