// One onnxruntime-web entry (data.entry, under data.dir), one session on one graph, one run: how long
// the runtime takes to start, create the session and run it the first and second time. Used by
// ort-start.mjs to compare ORT versions and builds on the same graph.
self.onmessage = async ({ data }) => {
  try {
    const t0 = performance.now();
    const ort = await import(`${data.dir}${data.entry}`);
    ort.env.wasm.wasmPaths = new URL(data.dir, self.location.href).href;
    ort.env.wasm.numThreads = data.threads;
    const session = await ort.InferenceSession.create(data.graph, { executionProviders: [data.device], graphOptimizationLevel: 'all', logSeverityLevel: 3 });
    const t1 = performance.now();
    const ids = new BigInt64Array(data.ids.map(BigInt));
    const runs = [];
    let vector;
    for (let i = 0; i < 2; i++) {
      const r0 = performance.now();
      const out = await session.run({ input_ids: new ort.Tensor('int64', ids, [1, ids.length]) }, ['text_embeds']);
      vector = Array.from(out.text_embeds.data.slice(0, 4));
      runs.push(performance.now() - r0);
    }
    self.postMessage({ ok: true, version: ort.env.versions?.web, create: t1 - t0, first: runs[0], second: runs[1], vector });
  } catch (err) {
    self.postMessage({ ok: false, error: String(err?.message ?? err) });
  }
};
