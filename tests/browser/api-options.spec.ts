// Every option is checked at the API edge: invalid_option with a message naming the option and
// what is allowed, never a silent default or a raw TypeError. Bad inputs are invalid_input.
import { test, expect } from './fixtures';

type Outcome = { name: string; code?: string; message: string; typed: boolean } | 'resolved';

test('createEmbedder refuses every bad option with InvalidOptionError naming it, before starting a worker', async ({ served }) => {
  const out = await served.evaluate(async () => {
    const omni = await import('/dist/browser/index.js');
    const cases: [string, unknown][] = [
      ['device', { device: 'bogus' }],
      ['dtype', { dtype: 'int3' }],
      ['workers', { workers: 0 }],
      ['workers', { workers: -1 }],
      ['workers', { workers: 1.5 }],
      ['threads', { threads: 0 }],
      ['workerTimeout', { workerTimeout: 'soon' }],
      ['cache', { cache: true }],
      ['host', { host: 42 }],
      ['onProgress', { onProgress: 'yes' }],
      ['wasmPaths', { wasmPaths: 7 }],
      ['createEmbedder options', null],
      ['createEmbedder options', 'omni-tiny'],
    ];
    // Count worker starts: validation must refuse before any is spawned.
    let spawned = 0;
    const RealWorker = Worker;
    (window as any).Worker = class extends RealWorker { constructor(url: string | URL, o?: WorkerOptions) { super(url, o); spawned++; } };
    const results: { option: string; outcome: Outcome }[] = [];
    for (const [option, opts] of cases) {
      const outcome = await omni.createEmbedder(opts as never).then(
        async (e) => { await e.dispose(); return 'resolved' as const; },
        (e: any) => ({ name: e.name, code: e.code, message: e.message, typed: e instanceof omni.InvalidOptionError }),
      );
      results.push({ option, outcome });
    }
    const refused = spawned;
    // Control: a valid call does spawn through the wrapper, so zero above means something.
    await (await omni.createEmbedder({ device: 'wasm', workers: 1 })).dispose();
    (window as any).Worker = RealWorker;
    return { results, spawned: refused, control: spawned - refused };
  });
  for (const { option, outcome } of out.results) {
    expect(outcome, option).not.toBe('resolved');
    expect(outcome, option).toMatchObject({ name: 'InvalidOptionError', code: 'invalid_option', typed: true });
    expect((outcome as { message: string }).message, option).toContain(option);
  }
  // The allowed values are spelled out, so the fix is in the message.
  expect((out.results[0]!.outcome as { message: string }).message).toContain("'wasm'");
  expect((out.results[1]!.outcome as { message: string }).message).toContain("'q8'");
  expect(out.spawned).toBe(0);
  expect(out.control).toBe(1);
});

test('embed and embedBatch refuse bad options and inputs with typed errors; good calls around them still work', async ({ served }) => {
  const out = await served.evaluate(async () => {
    const omni = await import('/dist/browser/index.js');
    const e = await omni.createEmbedder({ device: 'wasm', workers: 1 });
    const settle = (p: Promise<unknown>): Promise<Outcome> => p.then(
      () => 'resolved' as const,
      (err: any) => ({ name: err.name, code: err.code, message: err.message, typed: err instanceof omni.OmniEmbedError }),
    );
    const good = e.embed('a red circle');
    const broken = new Image();
    broken.src = '/no/such/picture.png';
    await new Promise((r) => { broken.onerror = r; });
    const results: Record<string, Outcome> = {
      role: await settle(e.embed('x', { role: 'nope' as never })),
      dims: await settle(e.embed('x', { dims: 7 })),
      dimsType: await settle(e.embed('x', { dims: 'all' as never })),
      signal: await settle(e.embed('x', { signal: {} as never })),
      instruction: await settle(e.embed('x', { instruction: 5 as never })),
      embedOptionsNull: await settle(e.embed('x', null as never)),
      batchNotArray: await settle(e.embedBatch('not an array' as never)),
      batchBadOption: await settle(e.embedBatch(['a', 'b'], { role: 'both' as never })),
      sampleRate: await settle(e.embed({ samples: new Float32Array(1600), sampleRate: 1e9 })),
      sampleRateNaN: await settle(e.embed({ samples: new Float32Array(1600), sampleRate: NaN })),
      brokenImage: await settle(e.embed(broken)),
      omniText: await settle(e.embed({ text: 42 as never })),
      emptyOmni: await settle(e.embed({ text: '' })),
      emptyAudio: await settle(e.embed({ samples: new Float32Array(0), sampleRate: 16000 })),
      noFrames: await settle(e.embed({ frames: [] })),
    };
    const after = await e.embed('a red circle');
    const first = await good;
    await e.dispose();
    let same = true;
    for (let i = 0; i < first.vector.length; i++) same &&= first.vector[i] === after.vector[i];
    return { results, same };
  });
  const option = (key: string, name: string) => {
    expect(out.results[key], key).toMatchObject({ name: 'InvalidOptionError', code: 'invalid_option', typed: true });
    expect((out.results[key] as { message: string }).message, key).toContain(name);
  };
  option('role', 'role');
  option('dims', 'dims');
  option('dimsType', 'dims');
  option('signal', 'signal');
  option('instruction', 'instruction');
  option('embedOptionsNull', 'embed options');
  option('batchNotArray', 'embedBatch');
  option('batchBadOption', 'role');
  for (const key of ['sampleRate', 'sampleRateNaN', 'brokenImage', 'omniText', 'emptyOmni', 'emptyAudio', 'noFrames']) {
    expect(out.results[key], key).toMatchObject({ name: 'InvalidInputError', code: 'invalid_input', typed: true });
  }
  expect((out.results.sampleRate as { message: string }).message).toContain('sampleRate');
  expect((out.results.brokenImage as { message: string }).message).toContain('/no/such/picture.png');
  expect(out.same).toBe(true);
});

