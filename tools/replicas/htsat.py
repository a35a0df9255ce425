"""CLAP's HTSAT audio tower (ClapAudioEncoder, unfused): a Swin transformer over the log-mel image.

What the graph does, in ClapAudioEncoder's order: per-mel-bin BatchNorm (inference affine), bicubic
(align_corners) stretch of 1001 frames to 1024 (a constant interpolation matrix, so it stays float
in every variant as Resize does), fold time into a 256×256 image (freq_ratio 4), 4×4/4 patch
Conv + LayerNorm (64×64 tokens of 96), four Swin stages (depths 2,2,6,2; heads 4,8,16,32;
window 8, shifted windows with their mask, relative position bias; patch merging between
stages), final LayerNorm, mean over tokens (the encoder's avgpool) → 768, then the projection.
"""

import numpy as np
from onnx import TensorProto

from graph import Builder

AUDIO = dict(window_size=8, num_mel_bins=64, spec_size=256, hidden_act='gelu', patch_size=4, patch_stride=[4, 4],
             num_classes=527, hidden_size=768, projection_dim=512, depths=[2, 2, 6, 2], num_attention_heads=[4, 8, 16, 32],
             enable_fusion=False, hidden_dropout_prob=0.1, fusion_type=None, patch_embed_input_channels=1,
             flatten_patch_embeds=True, patch_embeds_hidden_size=96, enable_patch_layer_norm=True, drop_path_rate=0.0,
             attention_probs_dropout_prob=0.0, qkv_bias=True, mlp_ratio=4.0, aff_block_r=4, num_hidden_layers=4,
             projection_hidden_act='relu', layer_norm_eps=1e-5, initializer_factor=1.0)
FRAMES = 1001  # ClapFeatureExtractor: 1 + 480000 / 480 centred frames


def normal(rng, shape, std):
    return (rng.standard_normal(shape) * std).astype(np.float32)


def bicubic_matrix(n_out, n_in, a=-0.75):
    """Rows: output samples; torch's bicubic (A = -0.75) with align_corners=True, edges clamped."""
    m = np.zeros((n_out, n_in), np.float64)
    scale = (n_in - 1) / (n_out - 1)
    for i in range(n_out):
        x = i * scale
        x0 = int(np.floor(x))
        t = x - x0
        for k, dist in zip(range(-1, 3), (1 + t, t, 1 - t, 2 - t)):
            w = ((a + 2) * dist - (a + 3)) * dist * dist + 1 if dist <= 1 else ((a * dist - 5 * a) * dist + 8 * a) * dist - 4 * a
            m[i, min(max(x0 + k, 0), n_in - 1)] += w
    return m.astype(np.float32)


def relative_index(w):
    """Swin's relative_position_index: [w², w²] indices into the (2w-1)² bias table."""
    coords = np.stack(np.meshgrid(np.arange(w), np.arange(w), indexing='ij')).reshape(2, -1)
    rel = (coords[:, :, None] - coords[:, None, :]).transpose(1, 2, 0) + (w - 1)
    return rel[..., 0] * (2 * w - 1) + rel[..., 1]


