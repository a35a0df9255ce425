// Which device and dtype a worker picks: half-precision files only where the GPU has shader-f16.
import { describe, expect, it } from 'vitest';
import { planDevice } from '../../src/engine/backend';

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
});
