// What `omni-embed index` embeds: every image/WAV file under a folder (id = its path relative to
// the folder), or one item per line of a .jsonl file ({ id, text?, image?, audio?, video?, meta? },
// paths relative to the file). A line that cannot be an item becomes a failed item, not a crash.
import { readdir, readFile } from 'node:fs/promises';
import { dirname, extname, join, relative, resolve, sep } from 'node:path';
import { InvalidInputError, OmniEmbedError } from '../errors';
import { AUDIO_EXTENSIONS, IMAGE_EXTENSIONS, fileInput, type NodeEmbedInput } from '../node/inputs';

export interface SourceItem {
  id: string;
  meta: Record<string, unknown>;
  /** Built lazily so a bad line or file fails when it is embedded, with its own error. */
  input: () => NodeEmbedInput;
}

export interface Source { items: SourceItem[]; ignored: string[] }

const MEDIA = new Set([...IMAGE_EXTENSIONS, ...AUDIO_EXTENSIONS]);

async function walk(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const out: string[] = [];
  for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (e.name.startsWith('.')) continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await walk(p)));
    else if (e.isFile()) out.push(p);
  }
  return out;
}

export async function folderSource(folder: string): Promise<Source> {
  const root = resolve(folder);
  const items: SourceItem[] = [];
  const ignored: string[] = [];
  for (const path of await walk(root)) {
    const id = relative(root, path).split(sep).join('/');
    const ext = extname(path).toLowerCase();
    if (!MEDIA.has(ext)) {
      ignored.push(id);
      continue;
    }
    items.push({ id, meta: { path: id, kind: IMAGE_EXTENSIONS.includes(ext) ? 'image' : 'audio' }, input: () => fileInput(path) });
  }
  return { items, ignored };
}

function lineItem(line: string, n: number, base: string): SourceItem {
  let obj: Record<string, unknown>;
  try {
    obj = JSON.parse(line) as Record<string, unknown>;
  } catch (err) {
    const id = `line:${n}`;
    return { id, meta: { line: n }, input: () => { throw new InvalidInputError(`line ${n} is not JSON: ${(err as Error).message}`); } };
  }
  const id = typeof obj.id === 'string' && obj.id ? obj.id : typeof obj.id === 'number' ? String(obj.id) : `line:${n}`;
  const meta = { ...(typeof obj.meta === 'object' && obj.meta !== null ? (obj.meta as Record<string, unknown>) : {}), line: n };
  const input = (): NodeEmbedInput => {
    if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) throw new InvalidInputError(`line ${n} is not a JSON object`);
    const path = (p: unknown, field: string) => {
      if (typeof p !== 'string' || !p) throw new InvalidInputError(`line ${n}: ${field} must be a file path`);
      return resolve(base, p);
    };
    const fields = ['text', 'image', 'audio', 'video'].filter((k) => obj[k] !== undefined);
    if (fields.length === 0) throw new InvalidInputError(`line ${n} has none of text, image, audio, video`);
    if (obj.text !== undefined && typeof obj.text !== 'string') throw new InvalidInputError(`line ${n}: text must be a string`);
    const video = obj.video === undefined ? undefined : (() => {
      const frames = (obj.video as { frames?: unknown }).frames;
      if (!Array.isArray(frames) || frames.length === 0) throw new InvalidInputError(`line ${n}: video must be { "frames": ["a.png", …] }`);
      return { frames: frames.map((f, i) => path(f, `video.frames[${i}]`)) };
    })();
    // One field is that modality's plain input (its own encoder, as embed(file) in the browser);
    // several make an omni item (the fusion graph).
    if (fields.length === 1) {
      if (obj.text !== undefined) return obj.text as string;
      if (obj.image !== undefined) return fileInput(path(obj.image, 'image'));
      if (obj.audio !== undefined) return fileInput(path(obj.audio, 'audio'));
      return video!;
    }
    return {
      ...(obj.text !== undefined ? { text: obj.text as string } : {}),
      ...(obj.image !== undefined ? { image: path(obj.image, 'image') } : {}),
      ...(obj.audio !== undefined ? { audio: path(obj.audio, 'audio') } : {}),
      ...(video ? { video } : {}),
    };
  };
  return { id, meta, input };
}

export async function jsonlSource(file: string): Promise<Source> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new OmniEmbedError('invalid_input', `cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  const base = dirname(resolve(file));
  const items: SourceItem[] = [];
  const seen = new Set<string>();
  text.split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    const item = lineItem(line, i + 1, base);
    // A repeated id would be embedded twice and overwrite itself: keep the first, fail the rest.
    if (seen.has(item.id)) {
      const first = item.id;
      items.push({ id: `line:${i + 1}`, meta: { line: i + 1 }, input: () => { throw new InvalidInputError(`line ${i + 1} repeats id "${first}"`); } });
      return;
    }
    seen.add(item.id);
    items.push(item);
  });
  return { items, ignored: [] };
}
