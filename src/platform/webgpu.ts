// What this context's WebGPU can do, asked once per context and shared by everything that needs a
// GPU: the page (worker count), the engine (device and dtype) and the vector index. One probe means
// one answer to "is there a usable adapter, is it a software fallback, does it have shader-f16".

export interface GpuFacts {
  available: boolean;
  shaderF16: boolean;
  fallbackAdapter: boolean;
  description: string;
}

let probed: Promise<GpuFacts> | undefined;

/** Cached per context: requestAdapter() is slow on some drivers, and its answer does not change. */
export function probeWebGpu(): Promise<GpuFacts> {
  probed ??= askAdapter();
  return probed;
}

/**
 * A fresh adapter, or null when this context has none. Not cached: an adapter gives out one device
 * only, so whoever needs a device (the index, ORT) asks for its own.
 */
export async function requestAdapter(): Promise<GPUAdapter | null> {
  const gpu = (globalThis.navigator as Navigator | undefined)?.gpu;
  if (!gpu) return null;
  try {
    return await gpu.requestAdapter();
  } catch {
    return null;
  }
}

/** Software adapters (SwiftShader) are correct but far slower than WASM. */
export function isFallbackAdapter(adapter: GPUAdapter): boolean {
  // Newer Chromium reports it on adapter.info, older on the adapter itself.
  return Boolean((adapter.info as { isFallbackAdapter?: boolean } | undefined)?.isFallbackAdapter ?? (adapter as { isFallbackAdapter?: boolean }).isFallbackAdapter);
}

async function askAdapter(): Promise<GpuFacts> {
  if (!(globalThis.navigator as Navigator | undefined)?.gpu) return { available: false, shaderF16: false, fallbackAdapter: false, description: 'navigator.gpu is missing' };
  const adapter = await requestAdapter();
  if (!adapter) return { available: false, shaderF16: false, fallbackAdapter: false, description: 'no WebGPU adapter' };
  const info = adapter.info;
  return {
    available: true,
    shaderF16: adapter.features.has('shader-f16'),
    fallbackAdapter: isFallbackAdapter(adapter),
    description: [info?.vendor, info?.architecture, info?.description].filter(Boolean).join(' ') || 'WebGPU adapter',
  };
}

