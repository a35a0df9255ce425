import { defineConfig } from '@playwright/test';

const PORT = Number(process.env.TEST_PORT ?? 4317);
// OMNI_NO_WEBGPU=1 launches without the WebGPU flag: the WebGPU tests must then fail,
// which is how we show they cannot pass on a silent WASM fallback.
const webgpuArgs = process.env.OMNI_NO_WEBGPU ? [] : ['--enable-unsafe-webgpu'];

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
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        ...webgpuArgs,
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-quic',
      ],
    },
  },
  webServer: {
    command: `node tests/server/server.mjs ${PORT}`,
    cwd: '../..',
    url: `http://127.0.0.1:${PORT}/tests/pages/blank.html`,
    reuseExistingServer: false,
    timeout: 30_000,
  },
});
