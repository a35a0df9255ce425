import { describe, expect, it } from 'vitest';
import { choosePoolShape, ModelTooLargeError, ONE_COPY_BYTES } from '../../src/engine/pool-shape';

const MB = 1e6;

describe('choosePoolShape', () => {
  it('runs a small model (omni-tiny, CLIP q8) in two workers on WASM, splitting the cores', () => {
    expect(choosePoolShape({ modelBytes: 9 * MB, cores: 8, device: 'wasm' })).toMatchObject({ workers: 2, threadsPerWorker: 4 });
    expect(choosePoolShape({ modelBytes: 152 * MB, cores: 2, device: 'wasm' })).toMatchObject({ workers: 2, threadsPerWorker: 1 });
    expect(choosePoolShape({ modelBytes: 9 * MB, cores: 1, device: 'wasm' })).toMatchObject({ workers: 1, threadsPerWorker: 1 });
  });

  it('keeps one copy of a large model (CLIP fp32, 605 MB) with every core as a thread', () => {
    expect(choosePoolShape({ modelBytes: 605 * MB, cores: 8, device: 'wasm' })).toMatchObject({ workers: 1, threadsPerWorker: 8 });
    expect(choosePoolShape({ modelBytes: ONE_COPY_BYTES + 1, cores: 2, device: 'wasm' }).workers).toBe(1);
    expect(choosePoolShape({ modelBytes: ONE_COPY_BYTES, cores: 2, device: 'wasm' }).workers).toBe(2);
  });

  it('drops to one worker when two copies would take over a quarter of device memory', () => {
    expect(choosePoolShape({ modelBytes: 140 * MB, cores: 4, device: 'wasm', deviceMemoryGiB: 1 }).workers).toBe(1);
    expect(choosePoolShape({ modelBytes: 140 * MB, cores: 4, device: 'wasm', deviceMemoryGiB: 8 }).workers).toBe(2);
  });

  it('uses one worker on WebGPU and honours explicit choices', () => {
    expect(choosePoolShape({ modelBytes: 605 * MB, cores: 4, device: 'webgpu' })).toMatchObject({ workers: 1, threadsPerWorker: 4 });
    expect(choosePoolShape({ modelBytes: 605 * MB, cores: 4, device: 'wasm', workers: 2 })).toMatchObject({ workers: 2, threadsPerWorker: 2, reason: 'workers given' });
    expect(choosePoolShape({ modelBytes: 9 * MB, cores: 4, device: 'wasm', threads: 1 })).toMatchObject({ workers: 2, threadsPerWorker: 1 });
  });

  it('refuses a model that cannot fit in wasm32 memory with a typed error', () => {
    let err: unknown;
    try {
      choosePoolShape({ modelBytes: 2.5e9, cores: 4, device: 'wasm' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ModelTooLargeError);
    expect(err).toMatchObject({ name: 'ModelTooLargeError', code: 'model_too_large', bytes: 2.5e9, limit: 4 * 2 ** 30 });
    expect(() => choosePoolShape({ modelBytes: 1.9e9, cores: 4, device: 'wasm' })).not.toThrow();
  });
});
