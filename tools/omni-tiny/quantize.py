"""Make _fp16, _quantized (int8) and _q4 (4-bit) variants of every fp32 graph, using only standard ONNX ops.

- _fp16:      every float initializer stored as float16, followed by Cast(to=float32). Compute and graph I/O
              stay float32 (runs on WebGPU adapters without shader-f16 and on WASM).
- _quantized: weights of MatMul / Gemm / Conv (>= 1024 elements) stored as int8, symmetric per output channel,
              DequantizeLinear(axis) -> float32 weight. Other tensors stay float32.
- _q4:        same weights stored as 4-bit two's-complement-offset nibbles packed in uint8 (block size 32 along
              the input dimension, one float32 scale per block and output channel). Unpacked with
              Cast/Div/Floor/Mul/Sub/Concat/Reshape (standard ops). Other tensors stay float32.
"""
import glob
import os
import sys

import numpy as np
import onnx
from onnx import helper, numpy_helper, TensorProto

HERE = os.path.dirname(os.path.abspath(__file__))
ONNX_DIR = os.path.abspath(os.path.join(HERE, "..", "..", "models", "omni-tiny", "onnx"))
BLOCK = 32
MIN_Q = 1024


def strip_identity(g):
    inits = {i.name for i in g.initializer}
    ren = {}
    keep = []
    for n in g.node:
        if n.op_type == "Identity" and n.input[0] in inits and n.output[0] not in {o.name for o in g.output}:
            ren[n.output[0]] = n.input[0]
        else:
            keep.append(n)
    for n in keep:
        for i, x in enumerate(n.input):
            if x in ren:
                n.input[i] = ren[x]
    del g.node[:]
    g.node.extend(keep)


def weight_roles(g):
    """initializer name -> (kind, k_axis_layout) if it is only used as a quantizable weight."""
    inits = {i.name: i for i in g.initializer}
    uses = {}
    for n in g.node:
        for idx, x in enumerate(n.input):
            if x in inits:
                role = None
                if n.op_type == "MatMul" and idx == 1:
                    role = "kn"  # [K,N]
                elif n.op_type == "Gemm" and idx == 1:
                    tb = [a.i for a in n.attribute if a.name == "transB"]
                    role = "nk" if (tb and tb[0] == 1) else "kn"
                elif n.op_type == "Conv" and idx == 1:
                    role = "nk"  # [O, I*k...]
                uses.setdefault(x, set()).add(role)
    out = {}
    for name, r in uses.items():
        if len(r) == 1 and None not in r:
            t = inits[name]
            if t.data_type == TensorProto.FLOAT and int(np.prod(t.dims)) >= MIN_Q:
                out[name] = r.pop()
    return out


def as_nk(w, role):
    """-> 2D [N, K] view (N = output channels)."""
    if role == "kn":
        return w.T
    return w.reshape(w.shape[0], -1)


def replace_init(g, name, new_inits, new_nodes):
    keep = [i for i in g.initializer if i.name != name]
    del g.initializer[:]
    g.initializer.extend(keep + new_inits)
    nodes = list(new_nodes) + list(g.node)
    del g.node[:]
    g.node.extend(nodes)


def q8(model):
    g = model.graph
    strip_identity(g)
    roles = weight_roles(g)
    inits = {i.name: numpy_helper.to_array(i) for i in g.initializer}
    for name, role in roles.items():
        w = inits[name].astype(np.float32)
        axis = 1 if role == "kn" else 0
        red = tuple(a for a in range(w.ndim) if a != axis)
        s = np.abs(w).max(axis=red) / 127.0
        s = np.where(s == 0, 1.0, s).astype(np.float32)
        shp = [1] * w.ndim
        shp[axis] = -1
        q = np.clip(np.round(w / s.reshape(shp)), -127, 127).astype(np.int8)
        ni = [numpy_helper.from_array(q, name + "_q8"), numpy_helper.from_array(s, name + "_scale"),
              numpy_helper.from_array(np.zeros_like(s, dtype=np.int8), name + "_zp")]
        nd = [helper.make_node("DequantizeLinear", [name + "_q8", name + "_scale", name + "_zp"], [name], axis=axis,
                               name=name + "_dq")]
        replace_init(g, name, ni, nd)
    return model


