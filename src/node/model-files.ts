// Model files in Node: a local folder is read from disk (fetch has no file: scheme in Node, so a
// worker thread's fetch is taught it), and remote models (hub presets, a host) are cached on disk
// under one file per URL, the same URL-keyed layout the browser's Cache API uses.
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CachedFileInfo, CachedFileMeta, ModelCache } from '../models/cache';

let fileFetchInstalled = false;

/**
 * Makes this thread's fetch answer file: URLs from disk, with Content-Length and a 404 for a
 * missing file, so the shared loader (src/models) maps failures to the same typed errors as on
 * the web. Other URLs go to the real fetch.
 */
export function installFileFetch(): void {
  if (fileFetchInstalled) return;
  fileFetchInstalled = true;
  const real = globalThis.fetch.bind(globalThis);
  globalThis.fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if (!url.startsWith('file:')) return real(input, init);
    try {
      const bytes = await readFile(fileURLToPath(url));
      return new Response(bytes, { status: 200, headers: { 'content-length': String(bytes.byteLength) } });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      return new Response(null, { status: code === 'ENOENT' || code === 'ENOTDIR' ? 404 : 500, statusText: String(code) });
    }
  };
}

/** Where remote model files are cached: $OMNI_EMBED_CACHE, else ~/.cache/omni-embed/models. */
export function defaultCacheDir(): string {
  return process.env.OMNI_EMBED_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'omni-embed', 'models');
}

const key = (url: string) => createHash('sha256').update(url).digest('hex');

/**
 * ModelCache on the file system: `<dir>/<sha256(url)>.bin` with a `.json` beside it (url + meta).
 * Writes go to a temporary name and are renamed, so an interrupted put leaves no entry.
 */
export class DiskModelCache implements ModelCache {
  constructor(readonly dir: string = defaultCacheDir()) {}

  async match(url: string): Promise<Uint8Array | undefined> {
    try {
      return new Uint8Array(await readFile(join(this.dir, `${key(url)}.bin`)));
    } catch {
      return undefined;
    }
  }

  async put(url: string, bytes: Uint8Array, meta: CachedFileMeta): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const base = join(this.dir, key(url));
    const tmp = `${base}.${process.pid}.${Date.now()}.tmp`;
    await writeFile(tmp, bytes);
    await writeFile(`${tmp}.json`, JSON.stringify({ url, meta: { ...meta, size: bytes.byteLength, storedAt: meta.storedAt ?? Date.now() } }));
    await rename(`${tmp}.json`, `${base}.json`);
    await rename(tmp, `${base}.bin`);
  }

  async delete(url: string): Promise<boolean> {
    const base = join(this.dir, key(url));
    const existed = await stat(`${base}.bin`).then(() => true, () => false);
    await rm(`${base}.bin`, { force: true });
    await rm(`${base}.json`, { force: true });
    return existed;
  }

  async entries(): Promise<CachedFileInfo[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch {
      return [];
    }
    const out: CachedFileInfo[] = [];
    for (const name of names.filter((n) => n.endsWith('.json') && !n.includes('.tmp'))) {
      try {
        out.push(JSON.parse(await readFile(join(this.dir, name), 'utf8')) as CachedFileInfo);
      } catch {
        // a half-written sidecar: ignored, as the entry is unusable anyway
      }
    }
    return out;
  }

  async clear(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
  }
}
