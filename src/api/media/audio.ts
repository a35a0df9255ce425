// Audio decoding needs Web Audio, which only the page has: decode here, send PCM to the worker.
import { InvalidInputError } from '../../errors';

export interface Pcm { samples: Float32Array; sampleRate: number }

/** Mixes an AudioBuffer's channels down to mono. */
export function audioBufferToMono(buffer: AudioBuffer): Pcm {
  const out = new Float32Array(buffer.length);
  for (let c = 0; c < buffer.numberOfChannels; c++) {
    const ch = buffer.getChannelData(c);
    for (let i = 0; i < out.length; i++) out[i]! += ch[i]! / buffer.numberOfChannels;
  }
  return { samples: out, sampleRate: buffer.sampleRate };
}

/**
 * Decodes an encoded clip straight to the model's sample rate: an OfflineAudioContext resamples
 * while decoding, with the browser's own high-quality resampler, and needs no user gesture.
 */
export async function decodeAudio(blob: Blob, sampleRate: number): Promise<Pcm> {
  const Ctx = globalThis.OfflineAudioContext;
  if (!Ctx) throw new InvalidInputError('decoding audio files needs Web Audio (page context); pass { samples, sampleRate } instead');
  const ctx = new Ctx(1, 1, sampleRate);
  try {
    return audioBufferToMono(await ctx.decodeAudioData(await blob.arrayBuffer()));
  } catch (err) {
    throw new InvalidInputError(`could not decode audio (${blob.type || 'unknown type'}, ${blob.size} bytes)`, err);
  }
}
