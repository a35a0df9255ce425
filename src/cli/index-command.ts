// `omni-embed index <folder | file.jsonl> --out <dir>`: embeds a catalog on the server with
// omni-embed/node, journaled so an interrupted run resumes where it stopped, per-item typed errors
// that never stop the run, and two outputs: the index export the browser's importIndex() reads
// (<out>/index.omniidx) and rows in the vector database (PGlite + pgvector, <out>/pgdata by default).
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { OmniEmbedError } from '../errors';
import { createEmbedder, type NodeEmbedder } from '../node/index';
import { CliUsageError } from '../node/errors';
import { createIndex } from '../index/create';
import type { Json } from '../index/types';
import { openCatalog } from '../node/catalog/pgvector';
import { folderSource, jsonlSource, type SourceItem } from './sources';
import { decodeVector, encodeVector, Journal, type JournalEntry } from './journal';
import { Progress } from './progress';
import type { IndexArgs } from './args';

export interface IndexSummary {
  source: string;
  model: string;
  dtype: string;
  dims: number;
  total: number;
  /** Finished by an earlier, interrupted run of the same --out (skipped now). */
  resumed: number;
  /** Embedded by this run. */
  embedded: number;
  failed: { id: string; name: string; code: string; message: string }[];
  ignored: string[];
  interrupted: boolean;
  seconds: number;
  itemsPerSecond: number;
  outputs: { index?: string; db?: string; table?: string; journal: string };
}

function errorOf(err: unknown): { name: string; code: string; message: string } {
  if (err instanceof OmniEmbedError) return { name: err.name, code: err.code, message: err.message };
  return { name: 'OmniEmbedError', code: 'embed_failed', message: String((err as Error)?.message ?? err) };
}

/** The run's identity; resuming into an --out made with another model or dtype would mix spaces. */
function checkRun(out: string, run: { model: string; dtype: string; dims: number; source: string }): void {
  const path = join(out, 'run.json');
  if (existsSync(path)) {
    const prev = JSON.parse(readFileSync(path, 'utf8')) as typeof run;
    for (const key of ['model', 'dtype', 'dims'] as const) {
      if (prev[key] !== run[key]) throw new CliUsageError(`${out} holds a run with ${key}=${prev[key]}, not ${run[key]}: use another --out`);
    }
  }
  writeFileSync(path, JSON.stringify(run, null, 2));
}

async function embedBatch(embedder: NodeEmbedder, batch: SourceItem[]): Promise<JournalEntry[]> {
  const settled = await Promise.allSettled(batch.map(async (item) => embedder.embed(item.input())));
  return settled.map((s, i): JournalEntry => {
    const { id, meta } = batch[i]!;
    return s.status === 'fulfilled'
      ? { id, ok: true, vector: encodeVector(s.value.vector), modalities: s.value.modalities, meta }
      : { id, ok: false, error: errorOf(s.reason), meta };
  });
}

