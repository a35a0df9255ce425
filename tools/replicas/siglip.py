"""Xenova/siglip-base-patch16-224: text and vision towers with the real shapes, names and I/O.

I/O as optimum exports SiglipTextModel / SiglipVisionModel (SiglipTextOnnxConfig and
SiglipVisionModelOnnxConfig, i.e. CLIPTextOnnxConfig / CLIPVisionModelOnnxConfig; see
docs/replicas.md): text_model takes only `input_ids` (int64 [batch, sequence]; no attention mask,
the model was trained on rows padded to 64) and gives `last_hidden_state` and `pooler_output`
[batch, 768]; vision_model takes `pixel_values` (float32 [batch, 3, 224, 224]) and gives
`last_hidden_state` and `pooler_output` [batch, 768].
Initialisation follows transformers' SiglipPreTrainedModel._init_weights: embeddings
d^-0.5 (flax default embed init), attention and MLP weights xavier, Linear/Conv lecun normal.
"""

import numpy as np
from onnx import TensorProto

from graph import Builder

TEXT = dict(vocab_size=32000, hidden_size=768, intermediate_size=3072, num_hidden_layers=12,
            num_attention_heads=12, max_position_embeddings=64, hidden_act='gelu_pytorch_tanh',
            layer_norm_eps=1e-6, pad_token_id=1, bos_token_id=49406, eos_token_id=49407, model_type='siglip_text_model')
VISION = dict(hidden_size=768, intermediate_size=3072, num_hidden_layers=12, num_attention_heads=12,
              image_size=224, patch_size=16, num_channels=3, hidden_act='gelu_pytorch_tanh',
              layer_norm_eps=1e-6, model_type='siglip_vision_model')

SCALES = {
    'full': dict(),
    # Same graphs, 64 wide and 2 layers deep, same vocabulary and 64 positions: for fast tests of
    # the formats and the tokenizer, never for numbers. Its vectors are 64-d, not 768-d.
    'mini': dict(text=dict(hidden_size=64, intermediate_size=128, num_hidden_layers=2, num_attention_heads=2),
                 vision=dict(hidden_size=64, intermediate_size=128, num_hidden_layers=2, num_attention_heads=2)),
}


def dims(scale):
    s = SCALES[scale]
    return {**TEXT, **s.get('text', {})}, {**VISION, **s.get('vision', {})}


def normal(rng, shape, std):
    return (rng.standard_normal(shape) * std).astype(np.float32)


def xavier(rng, fan_in, fan_out):
    """xavier_uniform_'s std (sqrt(2 / (fan_in + fan_out))), drawn normal; stored [in, out] for x @ w."""
    return normal(rng, (fan_in, fan_out), np.sqrt(2.0 / (fan_in + fan_out)))


def zeros(n):
    return np.zeros(n, np.float32)


def attention(b, q_in, kv_in, d, h, rng, p, q_len=None):
    """Multi-head attention without mask: SigLIP's towers attend to every position."""
    hd = d // h
    heads_shape = b.ints([0, 0, h, hd])
    q = b.linear(q_in, xavier(rng, d, d), zeros(d), f'{p}.q_proj')
    k = b.linear(kv_in, xavier(rng, d, d), zeros(d), f'{p}.k_proj')
    v = b.linear(kv_in, xavier(rng, d, d), zeros(d), f'{p}.v_proj')
    if q_len is not None:
        # The pooling head's probe is one learned query shared by the batch.
        q = b.node('Expand', [q, q_len])
    q = b.node('Transpose', [b.node('Reshape', [q, heads_shape])], perm=[0, 2, 1, 3])
    k = b.node('Transpose', [b.node('Reshape', [k, heads_shape])], perm=[0, 2, 3, 1])
    v = b.node('Transpose', [b.node('Reshape', [v, heads_shape])], perm=[0, 2, 1, 3])
    scores = b.node('Mul', [b.node('MatMul', [q, k]), b.scalar(hd ** -0.5)])
    out = b.node('MatMul', [b.node('Softmax', [scores], axis=-1), v])
    out = b.node('Reshape', [b.node('Transpose', [out], perm=[0, 2, 1, 3]), b.ints([0, 0, d])])
    # out_proj: xavier in SiglipAttention; the pooling head's (a Linear in nn.MultiheadAttention) gets lecun normal.
    w = xavier(rng, d, d) if q_len is None else normal(rng, (d, d), d ** -0.5)
    return b.linear(out, w, zeros(d), f'{p}.out_proj')


def mlp(b, x, d, inter, rng, p):
    y = b.gelu_tanh(b.linear(x, xavier(rng, d, inter), normal(rng, inter, 1e-6), f'{p}.fc1'))
    return b.linear(y, xavier(rng, inter, d), normal(rng, d, 1e-6), f'{p}.fc2')


def encoder_layers(b, x, cfg, rng, prefix):
    d, h, eps = cfg['hidden_size'], cfg['num_attention_heads'], cfg['layer_norm_eps']
    for i in range(cfg['num_hidden_layers']):
        p = f'{prefix}.layers.{i}'
        y = b.layer_norm(x, d, rng, f'{p}.layer_norm1', eps)
        x = b.node('Add', [x, attention(b, y, y, d, h, rng, f'{p}.self_attn')])
        y = b.layer_norm(x, d, rng, f'{p}.layer_norm2', eps)
        x = b.node('Add', [x, mlp(b, y, d, cfg['intermediate_size'], rng, f'{p}.mlp')])
    return x


