// IVF benchmark rows, run from bench/index/run.mjs with `--ivf` (see there for the command).
// Data: a seeded Gaussian mixture on the unit sphere — CLUSTERS centres uniform on the sphere, a
// spread s per cluster uniform in [0.6, 1.2], members normalize(centre + s·g/√d) with g standard
// normal (cosine to the centre ≈ 0.64–0.86); cluster sizes uniform-random. Queries: fresh draws
// from the same mixture (not items). Ground truth: the same index's exact search (exact: true).

/** Runs in the page: builds, trains, measures recall and latency for each nprobe. */
async function pageBench({ n, dims, clusters, queries, nprobes, k, lists }) {
  const m = await import('/dist/browser/index.js');
  for (const x of Object.values(window.__v ?? {})) await x.dispose();
  window.__v = {};
  let a = 0x2545f491 ^ n;
  const rnd = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const gauss = () => Math.sqrt(-2 * Math.log(rnd() + 1e-12)) * Math.cos(2 * Math.PI * rnd());
  const norm = (v) => {
    let s = 0;
    for (let j = 0; j < v.length; j++) s += v[j] * v[j];
    s = 1 / Math.sqrt(s);
    for (let j = 0; j < v.length; j++) v[j] *= s;
    return v;
  };
  const centres = Array.from({ length: clusters }, () => ({ c: norm(Float32Array.from({ length: dims }, gauss)), s: 0.6 + 0.6 * rnd() }));
  const draw = () => {
    const cl = centres[Math.floor(rnd() * clusters)];
    const v = new Float32Array(dims);
    const f = cl.s / Math.sqrt(dims);
    for (let j = 0; j < dims; j++) v[j] = cl.c[j] + f * gauss();
    return norm(v);
  };
  const idx = await m.createIndex({ dims, storage: 'int8', device: 'cpu', capacity: n });
  window.__v.ivf = idx;
  let addMs = 0;
  for (let b = 0; b < n; b += 20000) {
    const items = [];
    for (let i = b; i < Math.min(n, b + 20000); i++) items.push({ id: `v${i}`, vector: draw() });
    const t0 = performance.now();
    await idx.add(items);
    addMs += performance.now() - t0;
  }
  const phaseMs = {};
  let phase = null;
  let phaseT = 0;
  const t1 = performance.now();
  const info = await idx.trainIvf({
    lists,
    onProgress: (p) => {
      if (p.phase !== phase) {
        const now = performance.now();
        if (phase) phaseMs[phase] = now - phaseT;
        phase = p.phase;
        phaseT = now;
      }
    },
  });
  const trainMs = performance.now() - t1;
  phaseMs[phase] = performance.now() - phaseT;
  const qs = Array.from({ length: queries }, draw);
  const exact = [];
  const exactMs = [];
  for (const q of qs) {
    const t0 = performance.now();
    exact.push(new Set((await idx.search(q, { k, exact: true })).map((r) => r.id)));
    exactMs.push(performance.now() - t0);
  }
  const longTasks = [];
  const obs = new PerformanceObserver((l) => {
    for (const e of l.getEntries()) longTasks.push(e.duration);
  });
  const rows = [];
  for (const nprobe of nprobes.filter((p) => p <= info.lists)) {
    await idx.search(qs[0], { k, nprobe }); // warm-up, not counted
    // The garbage of building the data is collected first: a GC pause is not the search's.
    await new Promise((r) => setTimeout(r, 1500));
    obs.observe({ type: 'longtask', buffered: false });
    const ms = [];
    let hit = 0;
    for (let i = 0; i < qs.length; i++) {
      // Each search starts in a task of its own, as one issued from an event would: back-to-back
      // awaits would chain all searches into one task and the long-task count would measure the loop.
      await new Promise((r) => setTimeout(r, 0));
      const t0 = performance.now();
      const got = await idx.search(qs[i], { k, nprobe });
      ms.push(performance.now() - t0);
      hit += got.filter((r) => exact[i].has(r.id)).length;
    }
    await new Promise((r) => setTimeout(r, 50));
    obs.disconnect();
    rows.push({ nprobe, recall: hit / (qs.length * k), ms, longTasks: longTasks.splice(0) });
  }
  const final = idx.ivf;
  await idx.dispose();
  window.__v = {};
  return { n, dims, clusters, queries, addMs, trainMs, phaseMs, info: final, exactMs, rows };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

export async function benchIvf(page, { n, dims = 256, clusters = 2000, queries = 100, nprobes = [4, 8, 16, 32, 64, 128], k = 10, lists }) {
  const r = await page.evaluate(pageBench, { n, dims, clusters, queries, nprobes, k, lists });
  const out = { ...r, exactMs: { median: median(r.exactMs), min: Math.min(...r.exactMs), max: Math.max(...r.exactMs) } };
  out.rows = r.rows.map((x) => ({ nprobe: x.nprobe, recall: x.recall, median: median(x.ms), min: Math.min(...x.ms), max: Math.max(...x.ms), longTasks: x.longTasks }));
  return out;
}

/** The docs/benchmarks.md section for one IVF run. */
export function ivfSection(r, env, command) {
  const f = (x) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
  const L = [];
  L.push('<!-- ivf:start -->');
  L.push(`## Vector index: IVF, ${r.n.toLocaleString('en-US')} × ${r.dims} int8, top-10`);
  L.push('');
  L.push(`Command: \`${command}\` (raw: \`bench/index/results.json\`, key \`ivf\`). ${env}`);
  L.push('');
  L.push(`Data: seeded Gaussian mixture on the unit sphere, ${r.clusters} clusters (centres uniform on the sphere; per cluster a spread s ∈ [0.6, 1.2]; members normalize(centre + s·g/√d), g standard normal), ${r.queries} queries drawn fresh from the same mixture. Recall@10 = share of the exact top-10 (\`exact: true\`, the same index) that the IVF search returns. Each latency: median (min–max) over the ${r.queries} queries, one uncounted warm-up; the page thread ran every search (no worker involved in an IVF search).`);
  L.push('');
  L.push(`Build: add ${(r.addMs / 1000).toFixed(1)} s + \`trainIvf()\` ${(r.trainMs / 1000).toFixed(1)} s (${Object.entries(r.phaseMs).map(([p, ms]) => `${p} ${(ms / 1000).toFixed(1)} s`).join(', ')}) = **${((r.addMs + r.trainMs) / 1000).toFixed(1)} s**; ${r.info.lists} lists (default √N / 2), imbalance ${r.info.imbalance.toFixed(2)}, IVF memory ${(r.info.bytes / r.n).toFixed(0)} B per vector on top of the int8 store. Exact search over the same index: ${f(r.exactMs.median)} ms (${f(r.exactMs.min)}–${f(r.exactMs.max)}).`);
  L.push('');
  L.push('| nprobe | share of lists | recall@10 | ms per query | long tasks (> 50 ms) |');
  L.push('|---|---|---|---|---|');
  for (const x of r.rows) L.push(`| ${x.nprobe} | ${((100 * x.nprobe) / r.info.lists).toFixed(1)}% | ${x.recall.toFixed(3)} | ${f(x.median)} (${f(x.min)}–${f(x.max)}) | ${x.longTasks.length} |`);
  L.push('<!-- ivf:end -->');
  return L.join('\n');
}
