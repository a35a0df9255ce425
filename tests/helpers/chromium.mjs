// One place for how every harness (Playwright specs, benches, the omni-tiny SDK eval) launches Chromium:
// Debian's build (Playwright cannot download one here), and no traffic of its own, so that a run's only
// requests are the ones the page makes and a test can assert on them.
const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const QUIET_ARGS = [
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

// OMNI_NO_WEBGPU=1 launches without the WebGPU flag: the WebGPU tests must then fail, which is how we show
// they cannot pass on a silent WASM fallback.
const WEBGPU_ARGS = process.env.OMNI_NO_WEBGPU ? [] : ['--enable-unsafe-webgpu'];

// performance.measureUserAgentSpecificMemory() answers at once instead of at the next GC.
const MEASURE_MEMORY_ARGS = ['--enable-blink-features=ForceEagerMeasureMemory', '--enable-precise-memory-info'];

/** Launch options for playwright's chromium.launch / use.launchOptions. */
export function chromiumLaunchOptions({ webgpu = false, measureMemory = false, extraArgs = [] } = {}) {
  return {
    executablePath: CHROMIUM_PATH,
    args: [...(webgpu ? WEBGPU_ARGS : []), ...QUIET_ARGS, ...(measureMemory ? MEASURE_MEMORY_ARGS : []), ...extraArgs],
  };
}
