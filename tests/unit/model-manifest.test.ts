// CI does not retrain omni-tiny: it checks that the shipped files are exactly what the manifest
// (written by tools/omni-tiny/manifest.py) promises, and the browser tests run those files.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const DIR = 'models/omni-tiny';
const manifest = JSON.parse(readFileSync(join(DIR, 'manifest.json'), 'utf8')) as { files: Record<string, { size: number; sha256: string }> };

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    return statSync(full).isDirectory() ? walk(full) : [relative(DIR, full)];
  });
}

describe('models/omni-tiny manifest', () => {
  it('lists every shipped file, and nothing that is not shipped', () => {
    const onDisk = walk(DIR).filter((f) => f !== 'manifest.json').sort();
    expect(Object.keys(manifest.files).sort()).toEqual(onDisk);
    // All five graphs in all four variants.
    for (const g of ['text', 'vision', 'audio', 'video', 'fusion']) {
      for (const suffix of ['', '_fp16', '_quantized', '_q4']) expect(onDisk).toContain(`onnx/${g}_model${suffix}.onnx`);
    }
  });

  // The size bound is issue #14's "all graphs and variants <= 30 MB" (decimal); wave 1 guarded 25 MiB, before v2.6's
  // wider vision stem (26.6 MB). What the npm package ships is bounded separately (12 MB, package-contents.test.ts).
  it('matches every file byte for byte (size and sha256), and stays under 30 MB', () => {
    let total = 0;
    for (const [path, { size, sha256 }] of Object.entries(manifest.files)) {
      const bytes = readFileSync(join(DIR, path));
      expect(bytes.length, path).toBe(size);
      expect(createHash('sha256').update(bytes).digest('hex'), path).toBe(sha256);
      total += size;
    }
    expect(total).toBeLessThanOrEqual(30_000_000);
  });
});