test('a model file missing on the page is instanceof ModelNotFoundError with url and status', async ({ served }) => {
  const out = await served.evaluate(async () => {
    const omni = await import('/dist/browser/index.js');
    return omni.createEmbedder({ modelUrl: '/no/such/model/', device: 'wasm', workers: 1 }).then(
      () => null,
      (e: any) => ({
        notFound: e instanceof omni.ModelNotFoundError, loadError: e instanceof omni.ModelLoadError, base: e instanceof omni.OmniEmbedError,
        name: e.name, code: e.code, url: e.url, status: e.status, transient: e.transient, stack: typeof e.stack,
      }),
    );
  });
  expect(out).toMatchObject({ notFound: true, loadError: true, base: true, name: 'ModelNotFoundError', code: 'model_not_found', status: 404, transient: false, stack: 'string' });
  expect(out!.url).toMatch(/\/no\/such\/model\/config\.json$/);
});

test('the bundled model ships q8 only: both devices default to it, and fp32 is refused with a typed error that says where fp32 is', async ({ served }) => {
  const out = await served.evaluate(async () => {
    const omni = await import('/dist/browser/index.js');
    const infos: { device: string; dtype: string; reason: string; norm: number }[] = [];
    for (const device of ['wasm', 'webgpu'] as const) {
      const e = await omni.createEmbedder({ device, workers: 1 });
      const v = await e.embed('a red circle');
      infos.push({ device: e.info.device, dtype: e.info.dtype, reason: e.info.deviceReason, norm: Math.hypot(...v.vector) });
      await e.dispose();
    }
    const refused = await omni.createEmbedder({ device: 'wasm', dtype: 'fp32', workers: 1 }).then(
      async (e) => { await e.dispose(); return 'resolved' as const; },
      (e: any) => ({ name: e.name, code: e.code, message: e.message, typed: e instanceof omni.InvalidOptionError }),
    );
    // The same dtype from the full model folder (what the error points to) loads.
    const full = await omni.createEmbedder({ device: 'wasm', dtype: 'fp32', workers: 1, modelUrl: '/models/omni-tiny/' });
    const fullDtype = full.info.dtype;
    await full.dispose();
    return { infos, refused, fullDtype };
  });
  expect(out.infos.map((i) => [i.device, i.dtype])).toEqual([['wasm', 'q8'], ['webgpu', 'q8']]);
  expect(out.infos[1]!.reason).toContain('no fp32 files');
  for (const i of out.infos) expect(i.norm).toBeCloseTo(1, 4);
  expect(out.refused).toMatchObject({ name: 'InvalidOptionError', code: 'invalid_option', typed: true });
  expect((out.refused as { message: string }).message).toMatch(/'fp32' is not among .*\(q8\).*modelUrl/);
  expect(out.fullDtype).toBe('fp32');
});
