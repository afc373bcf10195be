#!/usr/bin/env node
// Type-checks the tests, runs vitest, and ends with the line CI counts: `N passed, N failed`.
// The counts come from vitest's JSON report, so they are the tests that really ran.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const report = join(process.cwd(), '.test-results', 'vitest.json');
mkdirSync(join(process.cwd(), '.test-results'), { recursive: true });
rmSync(report, { force: true });

const typecheck = spawnSync('tsc', ['-p', 'tsconfig.tests.json'], { stdio: 'inherit' });
const vitest = spawnSync('vitest', ['run', '--reporter=default', '--reporter=json',
  `--outputFile.json=${report}`, ...process.argv.slice(2)], { stdio: 'inherit' });

let passed = 0;
let failed = 0;
if (existsSync(report)) {
  const result = JSON.parse(readFileSync(report, 'utf8'));
  passed = result.numPassedTests ?? 0;
  failed = (result.numFailedTests ?? 0) + (result.numFailedTestSuites ?? 0);
} else {
  failed = 1;
}
if (typecheck.status !== 0) {
  process.stdout.write('type errors in the tests (see above)\n');
  failed += 1;
}
process.stdout.write(`${passed} passed, ${failed} failed\n`);
process.exit(failed === 0 && vitest.status === 0 ? 0 : 1);
