#!/usr/bin/python3
"""One MatMul of ViT-B/32's MLP shape ([rows, 768] x [768, 3072], fp32): what onnxruntime-web's
WASM SIMD kernel reaches on a large matmul is the practical peak the towers are compared with.
  /usr/bin/python3 bench/scale/matmul.py OUT.onnx [rows]"""

import sys

import numpy as np
from onnx import TensorProto, helper, numpy_helper, save

out = sys.argv[1]
rows = int(sys.argv[2]) if len(sys.argv) > 2 else 400
w = (np.random.default_rng(0).standard_normal((768, 3072)) * 0.02).astype(np.float32)
graph = helper.make_graph(
    [helper.make_node('MatMul', ['x', 'w'], ['y'])], 'matmul',
    [helper.make_tensor_value_info('x', TensorProto.FLOAT, [rows, 768])],
    [helper.make_tensor_value_info('y', TensorProto.FLOAT, [rows, 3072])],
    [numpy_helper.from_array(w, 'w')])
model = helper.make_model(graph, opset_imports=[helper.make_opsetid('', 17)])
model.ir_version = 8
save(model, out)
