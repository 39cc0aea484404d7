// Prints the plain closing line CI reads: "tests: N passed, N failed, N skipped".
// With a second report (the failed files run once more), a file that passed the second time counts
// with its second results and is named as flaky, loudly, so that it gets fixed rather than hidden.
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';

const [firstPath, retryPath] = process.argv.slice(2);
const first = JSON.parse(readFileSync(firstPath, 'utf8'));
const retry = retryPath ? JSON.parse(readFileSync(retryPath, 'utf8')) : null;

const count = (file, status) => file.assertionResults.filter((test) => test.status === status).length;
const skippedOf = (file) => count(file, 'pending') + count(file, 'skipped') + count(file, 'todo');
const failedOf = (file) => count(file, 'failed') + (file.status === 'failed' && count(file, 'failed') === 0 ? 1 : 0);

const retried = new Map((retry?.testResults ?? []).map((file) => [file.name, file]));
let passed = 0;
let failed = 0;
let skipped = 0;
const flaky = [];
for (const file of first.testResults) {
  const final = retried.get(file.name) ?? file;
  if (retried.has(file.name) && failedOf(file) > 0 && failedOf(final) === 0) flaky.push(relative(process.cwd(), file.name));
  passed += count(final, 'passed');
  failed += failedOf(final);
  skipped += skippedOf(final);
}
if (flaky.length > 0) {
  console.log(`FLAKY — failed on the first run, passed when run again (fix these): ${flaky.join(', ')}`);
}
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
if (failed > 0 || passed === 0) process.exit(1);
