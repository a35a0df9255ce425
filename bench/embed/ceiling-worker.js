// Raw onnxruntime-web (omni-embed's own copy) on the omni-tiny text graph, no library around it:
// the ceiling for text throughput on WASM with one ORT thread per worker. Used by ceiling.mjs.
let ort, session;
self.onmessage = async ({ data }) => {
  try {
    if (data.op === 'init') {
      ort = await import('/bench/.out/omni/workers/ort.webgpu.min.mjs');
      ort.env.wasm.wasmPaths = new URL('/bench/.out/omni/workers/', self.location.href).href;
      ort.env.wasm.numThreads = 1;
      session = await ort.InferenceSession.create('/models/omni-tiny/onnx/text_model.onnx', { executionProviders: ['wasm'] });
      self.postMessage({ ok: true });
    } else {
      const { n, batch, seq, fetchTokens } = data;
      const t0 = performance.now();
      for (let done = 0; done < n; done += batch) {
        const b = Math.min(batch, n - done);
        const ids = new BigInt64Array(b * seq);
        for (let i = 0; i < b; i++) for (let j = 0; j < seq; j++) ids[i * seq + j] = BigInt(j === 0 ? 2 : j === seq - 1 ? 3 : 5 + ((i * 7 + j * 13) % 150));
        const mask = new BigInt64Array(b * seq).fill(1n);
        const feeds = { input_ids: new ort.Tensor('int64', ids, [b, seq]), attention_mask: new ort.Tensor('int64', mask, [b, seq]) };
        const out = await session.run(feeds, fetchTokens ? ['text_embeds', 'last_hidden_state'] : ['text_embeds']);
        for (const t of Object.values(out)) t.dispose?.();
      }
      self.postMessage({ ok: true, ms: performance.now() - t0 });
    }
  } catch (err) { self.postMessage({ ok: false, error: String(err?.stack ?? err) }); }
};
