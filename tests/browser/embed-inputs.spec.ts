import { test, expect, cosine } from './fixtures';
import { heldout } from '../helpers/reference';

const clip = heldout().find((i) => i.files.audio)!.files.audio!;

test('clips longer than 10 s are cut into 10 s windows whose embeddings are mean-pooled', async ({ served }) => {
  const out = await served.evaluate(async (clip) => {
    const omni = await import('/dist/browser/index.js');
    const e = await omni.createEmbedder({ device: 'wasm' });
    const bytes = await fetch(`/data/heldout/${clip}`).then((r) => r.arrayBuffer());
    const decoded = await new OfflineAudioContext(1, 1, 16000).decodeAudioData(bytes);
    const pcm = decoded.getChannelData(0);
    // 5 s of the clip, looped: every 10 s window of the long version holds exactly two loops,
    // and so does the repeat-padded short version. Pooling the windows must give the same vector.
    const five = new Float32Array(5 * 16000);
    for (let i = 0; i < five.length; i++) five[i] = pcm[i % pcm.length]!;
    const long = new Float32Array(25 * 16000);
    for (let i = 0; i < long.length; i++) long[i] = five[i % five.length]!;
    const short = await e.embed({ samples: five, sampleRate: 16000 });
    const longer = await e.embed({ samples: long, sampleRate: 16000 });
    // The same audio handed over at 48 kHz is resampled to the model's rate.
    const up = new Float32Array(five.length * 3);
    for (let i = 0; i < up.length; i++) up[i] = five[Math.floor(i / 3)]!;
    const resampled = await e.embed({ samples: up, sampleRate: 48000 });
    const other = await e.embed({ samples: long.subarray(0, 3 * 16000), sampleRate: 16000 });
    await e.dispose();
    return { short: Array.from(short.vector), long: Array.from(longer.vector), resampled: Array.from(resampled.vector), other: Array.from(other.vector) };
  }, clip);
  expect(cosine(out.short, out.long)).toBeGreaterThan(0.9999);
  expect(cosine(out.short, out.resampled)).toBeGreaterThan(0.98);
  expect(cosine(out.short, out.other)).toBeLessThan(0.9999);
});

test('text over the model limit is truncated with a warning event, never an error', async ({ served }) => {
  const out = await served.evaluate(async () => {
    const omni = await import('/dist/browser/index.js');
    const e = await omni.createEmbedder({ device: 'wasm' });
    const warnings: string[] = [];
    e.on('warning', (w) => warnings.push(w));
    const long = Array(200).fill('a big blue star in the top left').join(' and ');
    const v = await e.embed(long);
    const prefix = await e.embed(long.slice(0, 200));
    await new Promise((r) => setTimeout(r, 50)); // warnings arrive over the worker channel
    await e.dispose();
    return { len: v.vector.length, warnings, v: Array.from(v.vector), prefix: Array.from(prefix.vector) };
  });
  expect(out.len).toBe(256);
  expect(out.warnings.length).toBeGreaterThanOrEqual(1);
  expect(out.warnings[0]).toMatch(/truncated to 32/);
  // Truncation keeps the beginning: same first 32 tokens, same vector.
  expect(cosine(out.v, out.prefix)).toBeGreaterThan(0.9999);
});

test('a model that cannot load rejects createEmbedder with its typed code and the file it missed', async ({ served }) => {
  const err = await served.evaluate(async () => {
    const omni = await import('/dist/browser/index.js');
    return omni.createEmbedder({ modelUrl: '/no/such/model/', device: 'wasm' }).then(
      () => null,
      (e) => ({ name: e.name, code: e.code, message: e.message, typed: e instanceof omni.OmniEmbedError }),
    );
  });
  expect(err).toMatchObject({ name: 'ModelNotFoundError', code: 'model_not_found', typed: true });
  expect(err!.message).toContain('/no/such/model/config.json');
});
