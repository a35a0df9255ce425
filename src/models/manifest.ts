import { ModelSourceError } from './errors';

/** Declared size and digest of one file of a model folder. */
export interface ManifestEntry {
  size: number;
  sha256?: string;
}

/**
 * `manifest.json` at the root of a model folder: `{"files": {"<relative path>": {"size": N, "sha256": "hex"}}}`.
 * It makes the total download size known up front (one progress bar) and lets every file be verified.
 */
export interface ModelManifest {
  files: Record<string, ManifestEntry>;
}

export const MANIFEST_FILE = 'manifest.json';

/** Validates the parsed JSON of a manifest; throws ModelSourceError on a malformed one. */
export function parseManifest(json: unknown, where = MANIFEST_FILE): ModelManifest {
  const files = (json as { files?: unknown } | null)?.files;
  if (typeof files !== 'object' || files === null || Array.isArray(files)) {
    throw new ModelSourceError(`Malformed model manifest ${where}: expected {"files": {...}}`);
  }
  const out: Record<string, ManifestEntry> = {};
  for (const [path, raw] of Object.entries(files as Record<string, unknown>)) {
    const e = raw as { size?: unknown; sha256?: unknown } | null;
    if (typeof e?.size !== 'number' || !Number.isSafeInteger(e.size) || e.size < 0) {
      throw new ModelSourceError(`Malformed model manifest ${where}: "${path}" has no valid size`);
    }
    if (e.sha256 !== undefined && (typeof e.sha256 !== 'string' || !/^[0-9a-f]{64}$/i.test(e.sha256))) {
      throw new ModelSourceError(`Malformed model manifest ${where}: "${path}" has an invalid sha256`);
    }
    out[path] = e.sha256 === undefined ? { size: e.size } : { size: e.size, sha256: e.sha256.toLowerCase() };
  }
  return { files: out };
}

/** External-data files the manifest lists for a graph file: `x.onnx_data`, `x.onnx_data_1`, … in order. */
export function externalDataIn(manifest: ModelManifest | undefined, onnxFile: string): string[] {
  if (!manifest) return [];
  const prefix = `${onnxFile}_data`;
  return Object.keys(manifest.files)
    .filter((p) => p === prefix || (p.startsWith(`${prefix}_`) && /^\d+$/.test(p.slice(prefix.length + 1))))
    .sort((a, b) => (a.length - b.length) || (a < b ? -1 : a > b ? 1 : 0));
}
