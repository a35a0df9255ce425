import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importIndex } from '../../src/index/index';
import { CLI, loadCatalog, loadNode } from '../helpers/node-entry';
import { heldout, HELDOUT_DIR } from '../helpers/reference';

// The CLI end to end, as users run it: a real process, killed mid-run (SIGKILL, no chance to
// clean up) and resumed; bad files fail alone with typed errors; the outputs are an export the
// browser's importIndex() reads and rows in the PGlite + pgvector catalog.

const dir = mkdtempSync(join(tmpdir(), 'omni-cli-'));
const src = join(dir, 'catalog');
const images = heldout().filter((i) => i.kind === 'image').slice(0, 40);
const BAD = ['broken.png', 'empty.jpg'];
const COPIES = ['a', 'b', 'c', 'd', 'more'];

function journalLines(out: string): string[] {
  const p = join(out, 'journal.jsonl');
  return existsSync(p) ? readFileSync(p, 'utf8').split('\n').filter(Boolean) : [];
}

function cosine(a: Float32Array, b: Float32Array): number {
  let d = 0;
  for (let i = 0; i < a.length; i++) d += a[i]! * b[i]!;
  return d;
}

beforeAll(() => {
  // Enough files that a fast machine cannot finish before the kill lands (copies live in folders).
  for (const copy of COPIES) mkdirSync(join(src, copy), { recursive: true });
  for (const copy of COPIES) images.forEach((img) => copyFileSync(join(HELDOUT_DIR, img.files.image!), join(src, copy, `${img.id}.png`)));
  copyFileSync(join(HELDOUT_DIR, heldout().find((i) => i.kind === 'audio')!.files.audio!), join(src, 'clip.wav'));
  writeFileSync(join(src, BAD[0]!), 'this is not a PNG');
  writeFileSync(join(src, BAD[1]!), '');
  writeFileSync(join(src, 'notes.txt'), 'ignored: not media');
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('omni-embed index', () => {
  it('resumes after a SIGKILL mid-run: nothing embedded twice, nothing lost, bad files typed, importable export and DB rows', async () => {
    const out = join(dir, 'out');
    const total = images.length * COPIES.length + 1 + BAD.length;
    // Small journal batches; the kill lands right after the first ones, far from the end.
    const child = spawn(process.execPath, [CLI, 'index', src, '--out', out, '--workers', '1', '--batch', '2'], { stdio: 'ignore' });
    const killedAt = await new Promise<number>((done, fail) => {
      const timer = setInterval(() => {
        const n = journalLines(out).length;
        if (n >= 2) {
          child.kill('SIGKILL');
          clearInterval(timer);
          done(n);
        }
      }, 10);
      child.once('exit', (code) => { clearInterval(timer); fail(new Error(`finished (code ${code}) before it could be killed`)); });
    });
    await new Promise((r) => child.once('exit', r));
    const afterKill = journalLines(out).length;
    expect(killedAt).toBeGreaterThanOrEqual(2);
    expect(afterKill).toBeGreaterThanOrEqual(2);
    expect(afterKill).toBeLessThan(total);
    expect(existsSync(join(out, 'index.omniidx'))).toBe(false);

    const resumed = spawnSync(process.execPath, [CLI, 'index', src, '--out', out, '--workers', '1', '--batch', '8'], { encoding: 'utf8' });
    expect(resumed.status, resumed.stderr).toBe(0);
    expect(resumed.stdout).toContain(`resuming: ${afterKill} of ${total}`);
    expect(resumed.stderr).toMatch(/items\/s ETA/);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(summary.total).toBe(total);
    expect(summary.resumed).toBe(afterKill);
    expect(summary.embedded).toBe(total - afterKill);
    expect(summary.ignored).toEqual(['notes.txt']);
    // One journal line per item: an item done before the kill was not embedded again.
    const lines = journalLines(out).map((l) => JSON.parse(l));
    expect(lines.length).toBe(total);
    expect(new Set(lines.map((l) => l.id)).size).toBe(total);
    expect(summary.failed.map((f: { id: string }) => f.id).sort()).toEqual([...BAD].sort());
    for (const f of summary.failed) expect([f.name, f.code]).toEqual(['InvalidInputError', 'invalid_input']);

    // The export opens with the browser's importIndex and holds every good item, searchable.
    const bytes = readFileSync(join(out, 'index.omniidx'));
    const index = await importIndex(new Blob([bytes]));
    expect(index.count).toBe(total - BAD.length);
    const { createEmbedder } = await loadNode();
    const embedder = await createEmbedder({ workers: 1 });
    const probe = images[3]!;
    const expected = (await embedder.embed(new URL(`file://${resolve(HELDOUT_DIR, probe.files.image!)}`))).vector;
    const query = (await embedder.embed(probe.caption)).vector;
    await embedder.dispose();
    const [hit] = await index.search(expected, { k: 1 });
    // Five copies of each image hold the same vector: any of them is the right answer.
    expect(hit!.id).toMatch(new RegExp(`^(${COPIES.join('|')})/${probe.id}\\.png$`));
    expect(hit!.score).toBeGreaterThan(0.9999);

    // And the same rows are in the vector database, found by a query vector.
    const { openCatalog } = await loadCatalog();
    const catalog = await openCatalog({ dims: 256, dataDir: join(out, 'pgdata') });
    try {
      expect(await catalog.count()).toBe(total - BAD.length);
      const stored = await catalog.get(`more/${probe.id}.png`);
      expect(cosine(stored!.vector, expected)).toBeGreaterThan(0.9999);
      expect(stored!.meta).toMatchObject({ kind: 'image', path: `more/${probe.id}.png` });
      const hits = await catalog.search(query, 5);
      expect(hits).toHaveLength(5);
      expect(hits[0]!.score).toBeGreaterThanOrEqual(hits[4]!.score);
    } finally {
      await catalog.close();
    }
  }, 300_000);

  it('embeds a .jsonl of text, files and omni items; a bad line fails alone', () => {
    const jsonl = join(dir, 'items.jsonl');
    const img = images[0]!;
    writeFileSync(jsonl, [
      JSON.stringify({ id: 't1', text: img.caption, meta: { title: 'a caption' } }),
      JSON.stringify({ id: 'i1', image: `catalog/a/${img.id}.png` }),
      JSON.stringify({ id: 'o1', text: 'small circle', image: `catalog/a/${img.id}.png`, audio: 'catalog/clip.wav' }),
      '{ not json',
      JSON.stringify({ id: 'missing', image: 'catalog/nope.png' }),
      JSON.stringify({ id: 't1', text: 'a repeated id' }),
    ].join('\n'));
    const out = join(dir, 'out-jsonl');
    const run = spawnSync(process.execPath, [CLI, 'index', jsonl, '--out', out, '--workers', '1', '--no-db'], { encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(summary.total).toBe(6);
    expect(summary.failed.map((f: { id: string }) => f.id).sort()).toEqual(['line:4', 'line:6', 'missing']);
    expect(summary.outputs.db).toBeUndefined();
    const lines = journalLines(out).map((l) => JSON.parse(l));
    const byId = Object.fromEntries(lines.map((l) => [l.id, l]));
    expect(byId.t1.modalities).toEqual(['text']);
    expect(byId.i1.modalities).toEqual(['image']);
    expect(byId.o1.modalities).toEqual(['text', 'image', 'audio']);
    expect(byId.t1.meta.title).toBe('a caption');
    expect(existsSync(join(out, 'pgdata'))).toBe(false);
  }, 120_000);

  it('refuses bad usage with a typed error and exit code 2', () => {
    const none = spawnSync(process.execPath, [CLI, 'index', src], { encoding: 'utf8' });
    expect(none.status).toBe(2);
    expect(none.stderr).toMatch(/CliUsageError \(cli_usage\): --out <dir> is required/);
    const flag = spawnSync(process.execPath, [CLI, 'index', src, '--out', join(dir, 'x'), '--dtype', 'fp64'], { encoding: 'utf8' });
    expect(flag.status).toBe(2);
    expect(flag.stderr).toMatch(/--dtype must be one of/);
    const missing = spawnSync(process.execPath, [CLI, 'index', join(dir, 'nope'), '--out', join(dir, 'x')], { encoding: 'utf8' });
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/does not exist/);
  });
});
