// The one test command: typecheck, build, unit tests (vitest, node), browser and extension tests
// (Playwright, real Chromium). Ends with a single summary line `N passed, N failed` over every test that ran.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';

const out = 'tests/.out';
rmSync(out, { recursive: true, force: true });
let passed = 0;
let failed = 0;
const problems = [];

function step(name, cmd, args) {
  console.log(`\n=== ${name}: ${cmd} ${args.join(' ')}`);
  const res = spawnSync(cmd, args, { stdio: 'inherit', env: process.env });
  return res.status === 0;
}

function readJson(path) {
  return existsSync(path) ? JSON.parse(readFileSync(path, 'utf8')) : null;
}

// Typecheck counts as one check: a type error anywhere fails the run.
if (step('typecheck', 'npx', ['tsc', '-p', 'tsconfig.json', '--noEmit'])) passed++;
else { failed++; problems.push('typecheck'); }

// Build before the unit tests: the package-contents test inspects what `npm pack` would ship.
if (!step('build', 'node', ['scripts/build.mjs'])) { failed++; problems.push('build'); }

const unitOk = step('unit', 'npx', ['vitest', 'run', '--config', 'vitest.config.ts']);
const unit = readJson(`${out}/vitest.json`);
if (unit) {
  passed += unit.numPassedTests;
  failed += unit.numFailedTests;
}
if (!unitOk && (!unit || unit.numFailedTests === 0)) { failed++; problems.push('unit runner'); }


// Playwright suites: the page/worker tests, then the MV3 extension (its own persistent context).
for (const [name, config, report] of [
  ['browser', 'tests/browser/playwright.config.ts', 'playwright.json'],
  ['extension', 'tests/extension/playwright.config.ts', 'extension-playwright.json'],
]) {
  const ok = step(name, 'npx', ['playwright', 'test', '--config', config]);
  const result = readJson(`${out}/${report}`);
  if (result) {
    passed += result.stats.expected;
    failed += result.stats.unexpected + result.stats.flaky;
  }
  if (!ok && (!result || result.stats.unexpected === 0)) { failed++; problems.push(`${name} runner`); }
}

if (problems.length) console.log(`\nfailed steps: ${problems.join(', ')}`);
console.log(`\n${passed} passed, ${failed} failed`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
