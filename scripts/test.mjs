// The one test command: typecheck, build, unit tests (vitest, node), browser tests (Playwright,
// real Chromium). Ends with a single summary line `N passed, N failed` over every test that ran.
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


const browserOk = step('browser', 'npx', ['playwright', 'test', '--config', 'tests/browser/playwright.config.ts']);
const browser = readJson(`${out}/playwright.json`);
if (browser) {
  passed += browser.stats.expected;
  failed += browser.stats.unexpected + browser.stats.flaky;
}
if (!browserOk && (!browser || browser.stats.unexpected === 0)) { failed++; problems.push('browser runner'); }

if (problems.length) console.log(`\nfailed steps: ${problems.join(', ')}`);
console.log(`\n${passed} passed, ${failed} failed`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
