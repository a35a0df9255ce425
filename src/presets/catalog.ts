// The models omni-embed knows by name. Hub presets mirror the tensor names of the ONNX exports
// in those repos; fixture tests check the wiring against graphs with the same I/O names.

import type { ModelSpec } from './spec';

// optimum exports CLIPTextModelWithProjection with `input_ids` only (CLIPTextWithProjectionOnnxConfig):
// causal attention and end-of-text pooling make padding after the end token harmless.
const CLIP_TEXT = { graph: 'text_model', output: 'text_embeds', inputIds: 'input_ids' } as const;
const MASKED_TEXT = { ...CLIP_TEXT, attentionMask: 'attention_mask' } as const;
const CLIP_VISION = { graph: 'vision_model', output: 'image_embeds', input: 'pixel_values' } as const;

/** Source sentinel for the model shipped inside the package; the worker maps it to its bundled files. */
export const DEFAULT_MODEL = 'omni-tiny:bundled';

export const OMNI_TINY: ModelSpec = {
  name: 'omni-tiny',
  source: DEFAULT_MODEL,
  description: 'Bundled reference model: text, image, audio, video and fused omni items in one 256-d space',
  dims: 256,
  matryoshka: [256, 128, 64],
  text: { ...MASKED_TEXT, tokens: 'last_hidden_state' },
  image: { ...CLIP_VISION, tokens: 'image_tokens' },
  audio: { graph: 'audio_model', output: 'audio_embeds', input: 'input_features', tokens: 'audio_tokens', processorFile: 'audio_preprocessor_config.json' },
  video: { graph: 'video_model', output: 'video_embeds', input: 'pixel_values', tokens: 'video_tokens', numFrames: 8 },
  fusion: { graph: 'fusion_model', inputsEmbeds: 'inputs_embeds', attentionMask: 'attention_mask', output: 'embeds' },
  remote: false,
};

export const HUB_PRESETS: ModelSpec[] = [
  {
    name: 'clip-vit-base-patch32',
    source: 'Xenova/clip-vit-base-patch32',
    description: 'OpenAI CLIP ViT-B/32: text ↔ image, 512-d',
    dims: 512,
    text: CLIP_TEXT,
    image: CLIP_VISION,
    videoFrames: 8,
    remote: true,
  },
  {
    name: 'siglip-base-patch16-224',
    source: 'Xenova/siglip-base-patch16-224',
    description: 'Google SigLIP base: text ↔ image, 768-d (text padded to 64 tokens)',
    dims: 768,
    text: { graph: 'text_model', output: 'pooler_output', inputIds: 'input_ids', padToLength: 64 },
    image: { graph: 'vision_model', output: 'pooler_output', input: 'pixel_values' },
    videoFrames: 8,
    remote: true,
  },
  {
    name: 'mobileclip-s1',
    source: 'Xenova/mobileclip_s1',
    description: 'Apple MobileCLIP S1: fast text ↔ image, 512-d',
    dims: 512,
    text: { graph: 'text_model', output: 'text_embeds', inputIds: 'input_ids' },
    image: CLIP_VISION,
    videoFrames: 8,
    remote: true,
  },
  {
    name: 'jina-clip-v1',
    source: 'jinaai/jina-clip-v1',
    description: 'Jina CLIP v1: long text ↔ image, 768-d',
    dims: 768,
    text: { graph: 'text_model', output: 'l2norm_text_embeddings', inputIds: 'input_ids' },
    image: { graph: 'vision_model', output: 'l2norm_image_embeddings', input: 'pixel_values' },
    videoFrames: 8,
    remote: true,
  },
  {
    name: 'clap-htsat-unfused',
    source: 'Xenova/clap-htsat-unfused',
    description: 'LAION CLAP HTSAT: text ↔ audio, 512-d',
    dims: 512,
    // RoBERTa text side: its export takes the attention mask.
    text: MASKED_TEXT,
    audio: { graph: 'audio_model', output: 'audio_embeds', input: 'input_features', processorFile: 'preprocessor_config.json' },
    remote: true,
  },
];

export const PRESETS: ModelSpec[] = [OMNI_TINY, ...HUB_PRESETS];

export function findPreset(name: string): ModelSpec | undefined {
  return PRESETS.find((p) => p.name === name || p.source === name);
}
