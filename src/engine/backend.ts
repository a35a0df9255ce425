// Which execution provider a worker uses. WebGPU only when an adapter exists (and fp16 graphs only
// with shader-f16: without it ORT's WebGPU EP throws, and older paths returned wrong numbers).

export type DeviceRequest = 'auto' | 'webgpu' | 'wasm';
export type Device = 'webgpu' | 'wasm';
import type { Dtype } from '../models/dtype'; export type { Dtype };

export interface GpuFacts {
  available: boolean;
  shaderF16: boolean;
  fallbackAdapter: boolean;
  description: string;
}

export async function probeWebGpu(): Promise<GpuFacts> {
  const gpu = (globalThis.navigator as Navigator | undefined)?.gpu;
  if (!gpu) return { available: false, shaderF16: false, fallbackAdapter: false, description: 'navigator.gpu is missing' };
  try {
    const adapter = await gpu.requestAdapter();
    if (!adapter) return { available: false, shaderF16: false, fallbackAdapter: false, description: 'no WebGPU adapter' };
    const info = adapter.info;
    return {
      available: true,
      shaderF16: adapter.features.has('shader-f16'),
      fallbackAdapter: Boolean((info as { isFallbackAdapter?: boolean } | undefined)?.isFallbackAdapter),
      description: [info?.vendor, info?.architecture, info?.description].filter(Boolean).join(' ') || 'WebGPU adapter',
    };
  } catch (err) {
    return { available: false, shaderF16: false, fallbackAdapter: false, description: `requestAdapter failed: ${String(err)}` };
  }
}

export interface DevicePlan { device: Device; dtype: Dtype; reason: string }

export function planDevice(request: DeviceRequest, dtype: Dtype | undefined, gpu: GpuFacts): DevicePlan {
  const wantGpu = request === 'webgpu' || (request === 'auto' && gpu.available);
  if (!wantGpu) {
    return { device: 'wasm', dtype: dtype ?? 'q8', reason: request === 'wasm' ? 'requested' : gpu.description };
  }
  if (!gpu.available) return { device: 'wasm', dtype: dtype ?? 'q8', reason: `WebGPU requested but ${gpu.description}` };
  // Quantized weights dequantize to fp32 on the GPU; fp32 is the safe default there.
  const chosen = dtype ?? 'fp32';
  if (chosen === 'fp16' && !gpu.shaderF16) {
    return { device: 'webgpu', dtype: 'fp32', reason: 'adapter lacks shader-f16; using fp32 instead of fp16' };
  }
  return { device: 'webgpu', dtype: chosen, reason: gpu.description };
}
