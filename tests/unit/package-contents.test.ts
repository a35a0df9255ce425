import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

// Users install the tarball: it must carry the built library and nothing from the repo's workshop.
describe('npm pack', () => {
  it('contains only dist, README, LICENSE and package.json', () => {
    expect(existsSync('dist/index.js'), 'run the build before this test').toBe(true);
    const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const files: string[] = JSON.parse(out)[0].files.map((f: { path: string }) => f.path);
    const allowed = /^(dist\/.+|README\.md|LICENSE|package\.json)$/;
    expect(files.filter((f) => !allowed.test(f))).toEqual([]);
    for (const needed of ['dist/index.js', 'dist/workers/embed.worker.js', 'dist/types/src/index.d.ts', 'dist/browser/index.js', 'dist/browser/workers/embed.worker.js', 'LICENSE', 'README.md']) {
      expect(files).toContain(needed);
    }
    // No source maps of test pages, no models or tools sneak in.
    expect(files.some((f) => f.startsWith('models/') || f.startsWith('tests/') || f.startsWith('tools/'))).toBe(false);
  });
});
