"""A small ONNX graph builder whose linear layers come out in the hub's dtype forms.

One builder, one description of a tower, every variant: the float type (fp32 or fp16 weights,
with float32 graph I/O and Casts at the edges, as transformers.js' quantize_fp16 writes with
keep_io_types=True) and the weight format of every MatMul/Conv/Gather with a constant weight:

  float    MatMul / Conv / Gather on float weights
  q8/int8/uint8
           what onnxruntime's dynamic quantizer (IntegerOps mode) writes: DynamicQuantizeLinear on
           the activation, MatMulInteger / ConvInteger on 8-bit weights, Cast + Mul by the two
           scales; Gather tables as 8-bit data + DequantizeLinear after the Gather
  q4       MatMulNBits (com.microsoft, bits=4, block_size=32, symmetric) for MatMuls, as
           MatMul4BitsQuantizer writes; Conv and Gather stay float
"""

import numpy as np
from onnx import TensorProto, helper, numpy_helper

F32, F16 = TensorProto.FLOAT, TensorProto.FLOAT16
FP16_MAX = 65504.0


class Variant:
    def __init__(self, name, float_type='fp32', weights='float', io16=False):
        self.name = name              # file suffix key: '', 'fp16', 'quantized', ...
        self.float_type = float_type  # 'fp32' | 'fp16'
        self.weights = weights        # 'float' | 'int8' | 'uint8' | 'q8' | 'q4'
        self.io16 = io16              # float16 graph inputs/outputs (optimum --dtype fp16 style)


# The hub's variants (transformers.js scripts/quantize.py QuantMode) and the file suffixes.
VARIANTS = {
    '': Variant('fp32'),
    '_fp16': Variant('fp16', 'fp16'),
    '_quantized': Variant('q8', weights='q8'),
    '_int8': Variant('int8', weights='int8'),
    '_uint8': Variant('uint8', weights='uint8'),
    '_q4': Variant('q4', weights='q4'),
    '_q4f16': Variant('q4f16', 'fp16', weights='q4'),
}


