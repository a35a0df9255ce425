"""Xenova/clip-vit-base-patch32: text and vision towers with the real shapes, names and I/O.

I/O as optimum exports CLIPTextModelWithProjection / CLIPVisionModelWithProjection (see
docs/replicas.md): text_model takes only `input_ids` (int64 [batch, sequence]) and gives
`text_embeds` [batch, 512] and `last_hidden_state`; vision_model takes `pixel_values`
(float32 [batch, 3, 224, 224]) and gives `image_embeds` [batch, 512] and `last_hidden_state`.
Initialisation follows transformers' CLIPPreTrainedModel._init_weights (factor 1.0).
"""

import numpy as np
from onnx import TensorProto

from graph import Builder

TEXT = dict(vocab_size=49408, hidden_size=512, intermediate_size=2048, num_hidden_layers=12,
            num_attention_heads=8, max_position_embeddings=77, hidden_act='quick_gelu',
            bos_token_id=49406, eos_token_id=49407, pad_token_id=1, layer_norm_eps=1e-5)
VISION = dict(hidden_size=768, intermediate_size=3072, num_hidden_layers=12, num_attention_heads=12,
              image_size=224, patch_size=32, num_channels=3, hidden_act='quick_gelu', layer_norm_eps=1e-5)
PROJECTION = 512

SCALES = {
    'full': dict(),
    # Same graph, narrow and shallow, same 512-d output (so the presets apply): for fast tests of
    # the formats, never for numbers.
    'mini': dict(text=dict(hidden_size=64, intermediate_size=128, num_hidden_layers=2, num_attention_heads=2),
                 vision=dict(hidden_size=64, intermediate_size=128, num_hidden_layers=2, num_attention_heads=2),
                 projection=PROJECTION),
}


def dims(scale):
    s = SCALES[scale]
    return {**TEXT, **s.get('text', {})}, {**VISION, **s.get('vision', {})}, s.get('projection', PROJECTION)


def normal(rng, shape, std):
    return (rng.standard_normal(shape) * std).astype(np.float32)


def encoder_layers(b, x, cfg, rng, prefix, mask=None):
    d, h, layers = cfg['hidden_size'], cfg['num_attention_heads'], cfg['num_hidden_layers']
    hd = d // h
    in_std = d ** -0.5 * (2 * layers) ** -0.5
    out_std = d ** -0.5
    fc_std = (2 * d) ** -0.5
    heads_shape = b.ints([0, 0, h, hd])
    merged_shape = b.ints([0, 0, d])
    for i in range(layers):
        p = f'{prefix}.layers.{i}'
        y = b.layer_norm(x, d, rng, f'{p}.layer_norm1')
        q, k, v = (b.linear(y, normal(rng, (d, d), in_std), np.zeros(d, np.float32), f'{p}.self_attn.{n}_proj') for n in 'qkv')
        q = b.node('Transpose', [b.node('Reshape', [q, heads_shape])], perm=[0, 2, 1, 3])
        k = b.node('Transpose', [b.node('Reshape', [k, heads_shape])], perm=[0, 2, 3, 1])
        v = b.node('Transpose', [b.node('Reshape', [v, heads_shape])], perm=[0, 2, 1, 3])
        scores = b.node('Mul', [b.node('MatMul', [q, k]), b.scalar(hd ** -0.5)])
        if mask is not None:
            scores = b.node('Add', [scores, mask])
        attn = b.node('MatMul', [b.node('Softmax', [scores], axis=-1), v])
        attn = b.node('Reshape', [b.node('Transpose', [attn], perm=[0, 2, 1, 3]), merged_shape])
        x = b.node('Add', [x, b.linear(attn, normal(rng, (d, d), out_std), np.zeros(d, np.float32), f'{p}.self_attn.out_proj')])
        y = b.layer_norm(x, d, rng, f'{p}.layer_norm2')
        y = b.quick_gelu(b.linear(y, normal(rng, (d, cfg['intermediate_size']), fc_std), np.zeros(cfg['intermediate_size'], np.float32), f'{p}.mlp.fc1'))
        x = b.node('Add', [x, b.linear(y, normal(rng, (cfg['intermediate_size'], d), in_std), np.zeros(d, np.float32), f'{p}.mlp.fc2')])
    return x


