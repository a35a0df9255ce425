import { test, expect } from './fixtures';
import { buildMlp, seededFloats } from '../helpers/onnx-builder';

test('an ONNX graph runs in a module worker on WebGPU and on multi-threaded WASM, with matching outputs', async ({ served }) => {
  const model = Array.from(buildMlp());
  const batch = 8;
  const input = Array.from(seededFloats(batch * 64, 99));

  const result = await served.evaluate(
    async ({ model, input, batch }) => {
      const worker = new Worker('/tests/pages/ort-smoke.worker.js', { type: 'module' });
      const reply = await new Promise<any>((resolve, reject) => {
        worker.onmessage = (e) => resolve(e.data);
        worker.onerror = (e) => reject(new Error(e.message));
        worker.postMessage({ model: new Uint8Array(model), input, dims: [batch, 64], threads: 2 });
      });
      worker.terminate();
      return reply;
    },
    { model, input, batch },
  );

  expect(result.error ?? null).toBeNull();
  expect(result.isWorker).toBe(true);
  // A WebGPU adapter exists, and the output tensor lives in a GPU buffer: proof the webgpu EP ran it.
  expect(result.adapterInfo).not.toBeNull();
  expect(result.webgpuDeviceExists).toBe(true);
  expect(result.webgpuLocation).toBe('gpu-buffer');

  expect(result.gpuOut).toHaveLength(batch * 32);
  expect(result.cpuOut).toHaveLength(batch * 32);
  const maxDiff = Math.max(...result.gpuOut.map((v: number, i: number) => Math.abs(v - result.cpuOut[i])));
  expect(maxDiff).toBeLessThan(1e-4);
  // Outputs are not trivially equal (e.g. all zeros) — the graph really computed something.
  expect(Math.max(...result.cpuOut.map(Math.abs))).toBeGreaterThan(0.01);

  // Cross-origin isolation from the server's COOP/COEP headers keeps the two WASM threads.
  expect(result.crossOriginIsolated).toBe(true);
  expect(result.sharedMemory).toBe(true);
  expect(result.numThreads).toBe(2);
});
