// Builds the package from vite.config.ts: its four library modes into dist/ (ESM for bundlers with
// bare dependencies) and dist/browser/ (self-contained, for a plain <script type="module">), then the
// type declarations. Both shapes keep index.js + workers/embed.worker.js side by side, so the page API
// finds its worker with `new URL('./workers/embed.worker.js', import.meta.url)` in either.
// Run by `npm run build`, by `npm test`, and by `prepare` (so `npm ci`, `npm pack` and `npm publish`
// from a clean clone ship dist/).
import { build } from 'vite';
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
const configFile = resolve(root, 'vite.config.ts');

rmSync(resolve(root, 'dist'), { recursive: true, force: true });
for (const mode of ['lib', 'lib-worker', 'browser', 'browser-worker']) await build({ configFile, mode, root });
execFileSync(process.execPath, [resolve(root, 'node_modules/typescript/bin/tsc'), '-p', resolve(root, 'tsconfig.build.json')], { stdio: 'inherit', cwd: root });
console.log('built dist/ and dist/browser/');

// omni-embed/node (dist/node/): its own script, after dist/ holds the bundled model.
await import('./build-node.mjs');
