// Fixture repos that mirror hub models' file layout, config keys and graph tensor names, with tiny
// stand-in graphs (same I/O names and fixed dims). They prove the presets wire the right tensors
// and processor settings without downloading the real (100s of MB) models.

import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ModelSpec } from '../../src/presets/spec';
import { buildOnnx, seededFloats, type GraphNode, type GraphSpec } from './onnx-builder';

const VOCAB = 1024;

const CLIP_IMAGE = { crop_size: 224, do_center_crop: true, do_normalize: true, do_resize: true, feature_extractor_type: 'CLIPFeatureExtractor', image_mean: [0.48145466, 0.4578275, 0.40821073], image_std: [0.26862954, 0.26130258, 0.27577711], resample: 3, size: 224 };
const SIGLIP_IMAGE = { do_normalize: true, do_rescale: true, do_resize: true, image_mean: [0.5, 0.5, 0.5], image_std: [0.5, 0.5, 0.5], resample: 3, rescale_factor: 1 / 255, size: { height: 224, width: 224 } };
const CLAP_AUDIO = { chunk_length_s: 10, feature_extractor_type: 'ClapFeatureExtractor', feature_size: 64, fft_window_size: 1024, frequency_max: 14000, frequency_min: 50, hop_length: 480, max_length_s: 10, n_fft: 1024, nb_frequency_bins: 513, nb_max_frames: 1000, nb_max_samples: 480000, padding: 'repeatpad', padding_side: 'right', padding_value: 0, return_attention_mask: false, sampling_rate: 48000, top_db: null, truncation: 'rand_trunc' };

export const FIXTURE_IMAGE_CONFIG: Record<string, object> = { 'siglip-base-patch16-224': SIGLIP_IMAGE };
export const FIXTURE_AUDIO_CONFIG = CLAP_AUDIO;

function textGraph(spec: ModelSpec): GraphSpec {
  const w = spec.text!;
  const nodes: GraphNode[] = [
    { op: 'Gather', inputs: ['table', w.inputIds], outputs: ['tok'] },
    { op: 'ReduceMean', inputs: ['tok'], outputs: w.attentionMask ? ['pooled'] : [w.output], attributes: { axes: [1], keepdims: 0 } },
  ];
  const inputs: GraphSpec['inputs'] = [{ name: w.inputIds, dims: ['batch', w.padToLength ?? 'sequence'], type: 'int64' }];
  if (w.attentionMask) {
    inputs.push({ name: w.attentionMask, dims: ['batch', 'sequence'], type: 'int64' });
    nodes.push(
      { op: 'Cast', inputs: [w.attentionMask], outputs: ['maskf'], attributes: { to: 1 } },
      { op: 'ReduceMean', inputs: ['maskf'], outputs: ['fill'], attributes: { axes: [1], keepdims: 1 } },
      { op: 'Mul', inputs: ['pooled', 'fill'], outputs: [w.output] },
    );
  }
  return {
    inputs,
    outputs: [{ name: w.output, dims: ['batch', spec.dims] }],
    initializers: [{ name: 'table', dims: [VOCAB, spec.dims], data: seededFloats(VOCAB * spec.dims, 11) }],
    nodes,
  };
}

/** Mean over the axes that are not batch/feature, then a projection to the model's dims. */
function poolingGraph(input: string, inDims: (number | string)[], axes: number[], width: number, output: string, dims: number, seed: number): GraphSpec {
  return {
    inputs: [{ name: input, dims: inDims }],
    outputs: [{ name: output, dims: ['batch', dims] }],
    initializers: [{ name: 'proj', dims: [width, dims], data: seededFloats(width * dims, seed) }],
    nodes: [
      { op: 'ReduceMean', inputs: [input], outputs: ['pooled'], attributes: { axes, keepdims: 0 } },
      { op: 'MatMul', inputs: ['pooled', 'proj'], outputs: [output] },
    ],
  };
}

/** Writes `<root>/<spec.name>/` in the hub layout and returns its folder. */
export function writeHubFixture(root: string, spec: ModelSpec): string {
  const dir = join(root, spec.name);
  mkdirSync(join(dir, 'onnx'), { recursive: true });
  const textConfig = { max_position_embeddings: spec.text?.padToLength ?? 77, pad_token_id: 0, vocab_size: VOCAB };
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ model_type: spec.name.split('-')[0], projection_dim: spec.dims, text_config: textConfig }));
  copyFileSync('models/omni-tiny/tokenizer.json', join(dir, 'tokenizer.json'));
  writeFileSync(join(dir, 'tokenizer_config.json'), JSON.stringify({ model_max_length: textConfig.max_position_embeddings }));
  if (spec.text) writeFileSync(join(dir, 'onnx', `${spec.text.graph}.onnx`), buildOnnx(textGraph(spec)));
  if (spec.image) {
    writeFileSync(join(dir, 'preprocessor_config.json'), JSON.stringify(FIXTURE_IMAGE_CONFIG[spec.name] ?? CLIP_IMAGE));
    const g = poolingGraph(spec.image.input, ['batch', 3, 224, 224], [2, 3], 3, spec.image.output, spec.dims, 12);
    writeFileSync(join(dir, 'onnx', `${spec.image.graph}.onnx`), buildOnnx(g));
  }
  if (spec.audio) {
    writeFileSync(join(dir, spec.audio.processorFile), JSON.stringify(CLAP_AUDIO));
    const g = poolingGraph(spec.audio.input, ['batch', 1, 1001, 64], [1, 2], 64, spec.audio.output, spec.dims, 13);
    writeFileSync(join(dir, 'onnx', `${spec.audio.graph}.onnx`), buildOnnx(g));
  }
  return dir;
}
