// `npm run bench`: every benchmark suite, one after the other (not part of npm test).
//   node bench/run.mjs [args passed to each suite, e.g. --quick]
// Suites: bench/embed/run.mjs (omni-embed vs transformers.js), bench/index/run.mjs and bench/scale/run.mjs
// (full-size CLIP replicas: memory, start, throughput) and bench/node/run.mjs (omni-embed/node vs the
// browser, items/s per modality), each when present.
// Build the library first: `node scripts/build.mjs`.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
const args = process.argv.slice(2);
const suites = ['bench/embed/run.mjs', 'bench/index/run.mjs', 'bench/scale/run.mjs', 'bench/node/run.mjs'].filter((s) => existsSync(resolve(root, s)));
let failed = 0;
for (const suite of suites) {
  console.log(`\n=== ${suite} ${args.join(' ')}`);
  const r = spawnSync(process.execPath, [suite, ...args], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) { failed++; console.error(`${suite} exited with ${r.status ?? r.signal}`); }
}
process.exit(failed ? 1 : 0);
