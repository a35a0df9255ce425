import { test, expect } from './fixtures';
import type { Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';

// The demo's draw panel (demo/draw.js): the user sketches with the mouse and the results follow.
// Runs on the production build, like demo-app.spec.ts, on WASM (WebGPU here is SwiftShader).
const DEVICE = process.env.DEMO_DEVICE ?? 'wasm';
const DIR = process.env.DEMO_PATH ?? '/demo/dist/';
const APP = `${DIR}index.html?device=${DEVICE}`;

test.beforeAll(() => {
  test.setTimeout(120_000);
  if (!process.env.DEMO_PATH) execFileSync('npx', ['vite', 'build', '--logLevel', 'warn'], { stdio: 'inherit' });
});

type Card = { id: string; kind: string; colour: string; shape: string; caption: string; score: number };
async function results(page: Page): Promise<Card[]> {
  return page.locator('#results .card').evaluateAll((cards) =>
    cards.map((c) => {
      const d = (c as HTMLElement).dataset;
      return { id: d.id!, kind: d.kind!, colour: d.colour!, shape: d.shape!, caption: d.caption!, score: Number(d.score) };
    }),
  );
}

/**
 * Draws a filled disc with the real mouse: concentric circles from the centre out, one press per circle.
 * (cx, cy, r) are in the canvas' own 128-px coordinates; the canvas is shown at another CSS size.
 */
async function drawDisc(page: Page, cx: number, cy: number, r: number) {
  const box = (await page.locator('#draw-canvas').boundingBox())!;
  const k = box.width / 128;
  const at = (x: number, y: number) => [box.x + x * k, box.y + y * k] as const;
  for (let rr = 2; rr <= r; rr += 4) {
    await page.mouse.move(...at(cx + rr, cy));
    await page.mouse.down();
    for (let a = 0; a <= 24; a++) await page.mouse.move(...at(cx + rr * Math.cos((a / 24) * 2 * Math.PI), cy + rr * Math.sin((a / 24) * 2 * Math.PI)));
    await page.mouse.up();
  }
}

/** Waits until the results on screen are those of the latest snapshot of the drawing, and returns them. */
async function settled(page: Page): Promise<Card[]> {
  const draw = page.locator('#draw');
  // the debounce fires once the mouse rests; then the latest snapshot's results must be the ones shown
  await expect.poll(async () => Number(await draw.getAttribute('data-snapshots') ?? 0), { timeout: 10_000 }).toBeGreaterThan(0);
  await expect.poll(async () => {
    const [snap, shown] = await Promise.all([draw.getAttribute('data-snapshots'), page.locator('#results').getAttribute('data-drawing')]);
    return snap !== null && snap === shown;
  }, { timeout: 30_000 }).toBe(true);
  await page.waitForTimeout(400); // no snapshot may follow: the drawing stopped changing
  expect(await page.locator('#results').getAttribute('data-drawing')).toBe(await draw.getAttribute('data-snapshots'));
  return results(page);
}

test('demo draw: a sketch drawn with the mouse searches live, and new strokes change the results', async ({ served }) => {
  test.setTimeout(900_000);
  const page = served;
  await page.evaluate(async () => {
    localStorage.clear();
    const dbs = await indexedDB.databases();
    await Promise.all(dbs.map((d) => new Promise((r) => { const q = indexedDB.deleteDatabase(d.name!); q.onsuccess = q.onerror = q.onblocked = r; })));
  });
  await page.setViewportSize({ width: 1360, height: 1000 });
  await page.goto(APP);
  await expect(page.locator('body')).toHaveAttribute('data-state', /ready|error/, { timeout: 600_000 });
  await expect(page.locator('body')).toHaveAttribute('data-state', 'ready');
  await expect(page.locator('#draw-canvas')).toBeVisible();

  // Live: with the mouse button still held in the middle of a stroke, results for the sketch so far appear.
  await page.locator('.swatch[data-colour=red]').click();
  const box = (await page.locator('#draw-canvas').boundingBox())!;
  await page.mouse.move(box.x + box.width * 0.25, box.y + box.height * 0.25);
  await page.mouse.down();
  for (let i = 1; i <= 10; i++) await page.mouse.move(box.x + box.width * (0.25 + i / 100), box.y + box.height * 0.25);
  await expect(page.locator('#results')).toHaveAttribute('data-drawing', /^\d+$/, { timeout: 10_000 });
  await expect(page.locator('#results .card')).toHaveCount(12);
  await page.mouse.up();

  // Snapshot times, seen from the page: the throttle's promise is a gap of at least UPDATE_MS between
  // embeds, whatever the pace of the pointer events (under load, Playwright's moves come slower).
  await page.evaluate(() => {
    const times: number[] = ((window as unknown as { snapTimes: number[] }).snapTimes = []);
    new MutationObserver(() => times.push(performance.now())).observe(document.querySelector('#draw')!, { attributeFilter: ['data-snapshots'] });
  });

  // A red disc in the top left: no button is pressed, the results follow the drawing.
  await drawDisc(page, 34, 34, 22);
  const red = await settled(page);
  const changes = Number(await page.locator('#draw').getAttribute('data-changes'));
  const snaps = Number(await page.locator('#draw').getAttribute('data-snapshots'));
  console.log('red', changes, 'changes,', snaps, 'snapshots', JSON.stringify(red.slice(0, 5)));
  await expect(page.locator('#results')).toHaveAttribute('data-query-type', 'drawing');
  expect(red.length).toBe(12);
  for (let i = 1; i < red.length; i++) expect(red[i]!.score).toBeLessThanOrEqual(red[i - 1]!.score);
  // throttled: fewer embeds than pointer events, and never two within UPDATE_MS (250 ms, demo/draw.js)
  expect(changes).toBeGreaterThan(50);
  expect(snaps).toBeLessThan(changes / 2);
  const times = await page.evaluate(() => (window as unknown as { snapTimes: number[] }).snapTimes);
  expect(times.length).toBeGreaterThan(2);
  const gaps = times.slice(1).map((t, i) => t - times[i]!);
  console.log('snapshot gaps (ms): min', Math.min(...gaps).toFixed(0), 'of', gaps.length);
  expect(Math.min(...gaps)).toBeGreaterThanOrEqual(245);
  await expect(page.locator('#query-view img')).toHaveAttribute('src', /^data:image\/png/);
  // What the sketch is: a large red disc top left. The gallery holds no large red circle in the top left, so
  // the first result must be one attribute away from it (v2.3 ranks the large yellow circle top left first,
  // v2.2 ranked the large red square there: model card, Limitations), and red must be over-represented (a
  // random top 12 of this gallery would hold about 1.5 red items).
  const sketch = ['red', 'circle', 'large', 'top left'];
  const attributes = (c: Card) => [c.colour, c.shape, /\b(small|large)\b/.exec(c.caption)?.[1], /(top|bottom) (left|right)|center/.exec(c.caption)?.[0]];
  expect(attributes(red[0]!).filter((a, i) => a === sketch[i]).length, red[0]!.caption).toBeGreaterThanOrEqual(3);
  expect(red.filter((r) => r.colour === 'red').length).toBeGreaterThanOrEqual(4);

  // Adding strokes in another colour updates the results without any click on a button.
  await page.locator('.swatch[data-colour=blue]').click();
  await drawDisc(page, 94, 94, 22);
  const both = await settled(page);
  console.log('red+blue', JSON.stringify(both.slice(0, 5)));
  expect(both.map((r) => r.id)).not.toEqual(red.map((r) => r.id));

  // Clear and draw a green disc bottom right. omni-tiny v2 reads shape, size and position as well as colour
  // (model card), so the gallery's one large green circle in the bottom right must come first: all four
  // attributes read off a mouse sketch, on a canvas the model never trained on.
  await page.locator('#draw-clear').click();
  await page.locator('.swatch[data-colour=green]').click();
  await drawDisc(page, 94, 94, 22);
  const green = await settled(page);
  console.log('green', JSON.stringify(green.slice(0, 5)));
  expect(green[0]).toMatchObject({ kind: 'image', colour: 'green', shape: 'circle', caption: 'a large green circle in the bottom right' });
  expect(green.filter((r) => r.colour === 'red').length).toBeLessThan(red.filter((r) => r.colour === 'red').length);

  await page.screenshot({ path: `${process.env.SCREENSHOTS ? 'docs/screenshots' : 'tests/.out/screenshots'}/09-draw.png` });

  // The default canvas is white and the gallery's images are dark: the background must not decide. The same
  // disc on the dark background finds the same item first.
  expect(await page.locator('#draw-background').inputValue()).toBe('white');
  await page.locator('#draw-background').selectOption('dark');
  await drawDisc(page, 94, 94, 22);
  const onDark = await settled(page);
  console.log('green on dark', JSON.stringify(onDark.slice(0, 3)));
  expect(onDark[0]!.id).toBe(green[0]!.id);
});
