import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ALLOWED = /^(dist\/.+|README\.md|LICENSE|package\.json)$/;
const NEEDED = ['dist/index.js', 'dist/workers/embed.worker.js', 'dist/workers/ort-wasm-simd-threaded.asyncify.wasm', 'dist/workers/ort-wasm-simd-threaded.wasm', 'dist/workers/ort-wasm-simd-threaded.jspi.wasm', 'dist/browser/workers/ort.jspi.min.mjs', 'dist/browser/workers/ort-wasm-simd-threaded.jspi.mjs', 'dist/browser/workers/ort.wasm.min.mjs', 'dist/browser/workers/ort-wasm-simd-threaded.mjs', 'dist/types/src/index.d.ts', 'dist/browser/index.js', 'dist/browser/workers/embed.worker.js', 'dist/models/omni-tiny/manifest.json', 'LICENSE', 'README.md'];

// Users install the tarball: it must carry the built library and nothing from the repo's workshop.
describe('npm pack', () => {
  it('contains only dist, README, LICENSE and package.json', () => {
    expect(existsSync('dist/index.js'), 'run the build before this test').toBe(true);
    const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const files: string[] = JSON.parse(out)[0].files.map((f: { path: string }) => f.path);
    expect(files.filter((f) => !ALLOWED.test(f))).toEqual([]);
    for (const needed of NEEDED) expect(files).toContain(needed);
    // No source maps of test pages, no models or tools sneak in.
    expect(files.some((f) => f.startsWith('models/') || f.startsWith('tests/') || f.startsWith('tools/') || f.startsWith('demo/'))).toBe(false);
    // The bundled model is the variant the defaults load (q8 on WASM and WebGPU): every graph, no other variant.
    const graphs = files.filter((f) => f.startsWith('dist/models/omni-tiny/onnx/')).map((f) => f.slice('dist/models/omni-tiny/onnx/'.length)).sort();
    expect(graphs).toEqual(['audio', 'fusion', 'text', 'video', 'vision'].map((g) => `${g}_model_quantized.onnx`));
    // Issue #14's budget for what the package carries for the defaults.
    const modelBytes = JSON.parse(out)[0].files.filter((f: { path: string }) => f.path.startsWith('dist/models/')).reduce((n: number, f: { size: number }) => n + f.size, 0);
    expect(modelBytes).toBeLessThanOrEqual(12e6);
  }, 60_000); // npm pack reads ~40 MB: seconds alone, much longer on a shared machine

  // A release script (or `npm i <git url>`) packs from git, where dist/ does not exist: the package's
  // own lifecycle script has to build it. The checkout is what git would give: tracked files plus
  // new ones not ignored, nothing built. node_modules is linked in (a clone would `npm ci` it).
  it('from a clean checkout without a prior build, builds itself and ships dist/', () => {
    const work = mkdtempSync(join(tmpdir(), 'omni-embed-clean-'));
    try {
      const checkout = join(work, 'repo');
      const listed = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { encoding: 'utf8' }).split('\0').filter(Boolean);
      for (const rel of listed) {
        if (!existsSync(rel)) continue; // deleted in the working tree, not yet committed
        mkdirSync(dirname(join(checkout, rel)), { recursive: true });
        cpSync(rel, join(checkout, rel));
      }
      expect(existsSync(join(checkout, 'dist'))).toBe(false);
      expect(existsSync(join(checkout, 'vite.config.ts'))).toBe(true);
      symlinkSync(resolve('node_modules'), join(checkout, 'node_modules'), 'dir');
      // No --json: the build's own output shares npm's stdout. The tarball is the one .tgz in `work`.
      execFileSync('npm', ['pack', '--pack-destination', work], { cwd: checkout, stdio: 'ignore' });
      const tarballs = readdirSync(work).filter((f) => f.endsWith('.tgz'));
      expect(tarballs).toHaveLength(1);
      const tarball = join(work, tarballs[0]!);
      const files = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' }).split('\n').filter(Boolean).map((f) => f.replace(/^package\//, ''));
      for (const needed of NEEDED) expect(files).toContain(needed);
      expect(files.filter((f) => !ALLOWED.test(f))).toEqual([]);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }, 180_000);
});
