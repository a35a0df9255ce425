// Test-side access to the generated hub replicas (tools/replicas/): generates them on demand
// (seeded, cached by the generator's hash, so a second call costs a stat) and says where they are.

import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const REPLICAS = '.replicas';
export const CLIP_REPO = 'Xenova/clip-vit-base-patch32';
export const CLAP_REPO = 'Xenova/clap-htsat-unfused';
export const SIGLIP_REPO = 'Xenova/siglip-base-patch16-224';
const REPOS = { clip: CLIP_REPO, clap: CLAP_REPO, siglip: SIGLIP_REPO } as const;
const PYTHON = process.env.REPLICAS_PYTHON ?? '/usr/bin/python3';

export interface ReplicaArgs {
  /** Which repo (make.py --model); CLIP when omitted. */
  model?: keyof typeof REPOS;
  scale: 'mini' | 'full';
  towers?: string[];
  variants?: string[];
  fp16Io?: 'float32' | 'float16';
}

/** Folder of the replica (`.replicas/<scale>[-io16]/<repo>`), generated if stale. */
export function ensureReplica(args: ReplicaArgs): string {
  const cli = ['tools/replicas/make.py', '--model', args.model ?? 'clip', '--scale', args.scale, '--out', REPLICAS];
  if (args.towers) cli.push('--towers', args.towers.join(','));
  if (args.variants) cli.push(`--variants=${args.variants.join(',')}`);
  if (args.fp16Io) cli.push('--fp16-io', args.fp16Io);
  try {
    execFileSync(PYTHON, cli, { stdio: ['ignore', 'pipe', 'pipe'], timeout: 15 * 60_000 });
  } catch (err) {
    const e = err as { stderr?: Buffer; message: string };
    throw new Error(`replica generation failed (${PYTHON} with onnx + numpy is needed: apt-get install python3-onnx python3-numpy): ${e.stderr?.toString() || e.message}`);
  }
  const dir = join(REPLICAS, args.scale + (args.fp16Io === 'float16' ? '-io16' : ''), REPOS[args.model ?? 'clip']);
  if (!existsSync(join(dir, '.stamp'))) throw new Error(`replica generation left no stamp in ${dir}`);
  return dir;
}

/** op_type strings of a graph, counted from NodeProto.op_type (field 4) in the raw protobuf. */
export function opCount(file: string, op: string): number {
  return readFileSync(file).toString('latin1').split(`\x22${String.fromCharCode(op.length)}${op}`).length - 1;
}
