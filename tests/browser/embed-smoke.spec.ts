import { test, expect } from './fixtures';

test('createEmbedder() with defaults embeds text, image, audio, video and an omni item in a worker', async ({ served }) => {
  const out = await served.evaluate(async () => {
    const omni = await import('/dist/browser/index.js');
    const progress: number[] = [];
    const embedder = await omni.createEmbedder({ onProgress: (p: { totalLoaded: number }) => progress.push(p.totalLoaded) });
    const blob = (p: string) => fetch(`/data/heldout/${p}`).then((r) => r.blob());
    const text = await embedder.embed('a small red circle in the center');
    const image = await embedder.embed(await blob('images/img000.png'));
    const audio = await embedder.embed(await blob('audio/aud078.wav'));
    const video = await embedder.embed(await blob('video/vid108.webm'));
    const item = await embedder.embed({ text: 'small circle', image: await blob('images/omni150.png'), audio: await blob('audio/omni150.wav') });
    const short = await embedder.embed('a red circle', { dims: 64 });
    const norm = (v: Float32Array) => Math.sqrt(v.reduce((s, x) => s + x * x, 0));
    const info = embedder.info;
    await embedder.dispose();
    return {
      info,
      progress: progress.length,
      lens: [text, image, audio, video, item, short].map((e) => e.vector.length),
      norms: [text, image, audio, video, item, short].map((e) => norm(e.vector)),
      modalities: [text, image, audio, video, item].map((e) => e.modalities),
    };
  });
  expect(out.lens).toEqual([256, 256, 256, 256, 256, 64]);
  // The test server sends COOP/COEP, so one worker gets both cores as WASM threads.
  expect(out.info.workers).toBe(1);
  expect(out.info.threads).toBe(2);
  for (const n of out.norms) expect(n).toBeCloseTo(1, 5);
  expect(out.modalities).toEqual([['text'], ['image'], ['audio'], ['video'], ['text', 'image', 'audio']]);
});

test('a plain <script type="module"> page embeds with defaults, no bundler', async ({ served }) => {
  await served.goto('/tests/pages/plain-script.html');
  await expect(served.locator('#out')).not.toHaveText('working', { timeout: 120_000 });
  expect(JSON.parse((await served.locator('#out').textContent())!)).toMatchObject({ ok: true, text: 256, image: 256 });
});
