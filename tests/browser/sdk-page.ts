// Code that runs inside the test page: builds SDK inputs from the committed held-out files.
// Kept as a string-free function so Playwright can serialise it into page.evaluate.
import type { Page } from '@playwright/test';

/** Installs window.heldoutInput(spec) → an input for embedder.embed(). */
export async function installInputHelpers(page: Page): Promise<void> {
  await page.evaluate(() => {
    const blob = (p: string) => fetch(`/data/heldout/${p}`).then((r) => r.blob());
    const strip = async (p: string, count = 8) => {
      const sheet = await createImageBitmap(await blob(p));
      return { frames: await Promise.all(Array.from({ length: count }, (_, i) => createImageBitmap(sheet, 64 * i, 0, 64, 64))) };
    };
    (window as any).heldoutInput = async (spec: any) => {
      if (typeof spec === 'string') return spec;
      if (spec.strip) return strip(spec.strip);
      if (spec.file) return blob(spec.file);
      const item: any = {};
      if (spec.text) item.text = spec.text;
      if (spec.image) item.image = await blob(spec.image);
      if (spec.audio) item.audio = await blob(spec.audio);
      if (spec.videoStrip) item.video = await strip(spec.videoStrip);
      return item;
    };
  });
}
