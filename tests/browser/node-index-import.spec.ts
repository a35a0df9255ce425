import { test, expect } from './fixtures';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { heldout, HELDOUT_DIR } from '../helpers/reference';
import { CLI } from '../helpers/node-entry';

// The CLI's index export, written on the server, opened in Chromium with the SDK's importIndex and
// searched with vectors the page embeds itself: each image finds its own server-side row with
// cosine ≥ 0.9999, and a caption finds its image among the top 5.

const OUT = 'tests/.out/node-index-import';
const images = heldout().filter((i) => i.kind === 'image').slice(0, 24);

test.beforeAll(() => {
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(join(OUT, 'catalog'), { recursive: true });
  for (const img of images) copyFileSync(join(HELDOUT_DIR, img.files.image!), join(OUT, 'catalog', `${img.id}.png`));
  const run = spawnSync(process.execPath, [CLI, 'index', join(OUT, 'catalog'), '--out', join(OUT, 'out'), '--no-db', '--workers', '1'], { encoding: 'utf8' });
  expect(run.status, run.stderr).toBe(0);
});

test('importIndex() in the browser opens the CLI export; on-device queries find the server rows', async ({ served }) => {
  const result = await served.evaluate(async ({ ids, captions }) => {
    const omni = await import('/dist/browser/index.js');
    const blob = await (await fetch('/tests/.out/node-index-import/out/index.omniidx')).blob();
    const index = await omni.importIndex(blob);
    const embedder = await omni.createEmbedder({ device: 'wasm' });
    const self: { id: string; top: string; score: number }[] = [];
    for (const id of ids.slice(0, 6)) {
      const v = (await embedder.embed(await (await fetch(`/data/heldout/images/${id}.png`)).blob())).vector;
      const [hit] = await index.search(v, { k: 1 });
      self.push({ id, top: hit!.id, score: hit!.score });
    }
    const text: string[][] = [];
    for (const caption of captions.slice(0, 6)) text.push((await index.search((await embedder.embed(caption)).vector, { k: 5 })).map((h) => h.id));
    const meta = index.get(`${ids[0]}.png`)?.metadata;
    await embedder.dispose();
    return { count: index.count, self, text, meta };
  }, { ids: images.map((i) => i.id), captions: images.map((i) => i.caption) });
  expect(result.count).toBe(images.length);
  expect(result.meta).toMatchObject({ kind: 'image', path: `${images[0]!.id}.png` });
  for (const s of result.self) {
    expect(s.top).toBe(`${s.id}.png`);
    expect(s.score).toBeGreaterThanOrEqual(0.9999);
  }
  const found = result.text.filter((hits, i) => hits.includes(`${images[i]!.id}.png`)).length;
  expect(found, JSON.stringify(result.text)).toBeGreaterThanOrEqual(4);
});
