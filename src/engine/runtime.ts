// Which onnxruntime-web build a worker runs, and starting it.
//
// onnxruntime-web ships three builds that matter here, all from one version. The wasm build runs
// only the wasm EP, from a 14 MB .wasm. The webgpu build runs both EPs (webgpu, wasm); it comes in
// two forms that differ in how the C++ side waits for the GPU: asyncify (27 MB .wasm, runs in every
// browser with WebGPU) and JSPI (17 MB, needs WebAssembly.Suspending/promising, Chromium 137+).
// A worker that will only ever use WASM starts on the wasm build: its start (instantiate plus a
// one-node session) takes 0.45x the time of the asyncify build, and from the read bytes to the first
// vector 0.60x (bench/embed/ort-builds.mjs, quiet machine). A worker that may use WebGPU starts on
// the JSPI form where the browser has JSPI: on the CLIP text graph it reaches its first vector in
// 0.59-0.64x the time of the asyncify form (bench/scale/ort-start.mjs). Elsewhere, or when its files
// are missing, it starts on asyncify. A later move to WASM (device loss, a wrong-on-WebGPU graph)
// stays on the build it started, because one worker holds one ORT.

import type * as Ort from 'onnxruntime-web/webgpu';
import { runtimeBinary } from '../models/runtime-cache';
import { handOverRuntime, type HandOver } from './compiled-runtime';

export type OrtModule = typeof Ort;
/**
 * 'wasm': ORT's wasm-only build; 'jspi': its webgpu build on JSPI; 'webgpu': its webgpu build on
 * asyncify. Both webgpu forms also run the wasm EP.
 */
export type OrtBuild = 'wasm' | 'jspi' | 'webgpu';

/** The runtime file each build loads. */
const RUNTIME_FILE: Record<OrtBuild, string> = {
  wasm: 'ort-wasm-simd-threaded.wasm',
  jspi: 'ort-wasm-simd-threaded.jspi.wasm',
  webgpu: 'ort-wasm-simd-threaded.asyncify.wasm',
};

export interface RuntimeOptions {
  /**
   * ORT's runtime files: a folder holding them (every build's files are looked for there), or
   * `{ mjs, wasm }` URLs of one build's files (the build is read from the file name). Default:
   * beside ORT itself.
   */
  wasmPaths?: string | { mjs?: string; wasm?: string };
  /** Where each build's .wasm is when the app gave no wasmPaths (the worker bundle's defaults). */
  runtimeFiles?: Partial<Record<OrtBuild, string>>;
  numThreads?: number;
  /** false: fetch ORT's .wasm each start instead of keeping it in the Cache API (with the model cache off). */
  cacheRuntime?: boolean;
  /**
   * Asks the page for ORT's runtime compiled (once per page, from the Cache API): undefined, or a
   * failure, and the worker reads and compiles the bytes itself.
   */
  compileRuntime?: (url: string, version: string, cached: boolean) => Promise<WebAssembly.Module | undefined>;
}

interface Started {
  ort: OrtModule;
  build: OrtBuild;
  handOver?: HandOver;
  /** Why the lighter build was asked for and not started: which one, and the reason. */
  fellBack?: { from: OrtBuild; reason: string };
}

let started: Promise<Started> | undefined;
let current: Started | undefined;

/** The ORT this worker runs. Only valid once configureRuntime resolved (every session comes after). */
export function ortModule(): OrtModule {
  if (!current) throw new Error('onnxruntime-web used before configureRuntime');
  return current.ort;
}

/** Which build this worker runs, once started. */
export function runtimeBuild(): OrtBuild | undefined {
  return current?.build;
}

/** Set when a lighter build was wanted but could not be loaded: which, and why, for a warning. */
export function runtimeFallback(): { from: OrtBuild; reason: string } | undefined {
  return current?.fellBack;
}

/** Who compiled the runtime this worker runs: the page (handed over) or the worker itself. */
export function runtimeCompiledBy(): 'page' | 'worker' {
  return current?.handOver?.used() ? 'page' : 'worker';
}

/** ORT's version, once started (part of what a remembered device check is keyed by). */
export function ortVersion(): string {
  return current?.ort.env.versions?.web ?? 'unknown';
}

export function wasmThreads(): number {
  return current?.ort.env.wasm.numThreads ?? 1;
}

/**
 * ORT's env is global per worker: it is chosen and set once, before the first session. `wasmOnly`:
 * this worker's sessions will all be WASM, so the lighter wasm build is tried first; otherwise the
 * JSPI form of the webgpu build, where the browser has JSPI. If the lighter build's files cannot be
 * loaded (an app that copied only the asyncify build's files), the asyncify build runs instead.
 */