def shift_mask(size, w, s):
    """Swin's attention mask for shifted windows: -100 between tokens from different regions."""
    img = np.zeros((size, size))
    cnt = 0
    for hs in (slice(0, -w), slice(-w, -s), slice(-s, None)):
        for ws in (slice(0, -w), slice(-w, -s), slice(-s, None)):
            img[hs, ws] = cnt
            cnt += 1
    win = img.reshape(size // w, w, size // w, w).transpose(0, 2, 1, 3).reshape(-1, w * w)
    return np.where(win[:, :, None] != win[:, None, :], -100.0, 0.0).astype(np.float32)


def roll(b, x, axes):
    """torch.roll on static axes ({axis: (length, shift)}) with Slice + Concat (ONNX has no Roll)."""
    for axis, (n, k) in axes.items():
        k %= n
        if k == 0:
            continue
        tail = b.node('Slice', [x, b.ints([n - k]), b.ints([n]), b.ints([axis])])
        head = b.node('Slice', [x, b.ints([0]), b.ints([n - k]), b.ints([axis])])
        x = b.node('Concat', [tail, head], axis=axis)
    return x


def swin_block(b, x, size, d, heads, w, shift, rng, std, p):
    """x: [batch, size², d] → same; window attention (shifted when shift > 0) then the MLP."""
    hd, n_win = d // heads, (size // w) ** 2
    y = b.layer_norm(x, d, rng, f'{p}.layernorm_before')
    y = b.node('Reshape', [y, b.ints([-1, size, size, d])])
    if shift:
        y = roll(b, y, {1: (size, -shift), 2: (size, -shift)})
    y = b.node('Reshape', [y, b.ints([-1, size // w, w, size // w, w, d])])
    y = b.node('Reshape', [b.node('Transpose', [y], perm=[0, 1, 3, 2, 4, 5]), b.ints([-1, w * w, d])])
    heads_shape = b.ints([0, 0, heads, hd])
    q, k, v = (b.linear(y, normal(rng, (d, d), std), np.zeros(d, np.float32), f'{p}.attention.self.{n}') for n in ('query', 'key', 'value'))
    q = b.node('Transpose', [b.node('Reshape', [q, heads_shape])], perm=[0, 2, 1, 3])
    k = b.node('Transpose', [b.node('Reshape', [k, heads_shape])], perm=[0, 2, 3, 1])
    v = b.node('Transpose', [b.node('Reshape', [v, heads_shape])], perm=[0, 2, 1, 3])
    # Relative position bias gathered from its table at build time (a constant, as export folds it).
    table = normal(rng, ((2 * w - 1) ** 2, heads), 0.02)
    b.params += table.size
    bias = table[relative_index(w).reshape(-1)].reshape(w * w, w * w, heads).transpose(2, 0, 1)
    scores = b.node('Add', [b.node('Mul', [b.node('MatMul', [q, k]), b.scalar(hd ** -0.5)]), b.const(bias[None])])
    if shift:
        scores = b.node('Reshape', [scores, b.ints([-1, n_win, heads, w * w, w * w])])
        scores = b.node('Add', [scores, b.const(shift_mask(size, w, shift)[None, :, None])])
        scores = b.node('Reshape', [scores, b.ints([-1, heads, w * w, w * w])])
    ctx = b.node('MatMul', [b.node('Softmax', [scores], axis=-1), v])
    ctx = b.node('Reshape', [b.node('Transpose', [ctx], perm=[0, 2, 1, 3]), b.ints([0, 0, d])])
    ctx = b.linear(ctx, normal(rng, (d, d), std), np.zeros(d, np.float32), f'{p}.attention.output.dense')
    ctx = b.node('Reshape', [ctx, b.ints([-1, size // w, size // w, w, w, d])])
    ctx = b.node('Reshape', [b.node('Transpose', [ctx], perm=[0, 1, 3, 2, 4, 5]), b.ints([-1, size, size, d])])
    if shift:
        ctx = roll(b, ctx, {1: (size, shift), 2: (size, shift)})
    x = b.node('Add', [x, b.node('Reshape', [ctx, b.ints([-1, size * size, d])])])
    ff = 4 * d
    y = b.gelu(b.linear(b.layer_norm(x, d, rng, f'{p}.layernorm_after'), normal(rng, (d, ff), std), np.zeros(ff, np.float32), f'{p}.intermediate.dense'))
    return b.node('Add', [x, b.linear(y, normal(rng, (ff, d), std), np.zeros(d, np.float32), f'{p}.output.dense')])


def patch_merging(b, x, size, d, rng, std, p):
    """[batch, size², d] → [batch, (size/2)², 2d]: 2×2 neighbours concatenated (x0, x1, x2, x3 order), LN, Linear."""
    x = b.node('Reshape', [x, b.ints([-1, size // 2, 2, size // 2, 2, d])])
    x = b.node('Reshape', [b.node('Transpose', [x], perm=[0, 1, 3, 4, 2, 5]), b.ints([-1, (size // 2) ** 2, 4 * d])])
    x = b.layer_norm(x, 4 * d, rng, f'{p}.downsample.norm')
    return b.linear(x, normal(rng, (4 * d, 2 * d), std), None, f'{p}.downsample.reduction')


def audio_model(variant, seed, cfg, project):
    rng = np.random.default_rng(seed + 11)
    mel, spec, ratio = cfg['num_mel_bins'], cfg['spec_size'], 4
    width, P, w = cfg['patch_embeds_hidden_size'], cfg['patch_size'], cfg['window_size']
    std = cfg['hidden_size'] ** -0.5 * (2 * cfg['num_hidden_layers']) ** -0.5
    b = Builder(variant, has_conv=True)
    # All four axes symbolic, as transformers.js' export config declares them (audio_batch_size,
    # num_channels, height, width); only [*, 1, 1001, 64] runs, as in the real graph.
    x = b.input('input_features', TensorProto.FLOAT, ['audio_batch_size', 'num_channels', 'height', 'width'])
    # bn0 over mel bins, in inference form (running stats folded into a scale and shift).
    bn_scale = (1.0 + 0.05 * rng.standard_normal(mel)).astype(np.float32)
    bn_shift = (0.02 * rng.standard_normal(mel)).astype(np.float32)
    b.params += 2 * mel
    x = b.node('Add', [b.node('Mul', [x, b.const(bn_scale, 'audio_encoder.batch_norm.scale')]), b.const(bn_shift, 'audio_encoder.batch_norm.shift')])
    # reshape_mel2img: 1001 → 1024 frames, then 4 time chunks stacked along frequency → 256×256.
    x = b.node('MatMul', [b.const(bicubic_matrix(spec * ratio, FRAMES), 'audio_encoder.interpolate'), x])
    x = b.node('Reshape', [x, b.ints([-1, ratio, spec, mel])])
    x = b.node('Reshape', [b.node('Transpose', [x], perm=[0, 1, 3, 2]), b.ints([-1, 1, spec, spec])])
    size = spec // P
    x = b.conv(x, normal(rng, (width, 1, P, P), std), P, 'audio_encoder.patch_embed.proj')
    x = b.node('Transpose', [b.node('Reshape', [x, b.ints([0, width, size * size])])], perm=[0, 2, 1])
    x = b.node('Add', [x, b.const(np.zeros(width, np.float32), 'audio_encoder.patch_embed.proj.bias', count=True)])
    x = b.layer_norm(x, width, rng, 'audio_encoder.patch_embed.norm')
    d = width
    for s, (depth, heads) in enumerate(zip(cfg['depths'], cfg['num_attention_heads'])):
        win = min(w, size)  # a stage no larger than a window attends globally, unshifted
        for i in range(depth):
            shift = win // 2 if (i % 2 and size > w) else 0
            x = swin_block(b, x, size, d, heads, win, shift, rng, std, f'audio_encoder.layers.{s}.blocks.{i}')
        if s < len(cfg['depths']) - 1:
            x = patch_merging(b, x, size, d, rng, std, f'audio_encoder.layers.{s}')
            size, d = size // 2, d * 2
    x = b.layer_norm(x, d, rng, 'audio_encoder.norm')
    pooled = b.node('ReduceMean', [x], axes=[1], keepdims=0)
    b.output(project(b, pooled, d, rng, std), 'audio_embeds', ['batch_size', cfg['projection_dim']])
    return b.model('main_graph'), b.params
