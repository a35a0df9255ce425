"""Xenova/clap-htsat-unfused: RoBERTa text tower and HTSAT audio tower with the real shapes and I/O.

I/O as transformers.js' CLAP export defines it (scripts/extra/clap.py, see docs/replicas.md):
text_model takes `input_ids` and `attention_mask` (int64 [batch_size, sequence_length]) and gives
`text_embeds` [batch_size, 512]; audio_model takes `input_features` (float32 [batch, 1, 1001, 64],
the ClapFeatureExtractor's log-mel) and gives `audio_embeds` [batch_size, 512]. Both are
ClapText/AudioModelWithProjection: pooled output → Linear → ReLU → Linear (ClapProjectionLayer),
unnormalised. Initialisation follows ClapPreTrainedModel._init_weights.
"""

import numpy as np
from onnx import TensorProto

import htsat
from graph import Builder

TEXT = dict(vocab_size=50265, hidden_size=768, intermediate_size=3072, num_hidden_layers=12, num_attention_heads=12,
            max_position_embeddings=514, type_vocab_size=1, hidden_act='gelu', layer_norm_eps=1e-12,
            pad_token_id=1, bos_token_id=0, eos_token_id=2, projection_dim=512, projection_hidden_act='relu',
            initializer_factor=1.0, model_type='clap_text_model')
PROJECTION = 512

SCALES = {
    'full': dict(),
    # Same graphs, narrow and shallow, same vocabulary and 512-d outputs (so the preset applies):
    # for fast tests of the formats and the wiring, never for numbers.
    'mini': dict(text=dict(hidden_size=64, intermediate_size=128, num_hidden_layers=2, num_attention_heads=2),
                 audio=dict(patch_embeds_hidden_size=32, depths=[2, 1, 1, 1], num_attention_heads=[1, 1, 2, 2])),
}


def dims(scale):
    s = SCALES[scale]
    return {**TEXT, **s.get('text', {})}, {**htsat.AUDIO, **s.get('audio', {})}


def normal(rng, shape, std):
    return (rng.standard_normal(shape) * std).astype(np.float32)


def bert_layers(b, x, cfg, rng, mask):
    """RoBERTa's post-LayerNorm encoder layers (self-attention with the padding mask, GELU MLP)."""
    d, h, L, ff = cfg['hidden_size'], cfg['num_attention_heads'], cfg['num_hidden_layers'], cfg['intermediate_size']
    hd = d // h
    std = d ** -0.5 * (2 * L) ** -0.5  # every Linear: ClapPreTrainedModel's in_proj_std
    zeros = lambda n: np.zeros(n, np.float32)  # noqa: E731  (biases start at zero)
    heads_shape, merged_shape = b.ints([0, 0, h, hd]), b.ints([0, 0, d])
    for i in range(L):
        p = f'text_model.encoder.layer.{i}'
        q, k, v = (b.linear(x, normal(rng, (d, d), std), zeros(d), f'{p}.attention.self.{n}') for n in ('query', 'key', 'value'))
        q = b.node('Transpose', [b.node('Reshape', [q, heads_shape])], perm=[0, 2, 1, 3])
        k = b.node('Transpose', [b.node('Reshape', [k, heads_shape])], perm=[0, 2, 3, 1])
        v = b.node('Transpose', [b.node('Reshape', [v, heads_shape])], perm=[0, 2, 1, 3])
        scores = b.node('Add', [b.node('Mul', [b.node('MatMul', [q, k]), b.scalar(hd ** -0.5)]), mask])
        ctx = b.node('MatMul', [b.node('Softmax', [scores], axis=-1), v])
        ctx = b.node('Reshape', [b.node('Transpose', [ctx], perm=[0, 2, 1, 3]), merged_shape])
        out = b.linear(ctx, normal(rng, (d, d), std), zeros(d), f'{p}.attention.output.dense')
        x = b.layer_norm(b.node('Add', [x, out]), d, rng, f'{p}.attention.output.LayerNorm')
        y = b.gelu(b.linear(x, normal(rng, (d, ff), std), zeros(ff), f'{p}.intermediate.dense'))
        y = b.linear(y, normal(rng, (ff, d), std), zeros(d), f'{p}.output.dense')
        x = b.layer_norm(b.node('Add', [x, y]), d, rng, f'{p}.output.LayerNorm')
    return x


def projection(b, x, d_in, rng, std, prefix):
    """ClapProjectionLayer: linear1 (d_in → 512), ReLU, linear2 (512 → 512), both with bias."""
    y = b.linear(x, normal(rng, (d_in, PROJECTION), std), np.zeros(PROJECTION, np.float32), f'{prefix}.linear1')
    return b.linear(b.node('Relu', [y]), normal(rng, (PROJECTION, PROJECTION), std), np.zeros(PROJECTION, np.float32), f'{prefix}.linear2')