def q4(model):
    g = model.graph
    strip_identity(g)
    roles = weight_roles(g)
    inits = {i.name: numpy_helper.to_array(i) for i in g.initializer}
    consts = [numpy_helper.from_array(np.array(16.0, np.float32), "q4_c16"),
              numpy_helper.from_array(np.array(8.0, np.float32), "q4_c8")]
    used = False
    for name, role in roles.items():
        w = inits[name].astype(np.float32)
        nk = as_nk(w, role)
        N, K = nk.shape
        if K % BLOCK:
            continue
        used = True
        nb = K // BLOCK
        blk = nk.reshape(N, nb, BLOCK)
        s = np.abs(blk).max(axis=2, keepdims=True) / 7.0
        s = np.where(s == 0, 1.0, s).astype(np.float32)
        q = np.clip(np.round(blk / s), -8, 7).astype(np.int16) + 8  # [N, nb, 32] in 0..15
        packed = (q[:, :, : BLOCK // 2] + 16 * q[:, :, BLOCK // 2:]).astype(np.uint8)  # [N, nb, 16]
        p = name + "_q4"
        ni = [numpy_helper.from_array(packed, p), numpy_helper.from_array(s, p + "_scale"),
              numpy_helper.from_array(np.array([N, K], np.int64), p + "_nk"),
              numpy_helper.from_array(np.array(w.shape if role == "nk" else (N, K), np.int64), p + "_shape")]
        nd = [
            helper.make_node("Cast", [p], [p + "_f"], to=TensorProto.FLOAT),
            helper.make_node("Div", [p + "_f", "q4_c16"], [p + "_d"]),
            helper.make_node("Floor", [p + "_d"], [p + "_hi"]),
            helper.make_node("Mul", [p + "_hi", "q4_c16"], [p + "_hi16"]),
            helper.make_node("Sub", [p + "_f", p + "_hi16"], [p + "_lo"]),
            helper.make_node("Concat", [p + "_lo", p + "_hi"], [p + "_u"], axis=2),
            helper.make_node("Sub", [p + "_u", "q4_c8"], [p + "_c"]),
            helper.make_node("Mul", [p + "_c", p + "_scale"], [p + "_w"]),
        ]
        if role == "kn":
            nd += [helper.make_node("Reshape", [p + "_w", p + "_nk"], [p + "_nk2"]),
                   helper.make_node("Transpose", [p + "_nk2"], [name], perm=[1, 0])]
        else:
            nd += [helper.make_node("Reshape", [p + "_w", p + "_shape"], [name])]
        replace_init(g, name, ni, nd)
    if used:
        g.initializer.extend(consts)
    return model


def fp16(model):
    g = model.graph
    strip_identity(g)
    new_inits, nodes = [], []
    for t in list(g.initializer):
        if t.data_type == TensorProto.FLOAT and int(np.prod(t.dims)) > 1:
            a = numpy_helper.to_array(t).astype(np.float16)
            new_inits.append(numpy_helper.from_array(a, t.name + "_fp16"))
            nodes.append(helper.make_node("Cast", [t.name + "_fp16"], [t.name], to=TensorProto.FLOAT,
                                          name=t.name + "_cast"))
        else:
            new_inits.append(t)
    del g.initializer[:]
    g.initializer.extend(new_inits)
    allnodes = nodes + list(g.node)
    del g.node[:]
    g.node.extend(allnodes)
    return model


def main():
    # optional argument: another export's onnx/ folder (a training trial's scratch copy)
    onnx_dir = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else ONNX_DIR
    for f in sorted(glob.glob(os.path.join(onnx_dir, "*_model.onnx"))):
        base = f[:-5]
        for suffix, fn in (("_fp16", fp16), ("_quantized", q8), ("_q4", q4)):
            m = fn(onnx.load(f))
            onnx.checker.check_model(m)
            onnx.save(m, base + suffix + ".onnx")
            print(os.path.basename(base + suffix + ".onnx"), os.path.getsize(base + suffix + ".onnx"))


if __name__ == "__main__":
    main()
