// The Cache API entry sizes Chromium stores in an off-the-record context (browser.newContext(), as
// an incognito window) and in a persistent profile. Behind PRIVATE_PROFILE_ENTRY_LIMIT
// (src/models/cache.ts) and bench/scale/compare.mjs's choice of persistent profiles.
//   node bench/scale/cache-entry-limit.mjs → prints both rows
import { chromium } from 'playwright-core';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { resolve } from 'node:path';
import { startServer } from '../../tests/server/server.mjs';
import { chromiumLaunchOptions } from '../../tests/helpers/chromium.mjs';

const SIZES_MB = [100, 254, 270, 300, 351, 500];
const server = await startServer({ port: 4613 });
const launch = chromiumLaunchOptions();
const probe = async (context) => {
  const page = await context.newPage();
  await page.goto(`${server.origin}/bench/embed/page.html`);
  return page.evaluate(async (sizes) => {
    const out = {};
    const cache = await caches.open('omni-embed-entry-limit-probe');
    for (const mb of sizes) {
      try { await cache.put(`/probe-${mb}`, new Response(new Uint8Array(mb * 1e6))); out[`${mb} MB`] = 'stored'; } catch (e) { out[`${mb} MB`] = `${e.name}`; }
      await cache.delete(`/probe-${mb}`);
    }
    out.quotaGB = +((await navigator.storage.estimate()).quota / 1e9).toFixed(1);
    return out;
  }, SIZES_MB);
};
try {
  const browser = await chromium.launch(launch);
  console.log('off-the-record context', JSON.stringify(await probe(await browser.newContext())));
  await browser.close();
  const dir = mkdtempSync(resolve(os.tmpdir(), 'omni-entry-limit-'));
  const context = await chromium.launchPersistentContext(dir, launch);
  console.log('persistent profile     ', JSON.stringify(await probe(context)));
  await context.close();
  rmSync(dir, { recursive: true, force: true });
} finally {
  await server.close();
}