def text_model(variant, seed, scale='full'):
    cfg, _ = dims(scale)
    rng = np.random.default_rng(seed + 10)
    d, pad = cfg['hidden_size'], cfg['pad_token_id']
    b = Builder(variant)
    ids = b.input('input_ids', TensorProto.INT64, ['batch_size', 'sequence_length'])
    attn = b.input('attention_mask', TensorProto.INT64, ['batch_size', 'sequence_length'])
    x = b.embedding(normal(rng, (cfg['vocab_size'], d), 0.02), ids, 'text_model.embeddings.word_embeddings')
    # RoBERTa positions (create_position_ids_from_input_ids): padding_idx + cumulative count of
    # non-pad tokens, pad tokens at padding_idx; hence 514 rows for 512 tokens.
    real = b.node('Cast', [b.node('Not', [b.node('Equal', [ids, b.ints(pad)])])], to=TensorProto.INT64)
    positions = b.node('Add', [b.node('Mul', [b.node('CumSum', [real, b.ints(1)]), real]), b.ints(pad)])
    pos_table = b.const(normal(rng, (cfg['max_position_embeddings'], d), 0.02), 'text_model.embeddings.position_embeddings.weight', count=True)
    x = b.node('Add', [x, b.node('Gather', [pos_table, positions])])
    # token_type_ids default to zeros (a registered buffer): row 0 of the one-row table, added.
    x = b.node('Add', [x, b.const(normal(rng, (1, d), 0.02), 'text_model.embeddings.token_type_embeddings.weight', count=True)])
    x = b.layer_norm(x, d, rng, 'text_model.embeddings.LayerNorm')
    # Extended mask: 0 where attended, a large negative (fp16-safe) on padding, [batch, 1, 1, seq].
    keep = b.node('Cast', [b.node('Unsqueeze', [attn, b.ints([1, 2])])], to=b.ft)
    mask = b.node('Mul', [b.node('Sub', [b.scalar(1.0), keep]), b.scalar(-1e4)])
    x = bert_layers(b, x, cfg, rng, mask)
    # ClapTextModel's pooler (dense + tanh on <s>), then the projection.
    first = b.node('Gather', [x, b.ints(0)], axis=1)
    std = d ** -0.5 * (2 * cfg['num_hidden_layers']) ** -0.5
    pooled = b.node('Tanh', [b.linear(first, normal(rng, (d, d), std), np.zeros(d, np.float32), 'text_model.pooler.dense')])
    b.output(projection(b, pooled, d, rng, std, 'text_projection'), 'text_embeds', ['batch_size', PROJECTION])
    return b.model('main_graph'), b.params


def audio_model(variant, seed, scale='full'):
    _, cfg = dims(scale)
    return htsat.audio_model(variant, seed, cfg, lambda b, x, d, rng, std: projection(b, x, d, rng, std, 'audio_projection'))


def config(scale='full'):
    text, audio = dims(scale)
    return {
        '_name_or_path': 'laion/clap-htsat-unfused',
        'architectures': ['ClapModel'],
        'model_type': 'clap',
        'projection_dim': PROJECTION,
        'projection_hidden_act': 'relu',
        'logit_scale_init_value': 14.285714285714285,
        'initializer_factor': 1.0,
        'hidden_size': 768,
        'text_config': {**text},
        'audio_config': {**audio, 'model_type': 'clap_audio_model'},
        'transformers_version': '4.27.0.dev0',
    }


# laion/clap-htsat-unfused's preprocessor_config.json (mirrored by Xenova): 10 s at 48 kHz,
# 1024-point FFT, hop 480 → 1001 frames of 64 Slaney mel bins (50 Hz – 14 kHz), repeat-padded,
# random crop of longer clips ("rand_trunc"; "fusion" is the fused checkpoints').
PREPROCESSOR = {
    'chunk_length_s': 10,
    'feature_extractor_type': 'ClapFeatureExtractor',
    'feature_size': 64,
    'fft_window_size': 1024,
    'frequency_max': 14000,
    'frequency_min': 50,
    'hop_length': 480,
    'max_length_s': 10,
    'n_fft': 1024,
    'nb_frequency_bins': 513,
    'nb_max_frames': 1000,
    'nb_max_samples': 480000,
    'padding': 'repeatpad',
    'padding_side': 'right',
    'padding_value': 0.0,
    'processor_class': 'ClapProcessor',
    'return_attention_mask': False,
    'sampling_rate': 48000,
    'top_db': None,
    'truncation': 'rand_trunc',
}