def text_model(variant, seed, scale='full'):
    cfg, _ = dims(scale)
    rng = np.random.default_rng(seed + 10)
    d, S = cfg['hidden_size'], cfg['max_position_embeddings']
    b = Builder(variant)
    ids = b.input('input_ids', TensorProto.INT64, ['batch_size', 'sequence_length'])
    x = b.embedding(normal(rng, (cfg['vocab_size'], d), d ** -0.5), ids, 'text_model.embeddings.token_embedding')
    seq1 = b.node('Shape', [ids], start=1, end=2)
    positions = b.node('Slice', [b.raw(np.arange(S, dtype=np.int64)[None], 'text_model.embeddings.position_ids'), b.ints([0]), seq1, b.ints([1])])
    pos_table = b.const(normal(rng, (S, d), d ** -0.5), 'text_model.embeddings.position_embedding.weight', count=True)
    x = b.node('Add', [x, b.node('Gather', [pos_table, positions])])
    x = encoder_layers(b, x, cfg, rng, 'text_model.encoder')
    last = b.layer_norm(x, d, rng, 'text_model.final_layer_norm', cfg['layer_norm_eps'])
    b.output(last, 'last_hidden_state', ['batch_size', 'sequence_length', d])
    # SiglipTextTransformer pools the state at the last position (rows are padded to 64, so that
    # is a pad token that has attended to the whole caption), then a Linear head.
    pooled = b.node('Gather', [last, b.ints(-1)], axis=1)
    out = b.linear(pooled, normal(rng, (d, d), d ** -0.5), zeros(d), 'text_model.head')
    b.output(out, 'pooler_output', ['batch_size', d])
    return b.model('main_graph'), b.params


def vision_model(variant, seed, scale='full'):
    _, cfg = dims(scale)
    rng = np.random.default_rng(seed + 11)
    d, P, size, eps = cfg['hidden_size'], cfg['patch_size'], cfg['image_size'], cfg['layer_norm_eps']
    n = (size // P) ** 2
    b = Builder(variant, has_conv=True)
    px = b.input('pixel_values', TensorProto.FLOAT, ['batch_size', 3, size, size])
    fan_in = 3 * P * P
    patches = b.conv(px, normal(rng, (d, 3, P, P), fan_in ** -0.5), P, 'vision_model.embeddings.patch_embedding')
    # The patch Conv has a bias (padding "valid"); lecun init leaves it zero, so a small one is drawn
    # to keep the Add meaningful.
    patches = b.node('Add', [patches, b.const(normal(rng, (1, d, 1, 1), 0.02), 'vision_model.embeddings.patch_embedding.bias', count=True)])
    x = b.node('Transpose', [b.node('Reshape', [patches, b.ints([0, d, n])])], perm=[0, 2, 1])
    # No class token: 196 positions, one per patch.
    x = b.node('Add', [x, b.const(normal(rng, (n, d), d ** -0.5), 'vision_model.embeddings.position_embedding.weight', count=True)])
    x = encoder_layers(b, x, cfg, rng, 'vision_model.encoder')
    x = b.layer_norm(x, d, rng, 'vision_model.post_layernorm', eps)
    b.output(x, 'last_hidden_state', ['batch_size', n, d])
    # SiglipMultiheadAttentionPoolingHead: one learned probe attends over the patches, then
    # residual + LayerNorm + MLP; the probe's row is the pooled output.
    batch = b.node('Shape', [px], start=0, end=1)
    probe = b.const(normal(rng, (1, 1, d), d ** -0.5), 'vision_model.head.probe', count=True)
    q_len = b.node('Concat', [batch, b.ints([1, d])], axis=0)
    h = attention(b, probe, x, d, cfg['num_attention_heads'], rng, 'vision_model.head.attention', q_len=q_len)
    y = b.layer_norm(h, d, rng, 'vision_model.head.layernorm', eps)
    h = b.node('Add', [h, mlp(b, y, d, cfg['intermediate_size'], rng, 'vision_model.head.mlp')])
    pooled = b.node('Gather', [h, b.ints(0)], axis=1)
    b.output(pooled, 'pooler_output', ['batch_size', d])
    return b.model('main_graph'), b.params


def config(scale='full'):
    text, vision = dims(scale)
    return {
        '_name_or_path': 'google/siglip-base-patch16-224',
        'architectures': ['SiglipModel'],
        'model_type': 'siglip',
        'initializer_factor': 1.0,
        'text_config': text,
        'vision_config': vision,
        'transformers_version': '4.37.0.dev0',
    }


# transformers' SiglipImageProcessor defaults (bicubic, 224×224 without crop, rescale 1/255,
# IMAGENET_STANDARD mean/std 0.5) as google/siglip-base-patch16-224 writes them.
PREPROCESSOR = {
    'do_normalize': True,
    'do_rescale': True,
    'do_resize': True,
    'image_mean': [0.5, 0.5, 0.5],
    'image_processor_type': 'SiglipImageProcessor',
    'image_std': [0.5, 0.5, 0.5],
    'processor_class': 'SiglipProcessor',
    'resample': 3,
    'rescale_factor': 0.00392156862745098,
    'size': {'height': 224, 'width': 224},
}
