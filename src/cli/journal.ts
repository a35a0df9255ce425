// The run's journal: one JSON line per finished item (its vector, or its typed error), appended
// and fsynced batch by batch. Resuming reads it back and skips every id it holds, so after a kill
// nothing is embedded twice and nothing finished is lost; a half-written last line (the kill
// landed mid-write) is cut off and that item is simply done again.
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, truncateSync, writeSync } from 'node:fs';

export type JournalEntry =
  | { id: string; ok: true; vector: string; meta: Record<string, unknown>; modalities: string[] }
  | { id: string; ok: false; error: { name: string; code: string; message: string }; meta: Record<string, unknown> };

export function encodeVector(v: Float32Array): string {
  return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64');
}

export function decodeVector(s: string): Float32Array {
  const b = Buffer.from(s, 'base64');
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}

export class Journal {
  readonly entries = new Map<string, JournalEntry>();
  private fd: number;

  constructor(readonly path: string) {
    if (existsSync(path)) {
      const text = readFileSync(path, 'utf8');
      const end = text.lastIndexOf('\n') + 1;
      if (end < text.length) truncateSync(path, Buffer.byteLength(text.slice(0, end)));
      for (const line of text.slice(0, end).split('\n')) {
        if (!line) continue;
        const e = JSON.parse(line) as JournalEntry;
        this.entries.set(e.id, e);
      }
    }
    this.fd = openSync(path, 'a');
  }

  has(id: string): boolean {
    return this.entries.has(id);
  }

  append(batch: JournalEntry[]): void {
    if (!batch.length) return;
    writeSync(this.fd, batch.map((e) => JSON.stringify(e)).join('\n') + '\n');
    fsyncSync(this.fd);
    for (const e of batch) this.entries.set(e.id, e);
  }

  close(): void {
    closeSync(this.fd);
  }
}
