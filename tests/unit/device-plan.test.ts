// Which device and dtype a worker picks: half-precision files only where the GPU has shader-f16.
import { describe, expect, it } from 'vitest';
import { planDevice } from '../../src/engine/backend';
import { InvalidOptionError } from '../../src/errors';

const gpu = (shaderF16: boolean) => ({ available: true, shaderF16, fallbackAdapter: false, description: 'test adapter' });

describe('planDevice', () => {
  it('keeps fp16 and q4f16 on an adapter with shader-f16', () => {
    expect(planDevice('webgpu', 'fp16', gpu(true)).dtype).toBe('fp16');
    expect(planDevice('webgpu', 'q4f16', gpu(true)).dtype).toBe('q4f16');
  });

  it('moves fp16 to fp32 and q4f16 to q4 without shader-f16, and says why', () => {
    expect(planDevice('webgpu', 'fp16', gpu(false))).toMatchObject({ device: 'webgpu', dtype: 'fp32', reason: expect.stringContaining('shader-f16') });
    expect(planDevice('webgpu', 'q4f16', gpu(false))).toMatchObject({ device: 'webgpu', dtype: 'q4', reason: expect.stringContaining('shader-f16') });
  });

  it('defaults to q8 on WASM and fp32 on WebGPU', () => {
    expect(planDevice('auto', undefined, { ...gpu(false), available: false }).dtype).toBe('q8');
    expect(planDevice('auto', undefined, gpu(false)).dtype).toBe('fp32');
  });

  it('with a source that ships only some dtypes (the bundled model: q8), defaults to one it ships', () => {
    const plan = planDevice('auto', undefined, gpu(false), ['q8']);
    expect(plan).toMatchObject({ device: 'webgpu', dtype: 'q8', reason: expect.stringContaining('no fp32 files') });
    expect(planDevice('wasm', undefined, gpu(false), ['q8'])).toMatchObject({ device: 'wasm', dtype: 'q8', reason: 'requested' });
    expect(planDevice('webgpu', 'q8', gpu(false), ['fp32', 'q8']).dtype).toBe('q8');
  });

  it('refuses an asked-for dtype the source does not ship, naming what it ships and where the rest is', () => {
    for (const device of ['wasm', 'webgpu'] as const) {
      expect(() => planDevice(device, 'fp32', gpu(false), ['q8'])).toThrow(InvalidOptionError);
      expect(() => planDevice(device, 'fp32', gpu(false), ['q8'])).toThrow(/'fp32' is not among .* \(q8\).*modelUrl/);
    }
  });
});
