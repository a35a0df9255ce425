// WAV (RIFF) → mono float PCM, as Web Audio's decodeAudioData gives it: integer PCM scaled by
// 2^(bits-1) (so 16-bit x/32768, the browser's exact values), float PCM as is, channels averaged.
import { InvalidInputError } from '../errors';

export interface Pcm { samples: Float32Array; sampleRate: number }

export function isWav(bytes: Uint8Array): boolean {
  return bytes.length >= 12 && ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 12) === 'WAVE';
}

function ascii(b: Uint8Array, from: number, to: number): string {
  return String.fromCharCode(...b.subarray(from, to));
}

export function parseWav(bytes: Uint8Array): Pcm {
  if (!isWav(bytes)) throw new InvalidInputError(`not a WAV file (${bytes.length} bytes, no RIFF/WAVE header); decode other formats to WAV or pass { samples, sampleRate }`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let fmt: { format: number; channels: number; rate: number; bits: number } | undefined;
  let offset = 12;
  while (offset + 8 <= bytes.length) {
    const id = ascii(bytes, offset, offset + 4);
    const size = view.getUint32(offset + 4, true);
    const body = offset + 8;
    if (id === 'fmt ') {
      if (size < 16 || body + 16 > bytes.length) throw new InvalidInputError('WAV fmt chunk is truncated');
      let format = view.getUint16(body, true);
      // WAVE_FORMAT_EXTENSIBLE carries the real format in the first two bytes of its sub-format GUID.
      if (format === 0xfffe && size >= 26) format = view.getUint16(body + 24, true);
      fmt = { format, channels: view.getUint16(body + 2, true), rate: view.getUint32(body + 4, true), bits: view.getUint16(body + 14, true) };
    } else if (id === 'data') {
      if (!fmt) throw new InvalidInputError('WAV data chunk comes before its fmt chunk');
      return decodeData(view, body, Math.min(size, bytes.length - body), fmt);
    }
    offset = body + size + (size % 2);
  }
  throw new InvalidInputError('WAV file has no data chunk');
}

function decodeData(view: DataView, start: number, size: number, fmt: { format: number; channels: number; rate: number; bits: number }): Pcm {
  const { format, channels, rate, bits } = fmt;
  if (!channels || !rate) throw new InvalidInputError(`WAV header says ${channels} channels at ${rate} Hz`);
  const width = bits / 8;
  const read = sampleReader(view, format, bits);
  const frames = Math.floor(size / (width * channels));
  if (frames === 0) throw new InvalidInputError('the WAV file has no samples');
  const samples = new Float32Array(frames);
  for (let i = 0; i < frames; i++) {
    let acc = 0;
    for (let c = 0; c < channels; c++) acc += read(start + (i * channels + c) * width);
    samples[i] = acc / channels;
  }
  return { samples, sampleRate: rate };
}

function sampleReader(view: DataView, format: number, bits: number): (at: number) => number {
  if (format === 1) {
    if (bits === 8) return (at) => (view.getUint8(at) - 128) / 128;
    if (bits === 16) return (at) => view.getInt16(at, true) / 32768;
    if (bits === 24) return (at) => ((view.getUint8(at) | (view.getUint8(at + 1) << 8) | (view.getInt8(at + 2) << 16)) / 8388608);
    if (bits === 32) return (at) => view.getInt32(at, true) / 2147483648;
  }
  if (format === 3) {
    if (bits === 32) return (at) => view.getFloat32(at, true);
    if (bits === 64) return (at) => view.getFloat64(at, true);
  }
  throw new InvalidInputError(`unsupported WAV encoding (format ${format}, ${bits}-bit); use PCM 8/16/24/32-bit or float 32/64-bit`);
}
