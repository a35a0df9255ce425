// Remembers that a graph's WebGPU session agreed with WASM on this adapter, so that a warm start
// does not pay for the check again. The check creates a second (WASM) session of the same bytes
// and runs both: on the full-size CLIP q8 replica it was most of the gap between omni-embed's
// WebGPU warm start and transformers.js's (bench/scale/compare-webgpu-swiftshader.log).
//
// Only agreement is remembered. The key holds what could change the verdict: the adapter as the
// browser describes it, ORT's version, and the graph's bytes (length plus a sampled hash: the
// model cache keys files by URL, so the bytes are what tells a re-exported file apart). A new
// driver that keeps the adapter's description is not seen; that is the price of a fast warm start.

import { openNamedCache } from '../models/runtime-cache';

/** Cache API name of the remembered verdicts. */
export const DEVICE_CHECK_CACHE = 'omni-embed-device-checks-v1';

export interface CheckMemo {
  has(key: string): Promise<boolean>;
  remember(key: string): Promise<void>;
}

/** FNV-1a over about 64 KB sampled across the file, plus its length: cheap on 600 MB. */
export function sampledHash(bytes: Uint8Array): string {
  const step = Math.max(1, Math.floor(bytes.byteLength / 65_536));
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.byteLength; i += step) {
    h ^= bytes[i]!;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return `${bytes.byteLength.toString(36)}-${h.toString(36)}`;
}

export function checkKey(parts: { adapter: string; ortVersion: string; graph: string; bytes: Uint8Array }): string {
  const id = [parts.adapter, parts.ortVersion, parts.graph, sampledHash(parts.bytes)].map(encodeURIComponent).join('/');
  // The Cache API stores only http(s) requests; this host never resolves, nothing is fetched.
  return `https://omni-embed.invalid/device-check/${id}`;
}

/** The Cache API memo; with no Cache API (or storage blocked) nothing is remembered and every start checks. */
export function cacheApiMemo(): CheckMemo {
  return {
    async has(key) {
      const cache = await openNamedCache(DEVICE_CHECK_CACHE);
      return (await cache?.match(key).catch(() => undefined)) !== undefined;
    },
    async remember(key) {
      const cache = await openNamedCache(DEVICE_CHECK_CACHE);
      // Not remembered: the next start checks again.
      await cache?.put(key, new Response('agreed', { headers: { 'Content-Type': 'text/plain' } })).catch(() => undefined);
    },
  };
}
