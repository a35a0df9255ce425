import commonWgsl from './kernels/topk-common.wgsl?raw';
import f32Wgsl from './kernels/score-f32.wgsl?raw';
import int8Wgsl from './kernels/score-int8.wgsl?raw';
import { IndexError } from './errors';
import { isFallbackAdapter, requestAdapter } from '../platform/webgpu';
import { CHUNK_SLOTS, type DirtyTracker } from './dirty';
import type { VectorStore } from './store';

/** Vectors per workgroup (WG 256 × PER 8 in topk-common.wgsl). */
export const SEGMENT = 2048;
const NONE = 0xffffffff;

interface Shard {
  base: number;
  capacity: number;
  vecs: GPUBuffer;
  scales: GPUBuffer | null;
  params: GPUBuffer;
}

export interface GpuInfo {
  vendor: string;
  architecture: string;
  description: string;
  isFallbackAdapter: boolean;
}

/** Acquires a WebGPU device with the adapter's largest buffer limits (null when there is none). */
export async function acquireGpu(): Promise<{ device: GPUDevice; info: GpuInfo } | null> {
  const adapter = await requestAdapter();
  if (!adapter) return null;
  const device = await adapter.requestDevice({
    requiredLimits: {
      maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
      maxBufferSize: adapter.limits.maxBufferSize,
    },
  });
  const ai = adapter.info;
  const info: GpuInfo = {
    vendor: ai?.vendor ?? '',
    architecture: ai?.architecture ?? '',
    description: ai?.description ?? '',
    isFallbackAdapter: isFallbackAdapter(adapter),
  };
  return { device, info };
}

/**
 * GPU mirror of a VectorStore (float32 or int8 rows) plus the scoring/top-k pipeline. The CPU copy
 * stays authoritative: the mirror re-uploads only the chunks the store marked dirty.
 */
export class GpuScanner {
  readonly tracker: DirtyTracker = { dirty: new Set(), all: true };
  lost = false;
  private pipeline: GPUComputePipeline;
  private shards: Shard[] = [];
  private readonly shardSlots: number;
  private readonly rowBytes: number;
  private queryBuf: GPUBuffer | null = null;
  private maskBuf: GPUBuffer;
  private maskBytes = 4;
  private outScores: GPUBuffer | null = null;
  private outIdx: GPUBuffer | null = null;
  private readScores: GPUBuffer | null = null;
  private readIdx: GPUBuffer | null = null;
  private outRows = 0;
  private busy: Promise<unknown> = Promise.resolve();

  constructor(
    readonly device: GPUDevice,
    private readonly store: VectorStore,
    private readonly ownsDevice: boolean,
    shardBytes?: number,
  ) {
    if (store.format === 'binary') throw new IndexError('index_invalid_options', 'binary storage is scanned on the CPU');
    const int8 = store.format === 'int8';
    this.rowBytes = int8 ? store.stride : store.stride * 4;
    const limit = Math.min(device.limits.maxStorageBufferBindingSize, device.limits.maxBufferSize, shardBytes ?? 256 * 1024 * 1024);
    this.shardSlots = Math.max(SEGMENT, Math.floor(limit / this.rowBytes / SEGMENT) * SEGMENT);
    const code = commonWgsl + '\n' + (int8 ? int8Wgsl : f32Wgsl);
    this.pipeline = device.createComputePipeline({
      label: `omni-index topk ${store.format}`,
      layout: 'auto',
      compute: { module: device.createShaderModule({ label: 'omni-index topk', code }), entryPoint: 'main' },
    });
    this.maskBuf = device.createBuffer({ size: 4, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST });
    void device.lost.then(() => {
      this.lost = true;
    });
    store.trackers.add(this.tracker);
  }

  private makeShard(base: number, capacity: number): Shard {
    const d = this.device;
    const usage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST;
    return {
      base,
      capacity,
      vecs: d.createBuffer({ label: 'omni-index rows', size: capacity * this.rowBytes, usage }),
      scales: this.store.format === 'int8' ? d.createBuffer({ label: 'omni-index scales', size: capacity * 4, usage }) : null,
      params: d.createBuffer({ size: 32, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST }),
    };
  }

  private upload(sh: Shard, from: number, to: number): void {
    if (to <= from) return;
    const s = this.store;
    const q = this.device.queue;
    const local = from - sh.base;
    if (s.format === 'float32') {
      q.writeBuffer(sh.vecs, local * this.rowBytes, s.f32.buffer, s.f32.byteOffset + from * this.rowBytes, (to - from) * this.rowBytes);
    } else {
      q.writeBuffer(sh.vecs, local * this.rowBytes, s.i8.buffer, s.i8.byteOffset + from * this.rowBytes, (to - from) * this.rowBytes);
      q.writeBuffer(sh.scales!, local * 4, s.scales.buffer, s.scales.byteOffset + from * 4, (to - from) * 4);
    }
  }

  /** Brings the GPU copy up to date with the store (which must be compacted). */
  sync(): void {
    const s = this.store;
    const needShards = Math.ceil(s.size / this.shardSlots);
    for (let i = 0; i < needShards; i++) {
      const base = i * this.shardSlots;
      const rows = Math.min(this.shardSlots, s.size - base);
      let sh = this.shards[i];
      if (!sh || sh.capacity < rows) {
        if (sh) this.destroyShard(sh);
        const cap = Math.min(this.shardSlots, Math.ceil((rows * 1.5) / SEGMENT) * SEGMENT);
        sh = this.makeShard(base, cap);
        this.shards[i] = sh;
        this.upload(sh, base, base + rows);
        continue;
      }
      if (this.tracker.all) {
        this.upload(sh, base, base + rows);
        continue;
      }
      const firstChunk = Math.floor(base / CHUNK_SLOTS);
      const lastChunk = Math.floor((base + rows - 1) / CHUNK_SLOTS);
      for (let c = firstChunk; c <= lastChunk; c++) {
        if (!this.tracker.dirty.has(c)) continue;
        this.upload(sh, Math.max(base, c * CHUNK_SLOTS), Math.min(base + rows, (c + 1) * CHUNK_SLOTS));
      }
    }
    this.tracker.dirty.clear();
    this.tracker.all = false;
  }

