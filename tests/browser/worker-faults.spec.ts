// Worker faults: nothing hangs and nothing is lost. Workers are killed behind the pool's back
// (the `_killWorker` hook terminates one as a crash or an OOM abort would), or die/hang on a poison
// input (the `_faults` hook). Every other call must complete with the vector it has without faults.
import { test, expect, armFault, clearFaults } from './fixtures';

// Batches are composed differently after a fault (re-runs go alone), and batched and single runs
// differ in the last float bits, so "the same vector" is cosine ≥ 1 − 1e-6, not bit equality.
const SAME = 1 - 1e-6;

const TEXTS = Array.from({ length: 24 }, (_, i) => `a ${['red', 'green', 'blue'][i % 3]} ${['circle', 'square', 'star', 'triangle'][i % 4]} number ${i}`);
const POISON = '☠ poison';

test('a worker killed mid-batch is replaced and its in-flight calls re-run: every vector equals the fault-free one', async ({ served }) => {
  const out = await served.evaluate(async (texts) => {
    const omni = await import('/dist/browser/index.js');
    const e = await omni.createEmbedder({ device: 'wasm', workers: 2, threads: 1 });
    const replaced: unknown[] = [];
    e.on('workerreplaced', (r) => replaced.push(r));
    const baseline = await e.embedBatch(texts);
    await new Promise((r) => setTimeout(r, 1500)); // both workers ready
    const running = e.embedBatch(texts);
    await new Promise((r) => setTimeout(r, 0)); // the batch has left for the workers
    const killed = e._killWorker(0);
    const again = await running;
    const later = await e.embed(texts[3]!);
    const workers = e.info.workers;
    await e.dispose();
    const cos = (a: Float32Array, b: Float32Array) => a.reduce((s, x, k) => s + x * b[k]!, 0);
    const same = Math.min(...again.map((v, i) => cos(v.vector, baseline[i]!.vector)));
    return { killed, same, replaced, workers, laterSame: cos(later.vector, baseline[3]!.vector) };
  }, TEXTS);
  expect(out.killed).toBe(true);
  expect(out.same).toBeGreaterThanOrEqual(SAME);
  expect(out.laterSame).toBeGreaterThanOrEqual(SAME);
  expect(out.replaced).toHaveLength(1);
  expect(out.replaced[0]).toMatchObject({ reason: expect.stringMatching(/stopped/), workers: 2 });
  expect(out.workers).toBe(2);
});

for (const mode of ['exit', 'hang'] as const) {
  test(`a poison input that ${mode === 'exit' ? 'kills' : 'wedges'} its worker is rejected alone after two workers; the rest complete unchanged`, async ({ served }) => {
    const out = await served.evaluate(async ({ texts, poison, mode }) => {
      const omni = await import('/dist/browser/index.js');
      const clean = await omni.createEmbedder({ device: 'wasm', workers: 1 });
      const baseline = await clean.embedBatch(texts);
      await clean.dispose();
      const e = await omni.createEmbedder({ device: 'wasm', workers: 2, threads: 1, workerTimeout: 2500, _faults: { poison, mode } });
      const replaced: string[] = [];
      e.on('workerreplaced', (r) => replaced.push(r.reason));
      await new Promise((r) => setTimeout(r, 1500));
      const t0 = performance.now();
      const calls = [...texts.slice(0, 12), `${poison} in a sentence`, ...texts.slice(12)].map((t) => e.embed(t).then(
        (v) => ({ ok: true as const, v: Array.from(v.vector) }),
        (err: any) => ({ ok: false as const, name: err.name, code: err.code, input: err.input, message: err.message, typed: err instanceof omni.WorkerCrashedError }),
      ));
      const settled = await Promise.all(calls);
      const seconds = (performance.now() - t0) / 1000;
      const after = await e.embed(texts[0]!);
      await e.dispose();
      const poisoned = settled.splice(12, 1)[0]!;
      const cos = (a: ArrayLike<number>, b: Float32Array) => Array.from(a).reduce((s, x, k) => s + x * b[k]!, 0);
      const same = Math.min(...settled.map((s, i) => (s.ok ? cos(s.v, baseline[i]!.vector) : -1)));
      return { poisoned, same, replaced, seconds, afterSame: cos(after.vector, baseline[0]!.vector) };
    }, { texts: TEXTS, poison: POISON, mode });
    expect(out.poisoned).toMatchObject({ ok: false, name: 'WorkerCrashedError', code: 'worker_crashed', typed: true });
    expect((out.poisoned as { input: string }).input).toContain(POISON);
    expect(out.same).toBeGreaterThanOrEqual(SAME);
    expect(out.afterSame).toBeGreaterThanOrEqual(SAME);
    expect(out.replaced).toHaveLength(2);
    if (mode === 'hang') expect(out.replaced.every((r) => /hung/.test(r))).toBe(true);
    expect(out.seconds).toBeLessThan(60);
  });
}

