// Command-line parsing for the CLI: flags are checked here, with a typed error naming the flag.
import type { Dtype } from '../engine/backend';
import { CliUsageError } from '../node/errors';

export interface IndexArgs {
  source: string;
  out: string;
  model?: string;
  modelDir?: string;
  dtype?: Dtype;
  workers?: number;
  batch: number;
  /** PGlite data folder; false: no database rows. */
  db?: string | false;
  table: string;
}

export const USAGE = `usage: omni-embed index <folder | file.jsonl> --out <dir> [options]
  --model <name>       preset (default: the bundled omni-tiny)
  --model-dir <dir>    a local model folder (hub layout)
  --dtype <d>          fp32 | fp16 | q8 | q4 (default q8)
  --workers <n>        worker threads (default: min(4, cores))
  --batch <n>          items per journal write (default 32)
  --db <dir>           PGlite data folder (default <out>/pgdata)
  --no-db              write no database rows
  --table <name>       table name (default omni_items)`;

const DTYPES = ['fp32', 'fp16', 'q8', 'q4'];

function int(flag: string, v: string | undefined, max: number): number {
  const n = Number(v);
  if (!v || !Number.isInteger(n) || n < 1 || n > max) throw new CliUsageError(`${flag} needs an integer from 1 to ${max} (got ${v ?? 'nothing'})`);
  return n;
}

export function parseIndexArgs(argv: string[]): IndexArgs {
  const positional: string[] = [];
  const a: Partial<IndexArgs> = { batch: 32, table: 'omni_items' };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) throw new CliUsageError(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '--out': a.out = value(); break;
      case '--model': a.model = value(); break;
      case '--model-dir': a.modelDir = value(); break;
      case '--dtype': {
        const d = value();
        if (!DTYPES.includes(d)) throw new CliUsageError(`--dtype must be one of ${DTYPES.join(', ')} (got ${d})`);
        a.dtype = d as Dtype;
        break;
      }
      case '--workers': a.workers = int(flag, value(), 64); break;
      case '--batch': a.batch = int(flag, value(), 4096); break;
      case '--db': a.db = value(); break;
      case '--no-db': a.db = false; break;
      case '--table': a.table = value(); break;
      default:
        if (flag.startsWith('--')) throw new CliUsageError(`unknown flag ${flag}\n${USAGE}`);
        positional.push(flag);
    }
  }
  if (positional.length !== 1) throw new CliUsageError(`index takes one folder or .jsonl file (got ${positional.length})\n${USAGE}`);
  if (!a.out) throw new CliUsageError(`--out <dir> is required\n${USAGE}`);
  return { ...a, source: positional[0]! } as IndexArgs;
}