class Builder:
    def __init__(self, variant, has_conv=False):
        self.v = variant
        self.nodes, self.inits, self.inputs, self.outputs = [], [], [], []
        self.n = 0
        self.ft = F16 if variant.float_type == 'fp16' else F32
        self.np_ft = np.float16 if variant.float_type == 'fp16' else np.float32
        # quantize.py: QUInt8 weights for q8 when the model has a Conv (ORT-web has no int8 ConvInteger).
        w = variant.weights
        self.qtype = 'uint8' if w == 'uint8' or (w == 'q8' and has_conv) else 'int8'
        self.params = 0

    def name(self, hint):
        self.n += 1
        return f'/{hint}_{self.n}'

    def node(self, op, inputs, n_out=1, hint=None, domain='', **attrs):
        outs = [self.name(hint or op) for _ in range(n_out)]
        self.nodes.append(helper.make_node(op, inputs, outs, name=outs[0] + '_node', domain=domain or None, **attrs))
        return outs[0] if n_out == 1 else outs

    def const(self, array, name=None, count=False):
        name = name or self.name('const')
        if array.dtype in (np.float32, np.float64):
            if self.ft == F16:
                array = np.clip(array, -FP16_MAX, FP16_MAX)
            array = array.astype(self.np_ft)
        if count:
            self.params += array.size
        # copy(), not ascontiguousarray(): that turns 0-d scalars into shape [1].
        self.inits.append(numpy_helper.from_array(array.copy(order="C"), name))
        return name

    def raw(self, array, name=None):
        """An initializer kept in its own dtype (ints, quantized data, fp32 scales)."""
        name = name or self.name('const')
        self.inits.append(numpy_helper.from_array(array.copy(order="C"), name))
        return name

    def ints(self, values):
        return self.raw(np.array(values, dtype=np.int64))

    def scalar(self, value):
        return self.const(np.array(value, dtype=np.float32))

    # ---- graph edges -------------------------------------------------------------------------

    def input(self, name, elem, shape):
        float_in = elem == F32
        declared = F16 if (float_in and self.v.io16) else elem
        self.inputs.append(helper.make_tensor_value_info(name, declared, shape))
        if float_in and declared != self.ft:
            return self.node('Cast', [name], to=self.ft, hint=f'{name}_cast')
        return name

    def output(self, value, name, shape):
        declared = F16 if self.v.io16 else F32
        if declared != self.ft:
            self.nodes.append(helper.make_node('Cast', [value], [name], to=declared, name=f'/{name}_cast'))
        else:
            self.nodes.append(helper.make_node('Identity', [value], [name], name=f'/{name}_id'))
        self.outputs.append(helper.make_tensor_value_info(name, declared, shape))

    # ---- layers ------------------------------------------------------------------------------

    def linear(self, x, w, b=None, hint='linear'):
        """x @ w (+ b); w is [K, N] float32, emitted in this variant's weight format."""
        self.params += w.size + (b.size if b is not None else 0)
        mode = self.v.weights
        if mode == 'float':
            y = self.node('MatMul', [x, self.const(w, f'{hint}.weight')], hint=hint)
        elif mode == 'q4':
            y = self.matmul_nbits(x, w, hint)
        else:
            y = self.matmul_integer(x, w, hint)
        if b is not None:
            y = self.node('Add', [y, self.const(b, f'{hint}.bias')], hint=hint + '_bias')
        return y

    def quantize_weight(self, w):
        """Per-tensor 8-bit weights as onnxruntime's quantizer computes them (no reduce_range)."""
        lo, hi = min(float(w.min()), 0.0), max(float(w.max()), 0.0)
        if self.qtype == 'int8':  # symmetric, zero point 0
            absmax = max(abs(lo), abs(hi))
            scale = absmax / 127.0 if absmax > 0 else 1.0
            q = np.clip(np.round(w / scale), -127, 127).astype(np.int8)
            return q, np.float32(scale), np.int8(0)
        scale = (hi - lo) / 255.0 if hi > lo else 1.0
        zp = int(np.clip(np.round(-lo / scale), 0, 255))
        q = np.clip(np.round(w / scale) + zp, 0, 255).astype(np.uint8)
        return q, np.float32(scale), np.uint8(zp)

    def to_f32(self, x):
        return self.node('Cast', [x], to=F32) if self.ft == F16 else x

    def from_f32(self, x):
        return self.node('Cast', [x], to=F16) if self.ft == F16 else x

    def matmul_integer(self, x, w, hint):
        q, scale, zp = self.quantize_weight(w)
        xq, xs, xz = self.node('DynamicQuantizeLinear', [self.to_f32(x)], n_out=3, hint=hint + '_quant')
        y = self.node('MatMulInteger', [xq, self.raw(q, f'{hint}.weight_quantized'), xz, self.raw(np.array(zp), f'{hint}.weight_zero_point')], hint=hint + '_MatMulInteger')
        yf = self.node('Cast', [y], to=F32)
        s = self.node('Mul', [xs, self.raw(np.array(scale, dtype=np.float32), f'{hint}.weight_scale')])
        return self.from_f32(self.node('Mul', [yf, s], hint=hint + '_out'))

    def matmul_nbits(self, x, w, hint, block=32):
        """MatMulNBits: B as [N, K/block, block/2] uint8 (low nibble first), symmetric (zero point 8)."""
        K, N = w.shape
        assert K % block == 0, (K, block)
        wt = w.T.reshape(N, K // block, block)
        absmax = np.abs(wt).max(axis=2)
        # MatMul4BitsQuantizer's symmetric scale: the signed max maps to -8.
        scale = np.where(absmax > 0, absmax / 8.0, 1.0).astype(np.float32)
        q = np.clip(np.round(wt / scale[..., None]) + 8, 0, 15).astype(np.uint8)
        packed = (q[..., 0::2] | (q[..., 1::2] << 4)).astype(np.uint8)
        scales = self.const(scale.reshape(-1), f'{hint}.weight_scales')
        return self.node('MatMulNBits', [x, self.raw(packed, f'{hint}.weight_Q4'), scales], hint=hint + '_MatMulNBits',
                         domain='com.microsoft', K=K, N=N, bits=4, block_size=block)

    def conv(self, x, w, stride, hint='conv'):
        self.params += w.size
        if self.v.weights in ('q8', 'int8', 'uint8'):
            q, scale, zp = self.quantize_weight(w)
            xq, xs, xz = self.node('DynamicQuantizeLinear', [self.to_f32(x)], n_out=3, hint=hint + '_quant')
            y = self.node('ConvInteger', [xq, self.raw(q, f'{hint}.weight_quantized'), xz, self.raw(np.array(zp), f'{hint}.weight_zero_point')], strides=[stride, stride])
            s = self.node('Mul', [xs, self.raw(np.array(scale, dtype=np.float32))])
            return self.from_f32(self.node('Mul', [self.node('Cast', [y], to=F32), s]))
        return self.node('Conv', [x, self.const(w, f'{hint}.weight')], strides=[stride, stride], hint=hint)

    def embedding(self, table, ids, hint):
        self.params += table.size
        if self.v.weights in ('q8', 'int8', 'uint8'):
            q, scale, zp = self.quantize_weight(table)
            g = self.node('Gather', [self.raw(q, f'{hint}.weight_quantized'), ids], hint=hint)
            d = self.node('DequantizeLinear', [g, self.raw(np.array(scale, dtype=np.float32)), self.raw(np.array(zp))])
            return self.from_f32(d)
        return self.node('Gather', [self.const(table, f'{hint}.weight'), ids], hint=hint)

    def layer_norm(self, x, dim, rng, hint, eps=1e-5):
        # Near-identity affine (as trained LayerNorms are), not exactly 1/0, so the weights matter.
        g = (1.0 + 0.05 * rng.standard_normal(dim)).astype(np.float32)
        b = (0.02 * rng.standard_normal(dim)).astype(np.float32)
        self.params += 2 * dim
        return self.node('LayerNormalization', [x, self.const(g, f'{hint}.weight'), self.const(b, f'{hint}.bias')], axis=-1, epsilon=eps, hint=hint)

    def quick_gelu(self, x):
        return self.node('Mul', [x, self.node('Sigmoid', [self.node('Mul', [x, self.scalar(1.702)])])])

    def gelu(self, x):
        # erf form, as torch's exact GELU exports
        e = self.node('Erf', [self.node('Div', [x, self.scalar(np.sqrt(2.0))])])
        return self.node('Mul', [self.node('Mul', [x, self.scalar(0.5)]), self.node('Add', [e, self.scalar(1.0)])])

    def gelu_tanh(self, x):
        # tanh approximation (transformers' gelu_pytorch_tanh), as SigLIP exports it
        inner = self.node('Add', [x, self.node('Mul', [self.node('Pow', [x, self.scalar(3.0)]), self.scalar(0.044715)])])
        t = self.node('Tanh', [self.node('Mul', [inner, self.scalar(np.sqrt(2.0 / np.pi))])])
        return self.node('Mul', [self.node('Mul', [x, self.scalar(0.5)]), self.node('Add', [t, self.scalar(1.0)])])

    def model(self, graph_name, opset=17):
        graph = helper.make_graph(self.nodes, graph_name, self.inputs, self.outputs, self.inits)
        opsets = [helper.make_opsetid('', opset)]
        if any(n.domain == 'com.microsoft' for n in self.nodes):
            opsets.append(helper.make_opsetid('com.microsoft', 1))
        m = helper.make_model(graph, opset_imports=opsets, producer_name='omni-embed replicas')
        m.ir_version = 8
        return m
