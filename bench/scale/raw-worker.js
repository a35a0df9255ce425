// The ceiling: raw onnxruntime-web (omni-embed's own copy, unless init names another) on the replica's graphs with no library
// around it — no tokenizer, no image decoding, no log-mel, no queue: only session.run() on ready tensors of
// the same batch shapes the libraries run. Used by compare.mjs.
let ort;
const sessions = {};
let features = null; // { data, perClip }: the clips' real log-mel features, when the page sends them
self.onmessage = async ({ data }) => {
  try {
    if (data.op === 'features') {
      features = { data: data.data, perClip: data.perClip };
      self.postMessage({ ok: true });
      return;
    }
    if (data.op === 'init') {
      // data.ortDir: another onnxruntime-web build (transformers.js's pinned one), to tell the
      // runtime's share of a difference from the library's.
      const dir = data.ortDir ?? '/bench/.out/omni/workers/';
      ort = await import(`${dir}ort.webgpu.min.mjs`);
      ort.env.wasm.wasmPaths = new URL(dir, self.location.href).href;
      ort.env.wasm.numThreads = data.threads;
      for (const [kind, url] of Object.entries(data.files)) {
        sessions[kind] = await ort.InferenceSession.create(url, { executionProviders: [data.device ?? 'wasm'], graphOptimizationLevel: 'all' });
      }
      self.postMessage({ ok: true });
      return;
    }
    const s = sessions[data.kind];
    const t0 = performance.now();
    if (data.kind === 'text') {
      // data.batches: token-id rows per batch, each batch padded to its longest row (as every library does).
      for (const rows of data.batches) {
        const len = Math.max(...rows.map((r) => r.length));
        const ids = new BigInt64Array(rows.length * len).fill(BigInt(data.padId));
        rows.forEach((r, i) => r.forEach((id, j) => { ids[i * len + j] = BigInt(id); }));
        const out = await s.run({ input_ids: new ort.Tensor('int64', ids, [rows.length, len]) }, ['text_embeds']);
        for (const t of Object.values(out)) t.dispose?.();
      }
    } else if (data.kind === 'audio') {
      // Ready log-mel features, [b, 1, frames, melBins]: what a feature extractor hands the graph;
      // the clips' own (batch i takes the clips after batch i−1's), else a synthetic pattern.
      const { frames, melBins } = data;
      const embeds = [];
      let next = 0;
      for (const b of data.sizes) {
        let x;
        if (features) {
          x = features.data.slice(next * features.perClip, (next + b) * features.perClip);
          next += b;
        } else {
          x = new Float32Array(b * frames * melBins);
          for (let i = 0; i < x.length; i++) x[i] = -40 + 30 * Math.sin(i * 0.37);
        }
        const out = await s.run({ input_features: new ort.Tensor('float32', x, [b, 1, frames, melBins]) }, ['audio_embeds']);
        if (data.embeds) embeds.push(out.audio_embeds.data.slice());
        for (const t of Object.values(out)) t.dispose?.();
      }
      if (data.embeds) { self.postMessage({ ok: true, ms: performance.now() - t0, embeds }); return; }
    } else {
      for (const b of data.sizes) {
        const px = new Float32Array(b * 3 * 224 * 224);
        for (let i = 0; i < px.length; i++) px[i] = Math.sin(i) * 1.5;
        const out = await s.run({ pixel_values: new ort.Tensor('float32', px, [b, 3, 224, 224]) }, ['image_embeds']);
        for (const t of Object.values(out)) t.dispose?.();
      }
    }
    self.postMessage({ ok: true, ms: performance.now() - t0 });
  } catch (err) { self.postMessage({ ok: false, error: String(err?.stack ?? err) }); }
};
