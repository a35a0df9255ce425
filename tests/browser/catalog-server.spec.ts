import { test, expect } from '@playwright/test';
import { heldout } from '../helpers/reference';

// The example catalog server's query path, end to end: its page embeds the query in Chromium with
// the SDK, searches the on-device library, and POSTs only the vector to /search, where pgvector
// (PGlite) ranks the server-embedded catalog. The right item comes back, the query text never
// leaves the page, and malformed queries get 400s.

type Server = { url: string; close(): Promise<void> };
let server: Server;

test.beforeAll(async () => {
  test.setTimeout(240_000);
  const mod = (await import('../../examples/catalog-server/server.mjs' as string)) as { startServer(o?: object): Promise<Server> };
  server = await mod.startServer({ port: 0 });
});
test.afterAll(async () => server?.close());

test('the page embeds on the device, sends only the vector, and shows catalog hits next to its own library', async ({ page }) => {
  const target = heldout().filter((i) => i.kind === 'image')[20]!;
  const posted: string[] = [];
  const foreign: string[] = [];
  page.on('request', (req) => {
    if (!req.url().startsWith(server.url)) foreign.push(req.url());
    if (req.url().endsWith('/search')) posted.push(req.postData() ?? '');
  });
  await page.goto(server.url);
  await expect(page.locator('#status')).toHaveText('ready', { timeout: 120_000 });
  await page.fill('#query', target.caption);
  await page.click('button');
  await expect(page.locator('#status')).toHaveText(/^done: 5 on this device, 5 from the catalog$/, { timeout: 60_000 });

  const remote = await page.locator('#remote li').evaluateAll((lis) => lis.map((li) => (li as HTMLElement).dataset.id));
  expect(remote).toHaveLength(5);
  expect(remote, `catalog hits for "${target.caption}"`).toContain(target.id);
  // The on-device library holds only the first 8 images, so its hits come from those.
  const mine = new Set(heldout().filter((i) => i.kind === 'image').slice(0, 8).map((i) => i.id));
  const local = await page.locator('#local li').evaluateAll((lis) => lis.map((li) => (li as HTMLElement).dataset.id!));
  expect(local.every((id) => mine.has(id))).toBe(true);

  expect(posted).toHaveLength(1);
  const body = JSON.parse(posted[0]!);
  expect(Object.keys(body).sort()).toEqual(['k', 'vector']);
  expect(body.vector).toHaveLength(256);
  expect(posted[0]).not.toContain(target.caption);
  expect(foreign).toEqual([]);
});

test('/search refuses what is not a query vector', async ({ request }) => {
  const bad = async (data: unknown) => (await request.post(`${server.url}/search`, { data: data as object })).status();
  expect(await bad({ vector: [1, 2, 3] })).toBe(400);
  expect(await bad({ text: 'raw queries are not accepted' })).toBe(400);
  expect(await bad({ vector: Array(256).fill(0.1), k: 0 })).toBe(400);
  const ok = await request.post(`${server.url}/search`, { data: { vector: Array(256).fill(0.0625), k: 3 } });
  expect(ok.status()).toBe(200);
  expect((await ok.json()).results).toHaveLength(3);
  expect((await request.get(`${server.url}/../package.json`)).status()).toBe(404);
});