test('with every worker dead, calls are served by replacements; dispose() during faults settles', async ({ served }) => {
  const out = await served.evaluate(async (texts) => {
    const omni = await import('/dist/browser/index.js');
    const e = await omni.createEmbedder({ device: 'wasm', workers: 2, threads: 1 });
    const baseline = await e.embed(texts[0]!);
    await new Promise((r) => setTimeout(r, 1500));
    e._killWorker(1);
    e._killWorker(0);
    const v = await e.embed(texts[0]!);
    const same = v.vector.reduce((s, x, k) => s + x * baseline.vector[k]!, 0);
    // Dispose with a fresh fault in flight: everything settles, queued calls say 'disposed'.
    const pending = e.embedBatch(texts).then(() => 'resolved', (err: any) => err.code);
    e._killWorker(0);
    const t0 = performance.now();
    await e.dispose();
    const disposeMs = performance.now() - t0;
    return { same, pending: await pending, disposeMs, after: await e.embed('x').then(() => 'resolved', (err: any) => err.name) };
  }, TEXTS);
  expect(out.same).toBeGreaterThanOrEqual(SAME);
  expect(['resolved', 'disposed']).toContain(out.pending);
  expect(out.disposeMs).toBeLessThan(5000);
  expect(out.after).toBe('DisposedError');
});

test('a worker that cannot start rejects createEmbedder with WorkerStartError within seconds', async ({ served }) => {
  const out = await served.evaluate(async () => {
    const omni = await import('/dist/browser/index.js');
    const attempt = async (workerUrl: string) => {
      const t0 = performance.now();
      const r = await omni.createEmbedder({ device: 'wasm', workerUrl }).then(
        async (e) => { await e.dispose(); return { name: 'resolved', code: '', url: '', typed: false }; },
        (e: any) => ({ name: e.name, code: e.code, url: e.url, typed: e instanceof omni.WorkerStartError }),
      );
      return { ...r, seconds: (performance.now() - t0) / 1000 };
    };
    const blob = URL.createObjectURL(new Blob(['throw new Error("broken build")'], { type: 'text/javascript' }));
    return { missing: await attempt('/nope.js'), throwing: await attempt(blob) };
  });
  for (const r of [out.missing, out.throwing]) {
    expect(r).toMatchObject({ name: 'WorkerStartError', code: 'worker_start_failed', typed: true });
    expect(r.seconds).toBeLessThan(10);
  }
  expect(out.missing.url).toBe('/nope.js');
});

test('a failed start does not poison the next one (transformers.js #1767): the next createEmbedder loads and gives the same vectors', async ({ served }) => {
  await armFault(served, { match: 'audio_model_quantized.onnx', kind: 'corrupt', times: 2 });
  const failed = await served.evaluate(async () => {
    const omni = await import('/dist/browser/index.js');
    return omni.createEmbedder({ device: 'wasm', workers: 1, cache: false }).then(() => null, (err: any) => ({ name: err.name, code: err.code, url: err.url }));
  });
  await clearFaults(served);
  const out = await served.evaluate(async () => {
    const omni = await import('/dist/browser/index.js');
    const clip = { samples: Float32Array.from({ length: 16000 }, (_, i) => Math.sin(i / 9)), sampleRate: 16000 };
    const run = async () => {
      const e = await omni.createEmbedder({ device: 'wasm', workers: 1, cache: false });
      const v = await e.embed(clip);
      await e.dispose();
      return v.vector;
    };
    const a = await run();
    const b = await run();
    return a.reduce((s, x, k) => s + x * b[k]!, 0);
  });
  expect(failed).toMatchObject({ name: 'IntegrityError', code: 'integrity_error' });
  expect(failed!.url).toContain('audio_model_quantized.onnx');
  expect(out).toBeGreaterThanOrEqual(SAME);
});
