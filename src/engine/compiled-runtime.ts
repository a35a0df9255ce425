// Hands ORT a WebAssembly.Module the page compiled, so a worker neither reads ORT's 14–27 MB .wasm
// nor compiles it.
//
// Why a stand-in and a patched `WebAssembly.instantiate`: onnxruntime-web 1.30 gives its Emscripten
// factory only `{ numThreads, wasmBinary, locateFile }`, never `instantiateWasm`, and with
// `wasmBinary` set it calls `WebAssembly.instantiate(new Uint8Array(wasmBinary), imports)` once and
// expects `{ instance, module }` back (it then posts `module` to its own thread workers). So
// `wasmBinary` is set to a few recognisable bytes, and the first instantiate of exactly those bytes
// is answered with the page's module. ORT is bundled with the worker (dist/browser/workers), so the
// version this relies on is the one tests/browser/runtime-handover.spec.ts runs.

const STAND_IN = new TextEncoder().encode('omni-embed: ORT runtime compiled by the page');

function isStandIn(source: unknown): boolean {
  const bytes = source instanceof ArrayBuffer ? new Uint8Array(source)
    : ArrayBuffer.isView(source) ? new Uint8Array(source.buffer, source.byteOffset, source.byteLength)
      : undefined;
  if (!bytes || bytes.byteLength !== STAND_IN.byteLength) return false;
  return bytes.every((b, i) => b === STAND_IN[i]);
}

export interface HandOver {
  /** What to give ORT as `env.wasm.wasmBinary`. */
  wasmBinary: ArrayBuffer;
  /** True once ORT instantiated the page's module (the check a test makes, and `info.runtimeCompiledBy`). */
  used(): boolean;
}

/**
 * Arms the hand-over of `module` for this worker's one ORT start. Any other instantiate passes
 * straight through, and the patch removes itself once used.
 */
export function handOverRuntime(module: WebAssembly.Module): HandOver {
  const wasm = WebAssembly as { instantiate: (...args: unknown[]) => Promise<unknown> };
  const original = wasm.instantiate;
  let used = false;
  wasm.instantiate = function instantiate(this: unknown, ...args: unknown[]) {
    if (!isStandIn(args[0])) return original.apply(this, args);
    wasm.instantiate = original;
    used = true;
    return (original.call(WebAssembly, module, args[1]) as Promise<WebAssembly.Instance>).then((instance) => ({ instance, module }));
  };
  return { wasmBinary: STAND_IN.slice().buffer, used: () => used };
}
