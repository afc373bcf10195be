#!/usr/bin/env node
// Type-checks the tests, runs vitest, and ends with the line CI counts: `N passed, N failed`.
// The counts come from vitest's JSON report, so they are the tests that really ran.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const report = join(process.cwd(), '.test-results', 'vitest.json');
mkdirSync(join(process.cwd(), '.test-results'), { recursive: true });
rmSync(report, { force: true });

/** Runs a command with this process's stdio and resolves to its exit status. */
function run(command, args) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: 'inherit' });
    child.on('error', () => resolve(1));
    child.on('exit', (code) => resolve(code ?? 1));
  });
}

// The type check and the tests are independent; running them side by side saves the type check's time.
const [typecheckStatus, vitestStatus] = await Promise.all([
  run('tsc', ['-p', 'tsconfig.tests.json']),
  run('vitest', ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...process.argv.slice(2)]),
]);

let passed = 0;
let failed = 0;
if (existsSync(report)) {
  const result = JSON.parse(readFileSync(report, 'utf8'));
  passed = result.numPassedTests ?? 0;
  failed = result.numFailedTests ?? 0;
  // A file that failed outside any test (an import error, a failing hook) counts once; a file whose
  // tests failed is already counted through those tests.
  for (const file of result.testResults ?? []) {
    const testFailed = (file.assertionResults ?? []).some((test) => test.status === 'failed');
    if (file.status === 'failed' && !testFailed) failed += 1;
  }
} else {
  failed = 1;
}
if (typecheckStatus !== 0) {
  process.stdout.write('type errors in the tests (see above)\n');
  failed += 1;
}
process.stdout.write(`${passed} passed, ${failed} failed\n`);
process.exit(failed === 0 && vitestStatus === 0 ? 0 : 1);
