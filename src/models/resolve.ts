import { type Dtype, onnxPath } from './dtype';
import { ModelSourceError } from './errors';
import { externalDataIn, type ModelManifest } from './manifest';

/** Where hub repo ids resolve by default. Used only when the source is a hub repo id. */
export const DEFAULT_HUB_HOST = 'https://huggingface.co';
export const DEFAULT_REVISION = 'main';

/**
 * How to load one model. `model` is a hub repo id (`'org/name'`) or a folder URL/path;
 * the rest lets a preset ship what a folder would otherwise have to be asked for.
 */
export interface ModelPreset {
  /** Hub repo id (`'org/name'`) or folder URL/path (`'./models/omni-tiny/'`, `'https://cdn.example/m/'`). */
  model: string;
  /** Display/cache id; defaults to the repo id or the folder URL. */
  id?: string;
  host?: string;
  revision?: string;
  /** Default graphs and dtype for this model (callers may override). */
  graphs?: string[];
  dtype?: Dtype | Record<string, Dtype>;
  /**
   * Sizes and digests inline (no manifest request), `false` when the folder has no manifest.json
   * (no request either), or absent: fetch `manifest.json` and carry on gracefully if there is none.
   */
  manifest?: ModelManifest | false;
  /**
   * Graphs stored with external data: `true` → `onnx/<file>.onnx_data`; `n` → n chunks
   * (`.onnx_data`, `.onnx_data_1`, …); or the explicit relative paths. Files a manifest lists are found without this.
   */
  externalData?: Record<string, true | number | string[]>;
  /**
   * An explicit URL per relative path, for files a bundler emitted under hashed names (the SDK's
   * bundled default model): listed paths resolve here, any other path is an error, not a guess.
   */
  files?: Record<string, string>;
}

/** A hub repo id string, a folder URL/relative path string, or a preset object. */
export type ModelSource = string | ModelPreset;

/** One file to fetch. `size`/`sha256` are known when a manifest or preset declares them. */
export interface ModelFileRef {
  /** Path relative to the model folder, e.g. `'onnx/text_model_q4.onnx'`. */
  path: string;
  url: string;
  size?: number;
  sha256?: string;
}

export interface ResolvedModel {
  /** Stable id used to group cache entries: the repo id for hub models, else the folder URL. */
  id: string;
  /** Folder URL ending in '/': every file is `base + path` (unless `urls` lists it). */
  base: string;
  /** Per-file URLs that override `base` (see ModelPreset.files). */
  urls?: Record<string, string>;
  kind: 'hub' | 'url';
  repo?: string;
  revision?: string;
  /** The preset's inline manifest, `false` when it says there is none, undefined when unknown. */
  manifest?: ModelManifest | false;
  preset?: ModelPreset;
}

export interface ResolveBaseOptions {
  /** Hub host (hub ids only): `https://huggingface.co` by default; any mirror with the same layout works. */
  host?: string;
  revision?: string;
  /** What relative folder paths resolve against; defaults to `location.href` where there is one. */
  baseUrl?: string;
}

const HUB_ID = /^[A-Za-z0-9][\w.-]*(\/[A-Za-z0-9][\w.-]*)?$/;
const SCHEME = /^[a-z][a-z0-9+.-]*:/i;

/**
 * True when a string names a folder rather than a hub repo: it ends with '/', starts with '.' or '/',
 * or has a URL scheme (`http:`, `https:`, `chrome-extension:`, `file:`, `blob:` …).
 */
export function isFolderSource(s: string): boolean {
  return s.endsWith('/') || s.startsWith('.') || s.startsWith('/') || SCHEME.test(s);
}

export function isHubRepoId(s: string): boolean {
  return !isFolderSource(s) && HUB_ID.test(s) && !s.includes('..');
}

function defaultBaseUrl(): string | undefined {
  const loc = (globalThis as { location?: { href?: string } }).location;
  return typeof loc?.href === 'string' ? loc.href : undefined;
}

