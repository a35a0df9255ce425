import { test as base, expect, type Page } from '@playwright/test';
import { PAGE_RANDOM } from '../helpers/random';

/**
 * Every browser test gets a page on the project's server that fails the test on console errors
 * or on any request leaving the server's origin (the SDK must never reach a CDN).
 */
export const test = base.extend<{ served: Page; consoleErrors: string[]; foreignRequests: string[] }>({
  consoleErrors: async ({}, use) => use([]),
  foreignRequests: async ({}, use) => use([]),
  served: async ({ page, baseURL, consoleErrors, foreignRequests }, use) => {
    page.on('console', (msg) => {
      if (msg.type() === 'error') consoleErrors.push(msg.text());
    });
    page.on('pageerror', (err) => consoleErrors.push(String(err)));
    page.on('request', (req) => {
      const url = req.url();
      if (!url.startsWith(baseURL!) && !url.startsWith('data:') && !url.startsWith('blob:')) foreignRequests.push(url);
    });
    await page.addInitScript({ content: PAGE_RANDOM });
    await page.goto('/tests/pages/blank.html');
    await use(page);
    expect(foreignRequests, 'requests outside the app origin').toEqual([]);
  },
});

export { expect };

/** Server-side request log, for asserting what was (not) fetched. */
export async function serverLog(page: Page): Promise<{ method: string; url: string; status: number }[]> {
  const res = await page.request.get('/__log');
  return res.json();
}

export async function clearServerLog(page: Page): Promise<void> {
  await page.request.delete('/__log');
}

export async function armFault(page: Page, fault: { match: string; kind: '404' | '500' | 'cut' | 'corrupt' | 'slow'; times?: number; afterBytes?: number; delayMs?: number }): Promise<void> {
  await page.request.post('/__fault', { data: fault });
}

export async function clearFaults(page: Page): Promise<void> {
  await page.request.delete('/__fault');
}

export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let dot = 0, na = 0, nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return dot / Math.sqrt(na * nb);
}
