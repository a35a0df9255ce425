// What `onnxruntime-web/webgpu` resolves to in the Node build (scripts/build-node.mjs aliases it):
// onnxruntime-node, which implements the same onnxruntime-common API, so the engine's session.ts
// runs unchanged. Two differences are bridged here instead of in the engine:
//  - the engine's CPU device is named 'wasm' (the browser's CPU EP); onnxruntime-node calls it 'cpu';
//  - ORT-node threads are per session (intraOpNumThreads), not a global env.wasm setting.
import * as ort from 'onnxruntime-node';

export const { Tensor, env } = ort;
export type Tensor = ort.Tensor;
export type InferenceSession = ort.InferenceSession;

let intraOpThreads = 1;

/** Threads each session of this worker thread uses; the pool gives each worker its share of the cores. */
export function setIntraOpThreads(n: number): void {
  intraOpThreads = Math.max(1, Math.floor(n));
}

type EP = NonNullable<ort.InferenceSession.SessionOptions['executionProviders']>[number];

function nodeProvider(ep: EP): EP {
  const name = typeof ep === 'string' ? ep : ep.name;
  return name === 'wasm' ? 'cpu' : ep;
}

export const InferenceSession = {
  create(model: Uint8Array | string, options: ort.InferenceSession.SessionOptions = {}): Promise<ort.InferenceSession> {
    const executionProviders = (options.executionProviders ?? ['wasm']).map(nodeProvider);
    return ort.InferenceSession.create(model as Uint8Array, {
      ...options,
      executionProviders,
      intraOpNumThreads: options.intraOpNumThreads ?? intraOpThreads,
      interOpNumThreads: 1,
    });
  },
};