/** Resolves a source to the folder URL its files live under (no request is made). */
export function resolveModelBase(source: ModelSource, opts: ResolveBaseOptions = {}): ResolvedModel {
  const preset = typeof source === 'object' && source !== null ? source : undefined;
  const spec = preset ? preset.model : source;
  if (typeof spec !== 'string' || spec.length === 0) throw new ModelSourceError('Model source must be a hub repo id, a folder URL/path, or a preset with `model`');
  const host = opts.host ?? preset?.host;
  const revision = opts.revision ?? preset?.revision;
  const extra = preset ? { preset, ...(preset.manifest !== undefined ? { manifest: preset.manifest } : {}) } : {};

  if (preset?.files) {
    return { id: preset.id ?? spec, base: '', kind: 'url', urls: preset.files, ...extra };
  }
  if (isFolderSource(spec)) {
    let base = spec.endsWith('/') ? spec : `${spec}/`;
    if (!SCHEME.test(base)) {
      const against = opts.baseUrl ?? defaultBaseUrl();
      if (against) base = new URL(base, against).href;
    }
    return { id: preset?.id ?? base, base, kind: 'url', ...extra };
  }
  if (!isHubRepoId(spec)) {
    throw new ModelSourceError(`"${spec}" is neither a hub repo id ('org/name') nor a folder path (end it with '/' or start it with './')`);
  }
  const h = (host ?? DEFAULT_HUB_HOST).replace(/\/+$/, '');
  const rev = revision ?? DEFAULT_REVISION;
  if (!rev || rev.includes('..')) throw new ModelSourceError(`Invalid revision "${rev}"`);
  const base = `${h}/${spec}/resolve/${encodeURIComponent(rev)}/`;
  return { id: preset?.id ?? spec, base, kind: 'hub', repo: spec, revision: rev, ...extra };
}

/** The URL of one file of a resolved model: its explicit URL when listed, else under its folder. */
export function modelFileUrl(model: ResolvedModel, path: string): string {
  if (model.urls) {
    const url = model.urls[path];
    if (!url) throw new ModelSourceError(`${model.id} has no file "${path}" (it lists: ${Object.keys(model.urls).join(", ")})`);
    return url;
  }
  return fileUrl(model.base, path);
}

/** Joins a folder URL and a relative file path, refusing paths that would escape the folder. */
export function fileUrl(base: string, path: string): string {
  if (!path || path.startsWith('/') || SCHEME.test(path) || path.split('/').some((s) => s === '..' || s === '.' || s === '')) {
    throw new ModelSourceError(`Invalid model file path "${path}": must be relative to the model folder`);
  }
  return base + path.split('/').map(encodeURIComponent).join('/');
}

export interface ResolveFilesOptions extends ResolveBaseOptions {
  /** Graph names (`'text_model'`, `'vision_model'`, …) → `onnx/<graph><suffix>.onnx` (+ external data). */
  graphs?: string[];
  /** One dtype for every graph or one per graph name. Default: the preset's, else fp32. */
  dtype?: Dtype | Record<string, Dtype>;
  /** Other relative paths to include first (`config.json`, `tokenizer.json`, …). */
  files?: string[];
  /** Sizes/digests to attach (overrides the preset's). */
  manifest?: ModelManifest;
}

function dtypeFor(graph: string, dtype: Dtype | Record<string, Dtype> | undefined): Dtype {
  if (dtype === undefined) return 'fp32';
  if (typeof dtype === 'string') return dtype;
  return dtype[graph] ?? 'fp32';
}

/** The ONNX file of a graph followed by the external-data files the preset or manifest declares for it. */
export function graphFiles(graph: string, dtype: Dtype, preset?: ModelPreset, manifest?: ModelManifest): string[] {
  const onnx = onnxPath(graph, dtype);
  const out = [onnx];
  const declared = preset?.externalData?.[graph];
  if (declared === true) out.push(`${onnx}_data`);
  else if (typeof declared === 'number') for (let i = 0; i < declared; i++) out.push(i === 0 ? `${onnx}_data` : `${onnx}_data_${i}`);
  else if (Array.isArray(declared)) out.push(...declared);
  for (const f of externalDataIn(manifest, onnx)) if (!out.includes(f)) out.push(f);
  return out;
}

/**
 * Resolves a model + graphs + dtype to the URLs of its files in the hub layout
 * (`{host}/{repo}/resolve/{revision}/{path}`) or under a folder (`{base}{path}`). Pure: no request.
 */
export function resolveModelFiles(source: ModelSource, opts: ResolveFilesOptions = {}): ResolvedModel & { files: ModelFileRef[] } {
  const resolved = resolveModelBase(source, opts);
  const preset = resolved.preset;
  const manifest = opts.manifest ?? (resolved.manifest || undefined);
  const dtype = opts.dtype ?? preset?.dtype;
  const paths: string[] = [];
  const add = (p: string) => { if (!paths.includes(p)) paths.push(p); };
  for (const f of opts.files ?? []) add(f);
  for (const g of opts.graphs ?? preset?.graphs ?? []) for (const f of graphFiles(g, dtypeFor(g, dtype), preset, manifest)) add(f);
  const files = paths.map((path): ModelFileRef => {
    const ref: ModelFileRef = { path, url: modelFileUrl(resolved, path) };
    const m = manifest?.files[path];
    if (m) {
      ref.size = m.size;
      if (m.sha256) ref.sha256 = m.sha256;
    }
    return ref;
  });
  return { ...resolved, files };
}
