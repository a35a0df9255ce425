import { defineConfig } from '@playwright/test';
import { chromiumLaunchOptions } from '../helpers/chromium.mjs';

const PORT = Number(process.env.TEST_PORT ?? 4317);

export default defineConfig({
  testDir: '.',
  testMatch: '**/*.spec.ts',
  outputDir: '../.out/playwright',
  timeout: 180_000,
  expect: { timeout: 30_000 },
  fullyParallel: false,
  // Two cores: parallel browsers would only make the WebGPU (SwiftShader) tests time out.
  workers: 1,
  retries: 0,
  reporter: [['list'], ['json', { outputFile: '../.out/playwright.json' }]],
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    browserName: 'chromium',
    // OMNI_NO_WEBGPU=1 drops the WebGPU flag (tests/helpers/chromium.mjs)
    launchOptions: chromiumLaunchOptions({ webgpu: true }),
  },
  webServer: {
    command: `node tests/server/server.mjs ${PORT}`,
    cwd: '../..',
    url: `http://127.0.0.1:${PORT}/tests/pages/blank.html`,
    reuseExistingServer: false,
    timeout: 30_000,
  },
});