export async function runIndex(args: IndexArgs, log: (line: string) => void = (l) => process.stdout.write(`${l}\n`)): Promise<IndexSummary> {
  const started = Date.now();
  const sourcePath = resolve(args.source);
  if (!existsSync(sourcePath)) throw new CliUsageError(`${args.source} does not exist`);
  const isFolder = statSync(sourcePath).isDirectory();
  if (!isFolder && !sourcePath.endsWith('.jsonl')) throw new CliUsageError(`${args.source} must be a folder or a .jsonl file`);
  const source = isFolder ? await folderSource(sourcePath) : await jsonlSource(sourcePath);
  const out = resolve(args.out);
  mkdirSync(out, { recursive: true });

  const embedder = await createEmbedder({
    ...(args.model ? { model: args.model } : {}),
    ...(args.modelDir ? { modelDir: args.modelDir } : {}),
    ...(args.dtype ? { dtype: args.dtype } : {}),
    ...(args.workers ? { workers: args.workers } : {}),
  });
  const info = embedder.info;
  const journal = new Journal(join(out, 'journal.jsonl'));
  let interrupted = false;
  const onSignal = () => { interrupted = true; };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  let embedded = 0;
  try {
    checkRun(out, { model: info.model, dtype: info.dtype, dims: info.dims, source: sourcePath });
    const todo = source.items.filter((i) => !journal.has(i.id));
    const resumedCount = source.items.length - todo.length;
    if (resumedCount) log(`resuming: ${resumedCount} of ${source.items.length} items already done in ${journal.path}`);
    const progress = new Progress(source.items.length, resumedCount);
    for (let i = 0; i < todo.length && !interrupted; i += args.batch) {
      const entries = await embedBatch(embedder, todo.slice(i, i + args.batch));
      journal.append(entries);
      embedded += entries.length;
      progress.tick(entries.length);
    }
    progress.end();

    const all = source.items.map((i) => journal.entries.get(i.id)).filter((e): e is JournalEntry => !!e);
    const ok = all.filter((e): e is Extract<JournalEntry, { ok: true }> => e.ok);
    const summary: IndexSummary = {
      source: sourcePath,
      model: info.model,
      dtype: info.dtype,
      dims: info.dims,
      total: source.items.length,
      resumed: resumedCount,
      embedded,
      failed: all.filter((e): e is Extract<JournalEntry, { ok: false }> => !e.ok).map((e) => ({ id: e.id, ...e.error })),
      ignored: source.ignored,
      interrupted,
      seconds: (Date.now() - started) / 1000,
      itemsPerSecond: progress.rate,
      outputs: { journal: journal.path },
    };
    if (!interrupted) {
      summary.outputs.index = await writeIndexFile(join(out, 'index.omniidx'), info.dims, ok);
      if (args.db !== false) {
        const dataDir = resolve(args.db ?? join(out, 'pgdata'));
        const catalog = await openCatalog({ dims: info.dims, dataDir, table: args.table });
        try {
          // Upserts by id: re-running after a kill during this step writes each row once.
          await catalog.upsert(ok.map((e) => ({ id: e.id, vector: decodeVector(e.vector), meta: e.meta })));
        } finally {
          await catalog.close();
        }
        summary.outputs.db = dataDir;
        summary.outputs.table = args.table;
      }
    }
    summary.seconds = (Date.now() - started) / 1000;
    writeFileSync(join(out, 'summary.json'), JSON.stringify(summary, null, 2));
    printSummary(summary, log);
    return summary;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    journal.close();
    await embedder.dispose();
  }
}

async function writeIndexFile(path: string, dims: number, rows: Extract<JournalEntry, { ok: true }>[]): Promise<string> {
  const index = await createIndex({ dims, metric: 'cosine', storage: 'float32', device: 'cpu', capacity: rows.length });
  try {
    await index.add(rows.map((e) => ({ id: e.id, vector: decodeVector(e.vector), metadata: e.meta as Json })));
    const bytes = new Uint8Array(await (await index.export()).arrayBuffer());
    writeFileSync(`${path}.tmp`, bytes);
    renameSync(`${path}.tmp`, path);
    return path;
  } finally {
    await index.dispose();
  }
}

function printSummary(s: IndexSummary, log: (line: string) => void): void {
  const failedByCode = new Map<string, number>();
  for (const f of s.failed) failedByCode.set(f.code, (failedByCode.get(f.code) ?? 0) + 1);
  log(`${s.interrupted ? 'interrupted' : 'done'}: ${s.total} items (${s.embedded} embedded now, ${s.resumed} from an earlier run), ${s.failed.length} failed, ${s.ignored.length} ignored; ${s.itemsPerSecond.toFixed(1)} items/s, ${s.seconds.toFixed(1)} s`);
  for (const [code, n] of failedByCode) log(`  failed ${code}: ${n}`);
  for (const f of s.failed.slice(0, 10)) log(`  ✗ ${f.id}: ${f.name} (${f.code}) ${f.message}`);
  if (s.failed.length > 10) log(`  … ${s.failed.length - 10} more in summary.json`);
  if (s.outputs.index) log(`  index export: ${s.outputs.index}`);
  if (s.outputs.db) log(`  database: ${s.outputs.db} (table ${s.outputs.table})`);
  if (s.interrupted) log('  run the same command again to resume');
}
