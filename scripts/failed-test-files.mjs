// Lists the test files that failed in a vitest JSON report, one per line (for one more run).
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';

const report = JSON.parse(readFileSync(process.argv[2], 'utf8'));
for (const file of report.testResults) {
  if (file.status === 'failed') console.log(relative(process.cwd(), file.name));
}
