// Which execution provider a worker uses. WebGPU only when an adapter exists (and fp16 graphs only
// with shader-f16: without it ORT's WebGPU EP throws, and older paths returned wrong numbers).

import type { Device, DeviceRequest } from '../contract';
import { probeWebGpu, type GpuFacts } from '../platform/webgpu';

export type { Device, DeviceRequest, GpuFacts };
export { probeWebGpu };
import { unshippedDtypeError, type Dtype } from '../models/dtype';
export type { Dtype };

export interface DevicePlan { device: Device; dtype: Dtype; reason: string }

/**
 * shipped: the dtypes a source carries complete (the package's bundled omni-tiny ships q8 only). A
 * default outside them gives way to the first of them; an asked-for one outside them is a typed error
 * before anything is fetched, instead of a 'file not found' for one graph after others downloaded.
 */
export function planDevice(request: DeviceRequest, dtype: Dtype | undefined, gpu: GpuFacts, shipped?: readonly Dtype[]): DevicePlan {
  if (shipped?.length && dtype !== undefined && !shipped.includes(dtype)) throw unshippedDtypeError(dtype, shipped);
  const plan = planFor(request, dtype, gpu);
  if (!shipped?.length || shipped.includes(plan.dtype)) return plan;
  return { ...plan, dtype: shipped[0]!, reason: `${plan.reason}; ${shipped[0]} because the model ships no ${plan.dtype} files` };
}

function planFor(request: DeviceRequest, dtype: Dtype | undefined, gpu: GpuFacts): DevicePlan {
  const wantGpu = request === 'webgpu' || (request === 'auto' && gpu.available);
  if (!wantGpu) {
    return { device: 'wasm', dtype: dtype ?? 'q8', reason: request === 'wasm' ? 'requested' : gpu.description };
  }
  if (!gpu.available) return { device: 'wasm', dtype: dtype ?? 'q8', reason: `WebGPU requested but ${gpu.description}` };
  // Quantized weights dequantize to fp32 on the GPU; fp32 is the safe default there.
  const chosen = dtype ?? 'fp32';
  // Half-precision files need shader-f16 on the GPU: fall back to their full-precision twins.
  if (chosen === 'fp16' && !gpu.shaderF16) {
    return { device: 'webgpu', dtype: 'fp32', reason: 'adapter lacks shader-f16; using fp32 instead of fp16' };
  }
  if (chosen === 'q4f16' && !gpu.shaderF16) {
    return { device: 'webgpu', dtype: 'q4', reason: 'adapter lacks shader-f16; using q4 instead of q4f16' };
  }
  return { device: 'webgpu', dtype: chosen, reason: gpu.description };
}
