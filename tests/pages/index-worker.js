// Runs the vector index inside a dedicated module worker (no DOM): persistence + search.
import * as m from '/dist/browser/index.js';

self.onmessage = async (e) => {
  const { name, n, dims } = e.data;
  try {
    await m.deletePersistedIndex(name);
    const idx = await m.createIndex({ dims, storage: 'int8', persist: { name } });
    const items = [];
    for (let i = 0; i < n; i++) {
      const v = new Float32Array(dims);
      for (let j = 0; j < dims; j++) v[j] = Math.sin(i * 0.37 + j * 1.3) + (j === i % dims ? 2 : 0);
      items.push({ id: `w${i}`, vector: v, metadata: { i } });
    }
    await idx.add(items);
    const { version } = await idx.commit();
    const hits = await idx.search(items[3].vector, { k: 3 });
    const gpuInWorker = typeof navigator.gpu !== 'undefined';
    await idx.dispose();
    self.postMessage({ ok: true, version, hits, isWorker: typeof document === 'undefined', gpuInWorker });
  } catch (err) {
    self.postMessage({ ok: false, error: String(err), code: err && err.code });
  }
};
