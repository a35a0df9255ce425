// One ORT start in a fresh worker: import the build, read its .wasm, start the runtime (a one-node
// session), create omni-tiny's text session, run it twice. Times are ms since the worker started.
self.onmessage = async ({ data: { build, model } }) => {
  const t0 = performance.now();
  const at = {};
  const mark = (label) => { at[label] = performance.now() - t0; };
  const ort = await import(build === 'wasm' ? '/ort/ort.wasm.min.mjs' : '/ort/ort.webgpu.min.mjs');
  ort.env.wasm.wasmPaths = '/ort/';
  mark('import');
  const file = build === 'wasm' ? 'ort-wasm-simd-threaded.wasm' : 'ort-wasm-simd-threaded.asyncify.wasm';
  ort.env.wasm.wasmBinary = await (await fetch(`/ort/${file}`)).arrayBuffer();
  ort.env.wasm.numThreads = 1;
  mark('read');
  const identity = Uint8Array.from(atob('CAgSADo8ChAKAXgSAXkiCElkZW50aXR5EgZ3YXJtdXBaDwoBeBIKCggIARIECgIIAWIPCgF5EgoKCAgBEgQKAggBQgQKABAN'), (c) => c.charCodeAt(0));
  await (await ort.InferenceSession.create(identity, { executionProviders: ['wasm'] })).release();
  mark('runtime');
  const bytes = new Uint8Array(await (await fetch(model)).arrayBuffer());
  const session = await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'] });
  mark('session');
  const feeds = Object.fromEntries(session.inputNames.map((n) => [n, new ort.Tensor('int64', new BigInt64Array(16).fill(1n), [1, 16])]));
  const first = await session.run(feeds);
  mark('firstRun');
  await session.run(feeds);
  mark('secondRun');
  const out = first[session.outputNames[0]];
  self.postMessage({ at, head: Array.from(out.data.slice(0, 4)) });
};
