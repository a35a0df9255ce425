import { describe, expect, it } from 'vitest';
import { ModelNotFoundError, ModelHttpError } from '../../src/models/errors';
import { resetRuntimeMemoForTesting, runtimeBinary, runtimeCacheKey, runtimeModule, type RuntimeCacheLike } from '../../src/models/runtime-cache';

const URL_ = 'http://app.test/dist/workers/ort-wasm-simd-threaded.asyncify.wasm';
// A real (empty) module: magic + version.
const WASM = new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);

function fakes(body: Uint8Array | string = WASM, status = 200) {
  const store = new Map<string, ArrayBuffer>();
  const cache: RuntimeCacheLike = {
    match: async (k) => (store.has(k) ? new Response(store.get(k)!.slice(0)) : undefined),
    put: async (k, r) => void store.set(k, await r.arrayBuffer()),
  };
  let fetches = 0;
  const fetch = async (): Promise<Response> => {
    fetches++;
    return new Response(typeof body === 'string' ? body : body.slice(0), { status });
  };
  return { store, cache, fetch, fetches: () => fetches };
}

describe('runtime cache: ORT .wasm fetched once, then served from the cache', () => {
  it('one fetch for concurrent callers; a new page start reads the cache, not the network', async () => {
    resetRuntimeMemoForTesting();
    const f = fakes();
    const [a, b] = await Promise.all([runtimeBinary(URL_, { version: '1.30.0', ...f }), runtimeBinary(URL_, { version: '1.30.0', ...f })]);
    expect(new Uint8Array(a)).toEqual(WASM);
    expect(a).not.toBe(b); // own copies: either may be transferred
    expect(new Uint8Array(b)).toEqual(WASM);
    expect(f.fetches()).toBe(1);
    expect([...f.store.keys()]).toEqual([runtimeCacheKey(URL_, '1.30.0')]);
    resetRuntimeMemoForTesting(); // a reload
    const c = await runtimeBinary(URL_, { version: '1.30.0', ...f });
    expect(new Uint8Array(c)).toEqual(WASM);
    expect(f.fetches()).toBe(1);
    // Another ORT version never reuses the entry.
    await runtimeBinary(URL_, { version: '1.31.0', ...f });
    expect(f.fetches()).toBe(2);
    expect((await runtimeModule(URL_, { version: '1.30.0', ...f })) instanceof WebAssembly.Module).toBe(true);
  });

  it('typed errors; an error page is never cached and a failure is retried next time', async () => {
    resetRuntimeMemoForTesting();
    const missing = fakes(WASM, 404);
    const e1 = await runtimeBinary(URL_, { version: 'x', ...missing }).catch((e: unknown) => e);
    expect(e1).toBeInstanceOf(ModelNotFoundError);
    expect((e1 as ModelNotFoundError).url).toBe(URL_);
    const html = fakes('<html>oops</html>', 200);
    const e2 = await runtimeBinary(URL_, { version: 'y', ...html }).catch((e: unknown) => e);
    expect(e2).toBeInstanceOf(ModelHttpError);
    expect(html.store.size).toBe(0);
    await runtimeBinary(URL_, { version: 'y', ...html }).catch(() => undefined);
    expect(html.fetches()).toBe(2);
  });
});
