// A tiny ONNX writer so browser tests can generate graphs without Python or a fixture binary.
// It covers just what test graphs need: float initializers, named inputs/outputs, plain nodes.

const enum Wire { Varint = 0, Bytes = 2 }

class ProtoWriter {
  private chunks: number[] = [];

  varint(field: number, value: number): this {
    this.tag(field, Wire.Varint);
    this.rawVarint(value);
    return this;
  }

  bytes(field: number, data: Uint8Array): this {
    this.tag(field, Wire.Bytes);
    this.rawVarint(data.length);
    for (const b of data) this.chunks.push(b);
    return this;
  }

  string(field: number, value: string): this {
    return this.bytes(field, new TextEncoder().encode(value));
  }

  message(field: number, build: (w: ProtoWriter) => void): this {
    const inner = new ProtoWriter();
    build(inner);
    return this.bytes(field, inner.finish());
  }

  finish(): Uint8Array {
    return Uint8Array.from(this.chunks);
  }

  private tag(field: number, wire: Wire): void {
    this.rawVarint((field << 3) | wire);
  }

  private rawVarint(value: number): void {
    let v = value;
    while (v > 0x7f) {
      this.chunks.push((v & 0x7f) | 0x80);
      v = Math.floor(v / 128);
    }
    this.chunks.push(v);
  }
}

const FLOAT = 1;

export interface GraphTensor { name: string; dims: number[]; data: Float32Array }
export interface GraphNode { op: string; inputs: string[]; outputs: string[]; attributes?: Record<string, number | number[]> }
export interface GraphIO { name: string; dims: (number | string)[]; type?: 'float32' | 'int64' }

const ELEM_TYPE = { float32: 1, int64: 7 } as const;
const ATTR_INT = 2;
const ATTR_INTS = 7;

export interface GraphSpec {
  inputs: GraphIO[];
  outputs: GraphIO[];
  initializers: GraphTensor[];
  nodes: GraphNode[];
  opset?: number;
}

function valueInfo(w: ProtoWriter, field: number, io: GraphIO): void {
  w.message(field, (vi) => {
    vi.string(1, io.name);
    vi.message(2, (type) =>
      type.message(1, (tensor) => {
        tensor.varint(1, ELEM_TYPE[io.type ?? 'float32']);
        tensor.message(2, (shape) => {
          for (const d of io.dims) {
            shape.message(1, (dim) => (typeof d === 'number' ? dim.varint(1, d) : dim.string(2, d)));
          }
        });
      }),
    );
  });
}

export function buildOnnx(spec: GraphSpec): Uint8Array {
  const model = new ProtoWriter();
  model.varint(1, 8); // ir_version
  model.string(2, 'omni-embed-tests');
  model.message(7, (graph) => {
    spec.nodes.forEach((node, i) =>
      graph.message(1, (n) => {
        for (const input of node.inputs) n.string(1, input);
        for (const output of node.outputs) n.string(2, output);
        n.string(3, `${node.op}_${i}`);
        n.string(4, node.op);
        for (const [name, value] of Object.entries(node.attributes ?? {})) {
          n.message(5, (a) => {
            a.string(1, name);
            if (Array.isArray(value)) {
              for (const v of value) a.varint(8, v);
              a.varint(20, ATTR_INTS);
            } else {
              a.varint(3, value);
              a.varint(20, ATTR_INT);
            }
          });
        }
      }),
    );
    graph.string(2, 'test_graph');
    for (const t of spec.initializers) {
      graph.message(5, (tensor) => {
        for (const d of t.dims) tensor.varint(1, d);
        tensor.varint(2, FLOAT);
        tensor.string(8, t.name);
        tensor.bytes(9, new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength));
      });
    }
    for (const io of spec.inputs) valueInfo(graph, 11, io);
    for (const io of spec.outputs) valueInfo(graph, 12, io);
  });
  model.message(8, (opset) => opset.string(1, '').varint(2, spec.opset ?? 17));
  return model.finish();
}

/** Deterministic values in [-scale, scale): tests must be reproducible run to run. */
export function seededFloats(count: number, seed: number, scale = 1): Float32Array {
  const out = new Float32Array(count);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < count; i++) {
    s ^= s << 13; s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5; s >>>= 0;
    out[i] = ((s / 0x100000000) * 2 - 1) * scale;
  }
  return out;
}

/** A two-layer MLP, [batch, inDim] → [batch, outDim]: enough work to exercise MatMul on each EP. */
export function buildMlp(inDim = 64, hidden = 256, outDim = 32, seed = 7): Uint8Array {
  return buildOnnx({
    inputs: [{ name: 'x', dims: ['batch', inDim] }],
    outputs: [{ name: 'y', dims: ['batch', outDim] }],
    initializers: [
      { name: 'w1', dims: [inDim, hidden], data: seededFloats(inDim * hidden, seed, 1 / Math.sqrt(inDim)) },
      { name: 'b1', dims: [hidden], data: seededFloats(hidden, seed + 1, 0.1) },
      { name: 'w2', dims: [hidden, outDim], data: seededFloats(hidden * outDim, seed + 2, 1 / Math.sqrt(hidden)) },
      { name: 'b2', dims: [outDim], data: seededFloats(outDim, seed + 3, 0.1) },
    ],
    nodes: [
      { op: 'MatMul', inputs: ['x', 'w1'], outputs: ['h0'] },
      { op: 'Add', inputs: ['h0', 'b1'], outputs: ['h1'] },
      { op: 'Relu', inputs: ['h1'], outputs: ['h2'] },
      { op: 'MatMul', inputs: ['h2', 'w2'], outputs: ['y0'] },
      { op: 'Add', inputs: ['y0', 'b2'], outputs: ['y'] },
    ],
  });
}
