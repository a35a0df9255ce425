import { test, expect, cosine } from './fixtures';

test('on GPU device loss the embedder rebuilds on WASM, reports the switch, and keeps serving', async ({ served }) => {
  const out = await served.evaluate(async () => {
    const omni = await import('/dist/browser/index.js');
    const e = await omni.createEmbedder({ device: 'webgpu', dtype: 'fp32', modelUrl: '/models/omni-tiny/' });
    const before = e.info.device;
    const v1 = Array.from((await e.embed('a blue star moving left')).vector);
    const switched = new Promise<{ from: string; to: string; reason: string }>((resolve) => e.on('devicechange', resolve));
    const lost = await e._simulateDeviceLoss();
    const change = await switched;
    const v2 = Array.from((await e.embed('a blue star moving left')).vector);
    const after = e.info.device;
    await e.dispose();
    return { before, after, lost, change, v1, v2 };
  });
  expect(out.before).toBe('webgpu');
  expect(out.lost).toEqual([true]);
  expect(out.change).toMatchObject({ from: 'webgpu', to: 'wasm' });
  expect(out.change.reason).toMatch(/lost/);
  expect(out.after).toBe('wasm');
  expect(cosine(out.v1, out.v2)).toBeGreaterThan(0.999);
});