export function configureRuntime(options: RuntimeOptions & { wasmOnly: boolean }): Promise<void> {
  // A failed start is not remembered: the next start in this worker tries again.
  started ??= start(options).catch((err: unknown) => { started = undefined; throw err; });
  return started.then((s) => { current = s; });
}

/** JSPI (WebAssembly.Suspending and .promising): what ORT's jspi build needs instead of asyncify. */
export function hasJspi(): boolean {
  const wasm = globalThis.WebAssembly as unknown as Record<string, unknown> | undefined;
  return typeof wasm?.Suspending === 'function' && typeof wasm?.promising === 'function';
}

async function start(options: RuntimeOptions & { wasmOnly: boolean }): Promise<Started> {
  const pinned = pinnedBuild(options.wasmPaths);
  if (pinned) return startBuild(pinned, options);
  const preferred: OrtBuild = options.wasmOnly ? 'wasm' : hasJspi() ? 'jspi' : 'webgpu';
  if (preferred === 'webgpu') return startBuild('webgpu', options);
  try {
    return await startBuild(preferred, options);
  } catch (err) {
    return { ...(await startBuild('webgpu', options)), fellBack: { from: preferred, reason: String((err as Error)?.message ?? err) } };
  }
}

/** `{ mjs, wasm }` names one build's files; a folder (or nothing) leaves the choice open. */
function pinnedBuild(wasmPaths: RuntimeOptions['wasmPaths']): OrtBuild | undefined {
  if (typeof wasmPaths !== 'object' || !wasmPaths.wasm) return undefined;
  const name = fileName(wasmPaths.wasm);
  return (Object.keys(RUNTIME_FILE) as OrtBuild[]).find((b) => RUNTIME_FILE[b] === name) ?? 'webgpu';
}

function fileName(url: string): string {
  return url.split(/[?#]/)[0]!.split('/').pop() ?? '';
}

async function importBuild(build: OrtBuild): Promise<OrtModule> {
  // Literal specifiers, so app bundlers see (and emit) every build.
  if (build === 'wasm') return (await import('onnxruntime-web/wasm')) as unknown as OrtModule;
  if (build === 'jspi') return (await import('onnxruntime-web/jspi')) as unknown as OrtModule;
  return import('onnxruntime-web/webgpu');
}

/** Where the build's .wasm is, when the app (or the bundled defaults) said so. */
function runtimeUrl(build: OrtBuild, options: RuntimeOptions): string | undefined {
  const { wasmPaths } = options;
  if (typeof wasmPaths === 'string') return new URL(RUNTIME_FILE[build], new URL(wasmPaths.endsWith('/') ? wasmPaths : `${wasmPaths}/`, globalThis.location?.href)).href;
  if (wasmPaths) return wasmPaths.wasm;
  return options.runtimeFiles?.[build];
}

async function startBuild(build: OrtBuild, options: RuntimeOptions): Promise<Started> {
  const url = runtimeUrl(build, options);
  // A build whose JS or .wasm cannot be loaded fails here, before ORT's env is touched.
  let wasmBinary: ArrayBuffer | undefined;
  let handOver: HandOver | undefined;
  const ort = await importBuild(build);
  if (url) {
    const version = ort.env.versions?.web ?? 'unknown';
    const cached = options.cacheRuntime !== false;
    // ORT's .wasm is kept in the Cache API like the model files, so a warm or offline start reads
    // it from there. Compiled by the page, it is read and compiled once for all workers; the
    // worker's own copy is the fallback.
    const compiled = await options.compileRuntime?.(url, version, cached).catch(() => undefined);
    if (compiled) {
      handOver = handOverRuntime(compiled);
      wasmBinary = handOver.wasmBinary;
    } else {
      wasmBinary = await runtimeBinary(url, { version, ...(cached ? {} : { cache: null }) });
    }
  }
  if (options.wasmPaths) ort.env.wasm.wasmPaths = options.wasmPaths;
  if (wasmBinary) ort.env.wasm.wasmBinary = wasmBinary;
  // Without cross-origin isolation ORT silently stays single-threaded; say what we asked for.
  const cores = globalThis.navigator?.hardwareConcurrency ?? 1;
  ort.env.wasm.numThreads = globalThis.crossOriginIsolated ? (options.numThreads ?? Math.max(1, Math.min(4, cores))) : 1;
  ort.env.wasm.proxy = false;
  ort.env.logLevel = 'error';
  return { ort, build, ...(handOver ? { handOver } : {}) };
}
