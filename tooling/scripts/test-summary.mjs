// Prints one line per workspace package from the vitest JSON reports the test task wrote, then the
// repository total as "N passed, N failed" on the last line. Exits non-zero when a report is
// missing for a package that has tests, or when any test failed or was skipped.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
let passed = 0;
let failed = 0;
let skipped = 0;
let missing = 0;
for (const group of ['packages', 'apps', 'tooling']) {
  const groupDirectory = join(root, group);
  if (!existsSync(groupDirectory)) continue;
  for (const folder of readdirSync(groupDirectory).sort()) {
    const directory = join(groupDirectory, folder);
    if (!existsSync(join(directory, 'vitest.config.ts'))) continue;
    const report = join(directory, '.reports/vitest.json');
    if (!existsSync(report)) {
      console.log(`${group}/${folder}: no test report (did its tests run?)`);
      missing++;
      continue;
    }
    const data = JSON.parse(readFileSync(report, 'utf8'));
    const skippedHere = data.numPendingTests + data.numTodoTests;
    console.log(`${group}/${folder}: ${data.numPassedTests} passed, ${data.numFailedTests} failed, ${skippedHere} skipped`);
    passed += data.numPassedTests;
    failed += data.numFailedTests;
    skipped += skippedHere;
  }
}
if (skipped > 0) console.log(`${skipped} skipped tests: a skipped test is not a passing one`);
console.log(`${passed} passed, ${failed + missing + skipped} failed`);
process.exit(failed + missing + skipped === 0 ? 0 : 1);
