// Runs one ONNX graph on the WebGPU EP and on the WASM EP inside a dedicated module worker,
// reporting enough facts for the test to prove which backend really ran.
import * as ort from '/ort/ort.webgpu.min.mjs';

self.onmessage = async ({ data }) => {
  try {
    const { model, input, dims, threads } = data;
    ort.env.wasm.numThreads = threads;
    const adapter = await navigator.gpu?.requestAdapter();
    const adapterInfo = adapter ? { isFallbackAdapter: adapter.info?.isFallbackAdapter ?? null, vendor: adapter.info?.vendor ?? '', features: [...adapter.features] } : null;

    // Only the webgpu EP is listed: ORT must fail rather than quietly fall back to CPU.
    const gpu = await ort.InferenceSession.create(model, { executionProviders: ['webgpu'], preferredOutputLocation: 'gpu-buffer' });
    const gpuResult = await gpu.run({ x: new ort.Tensor('float32', new Float32Array(input), dims) });
    const gpuTensor = gpuResult.y;
    const location = gpuTensor.location;
    const gpuOut = Array.from(await gpuTensor.getData(true));
    await gpu.release();

    const cpu = await ort.InferenceSession.create(model, { executionProviders: ['wasm'] });
    const cpuResult = await cpu.run({ x: new ort.Tensor('float32', new Float32Array(input), dims) });
    const cpuOut = Array.from(cpuResult.y.data);
    await cpu.release();

    self.postMessage({
      ok: true,
      adapterInfo,
      webgpuLocation: location,
      webgpuDeviceExists: !!ort.env.webgpu.device,
      gpuOut,
      cpuOut,
      numThreads: ort.env.wasm.numThreads,
      crossOriginIsolated: self.crossOriginIsolated,
      sharedMemory: typeof SharedArrayBuffer === 'function',
      isWorker: typeof WorkerGlobalScope !== 'undefined' && self instanceof WorkerGlobalScope,
    });
  } catch (err) {
    self.postMessage({ ok: false, error: String(err?.stack ?? err) });
  }
};