  private ensureOut(rows: number, kk: number): void {
    const bytes = rows * kk * 4;
    if (this.outScores && this.outRows >= rows * kk) return;
    for (const b of [this.outScores, this.outIdx, this.readScores, this.readIdx]) b?.destroy();
    const d = this.device;
    const size = Math.max(16, Math.ceil((bytes * 1.25) / 16) * 16);
    this.outScores = d.createBuffer({ size, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC });
    this.outIdx = d.createBuffer({ size, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC });
    this.readScores = d.createBuffer({ size, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
    this.readIdx = d.createBuffer({ size, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
    this.outRows = size / 4;
  }

  /**
   * Scores every row against `query` (padded to the store's stride) and returns the best `kk` global
   * slots of each workgroup (2048 rows), in no particular global order. `mask` bit i = slot i allowed.
   */
  search(query: Float32Array, kk: number, mask: Uint32Array | null): Promise<Uint32Array> {
    const run = this.busy.then(() => this.searchNow(query, kk, mask));
    this.busy = run.catch(() => undefined);
    return run;
  }

  private async searchNow(query: Float32Array, kk: number, mask: Uint32Array | null): Promise<Uint32Array> {
    if (this.lost) throw new IndexError('index_gpu_lost', 'the GPU device was lost');
    this.sync();
    const d = this.device;
    const s = this.store;
    const qBytes = query.byteLength;
    if (!this.queryBuf || this.queryBuf.size !== qBytes) {
      this.queryBuf?.destroy();
      this.queryBuf = d.createBuffer({ size: qBytes, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST });
    }
    d.queue.writeBuffer(this.queryBuf, 0, query.buffer, query.byteOffset, qBytes);
    if (mask) {
      const bytes = Math.max(4, mask.byteLength);
      if (bytes > this.maskBytes) {
        this.maskBuf.destroy();
        this.maskBuf = d.createBuffer({ size: bytes, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST });
        this.maskBytes = bytes;
      }
      d.queue.writeBuffer(this.maskBuf, 0, mask.buffer, mask.byteOffset, mask.byteLength);
    }
    const needShards = Math.ceil(s.size / this.shardSlots);
    let totalGroups = 0;
    const groups: number[] = [];
    for (let i = 0; i < needShards; i++) {
      const rows = Math.min(this.shardSlots, s.size - i * this.shardSlots);
      groups.push(Math.ceil(rows / SEGMENT));
      totalGroups += groups[i]!;
    }
    if (totalGroups === 0) return new Uint32Array(0);
    this.ensureOut(totalGroups, kk);
    const enc = d.createCommandEncoder({ label: 'omni-index search' });
    const pass = enc.beginComputePass();
    pass.setPipeline(this.pipeline);
    let outBase = 0;
    for (let i = 0; i < needShards; i++) {
      const sh = this.shards[i]!;
      const rows = Math.min(this.shardSlots, s.size - sh.base);
      d.queue.writeBuffer(sh.params, 0, new Uint32Array([rows, s.stride / 4, kk, sh.base, outBase, mask ? 1 : 0, 0, 0]));
      const entries: GPUBindGroupEntry[] = [
        { binding: 0, resource: { buffer: sh.params } },
        { binding: 1, resource: { buffer: this.queryBuf } },
        { binding: 2, resource: { buffer: this.maskBuf } },
        { binding: 3, resource: { buffer: this.outScores! } },
        { binding: 4, resource: { buffer: this.outIdx! } },
        { binding: 5, resource: { buffer: sh.vecs } },
      ];
      if (sh.scales) entries.push({ binding: 6, resource: { buffer: sh.scales } });
      pass.setBindGroup(0, d.createBindGroup({ layout: this.pipeline.getBindGroupLayout(0), entries }));
      pass.dispatchWorkgroups(groups[i]!);
      outBase += groups[i]!;
    }
    pass.end();
    const bytes = totalGroups * kk * 4;
    enc.copyBufferToBuffer(this.outIdx!, 0, this.readIdx!, 0, bytes);
    d.queue.submit([enc.finish()]);
    await this.readIdx!.mapAsync(GPUMapMode.READ, 0, bytes);
    const idx = new Uint32Array(this.readIdx!.getMappedRange(0, bytes).slice(0));
    this.readIdx!.unmap();
    let n = 0;
    for (let i = 0; i < idx.length; i++) if (idx[i] !== NONE) idx[n++] = idx[i]!;
    return idx.subarray(0, n);
  }

  private destroyShard(sh: Shard): void {
    sh.vecs.destroy();
    sh.scales?.destroy();
    sh.params.destroy();
  }

  dispose(): void {
    this.store.trackers.delete(this.tracker);
    for (const sh of this.shards) this.destroyShard(sh);
    this.shards = [];
    for (const b of [this.outScores, this.outIdx, this.readScores, this.readIdx, this.queryBuf, this.maskBuf]) b?.destroy();
    if (this.ownsDevice) this.device.destroy();
  }
}
