// Refuses a locked dependency whose `engines.node` excludes Node 20 or 22: the project must run on
// the machine's Node 20 and on the current LTS.
import { readFileSync } from 'node:fs';
import semver from 'semver';

const lock = JSON.parse(readFileSync(new URL('../package-lock.json', import.meta.url), 'utf8'));
// The machine's Node 20 and the newest 22 LTS line.
const targets = [process.versions.node.startsWith('20.') ? process.versions.node : '20.19.0', '22.20.0'];
const bad = [];
for (const [path, entry] of Object.entries(lock.packages ?? {})) {
  const range = entry.engines?.node;
  if (!path || !range) continue;
  for (const version of targets) {
    if (!semver.satisfies(version, range)) bad.push(`${path.replace(/^.*node_modules\//, '')}@${entry.version} wants node ${range} (not ${version})`);
  }
}
if (bad.length) {
  console.error(`engines check failed:\n  ${bad.join('\n  ')}`);
  process.exit(1);
}
console.log(`engines check: ${Object.keys(lock.packages ?? {}).length - 1} locked packages accept Node ${targets.join(' and ')}`);