def text_model(variant, seed, scale='full'):
    cfg, _, proj = dims(scale)
    rng = np.random.default_rng(seed)
    d, S = cfg['hidden_size'], cfg['max_position_embeddings']
    b = Builder(variant)
    ids = b.input('input_ids', TensorProto.INT64, ['batch_size', 'sequence_length'])
    x = b.embedding(normal(rng, (cfg['vocab_size'], d), 0.02), ids, 'text_model.embeddings.token_embedding')
    # Shape slices, not Gather on a Shape: ORT rewrites the latter into a Slice it then rejects.
    seq1 = b.node('Shape', [ids], start=1, end=2)
    seq = b.node('Squeeze', [seq1, b.ints([0])])
    # As CLIPTextEmbeddings does it: a [1, 77] position_ids buffer sliced to the sequence.
    positions = b.node('Slice', [b.raw(np.arange(S, dtype=np.int64)[None], 'text_model.embeddings.position_ids'), b.ints([0]), seq1, b.ints([1])])
    pos_table = b.const(normal(rng, (S, d), 0.01), 'text_model.embeddings.position_embedding.weight', count=True)
    x = b.node('Add', [x, b.node('Gather', [pos_table, positions])])
    # Causal mask: 0 on and below the diagonal, a large negative above (fp16-safe).
    causal = np.triu(np.full((S, S), -1e4, np.float32), 1)
    ends = b.node('Concat', [seq1, seq1], axis=0)
    mask = b.node('Slice', [b.const(causal, 'causal_mask'), b.ints([0, 0]), ends])
    x = encoder_layers(b, x, cfg, rng, 'text_model.encoder', mask)
    last = b.layer_norm(x, d, rng, 'text_model.final_layer_norm')
    b.output(last, 'last_hidden_state', ['batch_size', 'sequence_length', d])
    # Pooled = the state at the end-of-text token, found as argmax of the ids (eos has the top id).
    eos = b.node('ArgMax', [ids], axis=-1, keepdims=0)
    batch = b.node('Squeeze', [b.node('Shape', [ids], start=0, end=1), b.ints([0])])
    row = b.node('Mul', [b.node('Range', [b.ints(0), batch, b.ints(1)]), seq])
    flat = b.node('Reshape', [last, b.ints([-1, d])])
    pooled = b.node('Gather', [flat, b.node('Add', [row, eos])], axis=0)
    embeds = b.linear(pooled, normal(rng, (d, proj), d ** -0.5), None, 'text_projection')
    b.output(embeds, 'text_embeds', ['batch_size', proj])
    return b.model('main_graph'), b.params


def vision_model(variant, seed, scale='full'):
    _, cfg, proj = dims(scale)
    rng = np.random.default_rng(seed + 1)
    d, P, size = cfg['hidden_size'], cfg['patch_size'], cfg['image_size']
    n = (size // P) ** 2
    b = Builder(variant, has_conv=True)
    px = b.input('pixel_values', TensorProto.FLOAT, ['batch_size', 3, size, size])
    patches = b.conv(px, normal(rng, (d, 3, P, P), 0.02), P, 'vision_model.embeddings.patch_embedding')
    tokens = b.node('Transpose', [b.node('Reshape', [patches, b.ints([0, d, n])])], perm=[0, 2, 1])
    batch = b.node('Shape', [px], start=0, end=1)
    cls = b.const(normal(rng, (1, 1, d), d ** -0.5), 'vision_model.embeddings.class_embedding', count=True)
    cls = b.node('Expand', [cls, b.node('Concat', [batch, b.ints([1, d])], axis=0)])
    x = b.node('Concat', [cls, tokens], axis=1)
    pos = b.const(normal(rng, (n + 1, d), 0.02), 'vision_model.embeddings.position_embedding.weight', count=True)
    x = b.node('Add', [x, pos])
    x = b.layer_norm(x, d, rng, 'vision_model.pre_layrnorm')
    x = encoder_layers(b, x, cfg, rng, 'vision_model.encoder')
    b.output(x, 'last_hidden_state', ['batch_size', n + 1, d])
    first = b.node('Gather', [x, b.ints(0)], axis=1)
    pooled = b.layer_norm(first, d, rng, 'vision_model.post_layernorm')
    embeds = b.linear(pooled, normal(rng, (d, proj), d ** -0.5), None, 'visual_projection')
    b.output(embeds, 'image_embeds', ['batch_size', proj])
    return b.model('main_graph'), b.params


def config(scale='full'):
    text, vision, proj = dims(scale)
    return {
        '_name_or_path': 'openai/clip-vit-base-patch32',
        'architectures': ['CLIPModel'],
        'model_type': 'clip',
        'projection_dim': proj,
        'logit_scale_init_value': 2.6592,
        'initializer_factor': 1.0,
        'text_config': {**text, 'model_type': 'clip_text_model', 'projection_dim': proj},
        'vision_config': {**vision, 'model_type': 'clip_vision_model', 'projection_dim': proj},
        'transformers_version': '4.26.0.dev0',
    }


PREPROCESSOR = {
    'crop_size': {'height': 224, 'width': 224},
    'do_center_crop': True,
    'do_convert_rgb': True,
    'do_normalize': True,
    'do_rescale': True,
    'do_resize': True,
    'feature_extractor_type': 'CLIPFeatureExtractor',
    'image_mean': [0.48145466, 0.4578275, 0.40821073],
    'image_processor_type': 'CLIPImageProcessor',
    'image_std': [0.26862954, 0.26130258, 0.27577711],
    'resample': 3,
    'rescale_factor': 0.00392156862745098,
    'size': {'shortest_edge': 224},
}
