import { defineConfig } from '@playwright/test';

// The MV3 extension test: its own config because an extension needs a persistent browser
// context (launched by the spec itself), not the shared browser of tests/browser/.
//   node scripts/build.mjs && npx playwright test --config tests/extension/playwright.config.ts
export default defineConfig({
  testDir: '.',
  testMatch: '**/*.spec.ts',
  outputDir: '../.out/extension-playwright',
  globalSetup: './build-extension.ts',
  timeout: 180_000,
  expect: { timeout: 60_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list'], ['json', { outputFile: '../.out/extension-playwright.json' }]],
});
