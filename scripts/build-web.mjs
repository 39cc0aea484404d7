// Builds the web app (web/ → web/dist) when its sources changed since the last build: `npm start`
// and `npm test` run it first, so a fresh clone serves the app and a rebuild costs nothing when
// nothing changed. The sources' hash is kept in web/dist/.build-hash.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const WEB = join(ROOT, 'web');
const DIST = join(WEB, 'dist');
const STAMP = join(DIST, '.build-hash');
const INPUTS = ['index.html', 'vite.config.ts', 'src', 'public'];

function filesUnder(path) {
  if (!existsSync(path)) return [];
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path).sort().flatMap((name) => filesUnder(join(path, name)));
}

export function sourceHash() {
  const hash = createHash('sha256');
  for (const file of INPUTS.flatMap((input) => filesUnder(join(WEB, input)))) {
    // Tests and e2e files are not part of the bundle.
    if (/\.test\.tsx?$/.test(file)) continue;
    hash.update(relative(WEB, file)).update('\0').update(readFileSync(file)).update('\0');
  }
  // The locked versions of the build tools and libraries are inputs too.
  hash.update(readFileSync(join(ROOT, 'package-lock.json')));
  return hash.digest('hex');
}

export function webBuildIsCurrent() {
  return existsSync(join(DIST, 'index.html')) && existsSync(STAMP) && readFileSync(STAMP, 'utf8').trim() === sourceHash();
}

/** Builds web/dist unless it is current; returns whether it built. */
export async function ensureWebBuilt({ quiet = false } = {}) {
  if (webBuildIsCurrent()) return false;
  const started = performance.now();
  if (!quiet) process.stdout.write('building the web app (web/ → web/dist) … ');
  const hash = sourceHash();
  const { build } = await import('vite');
  await build({ configFile: join(WEB, 'vite.config.ts'), logLevel: 'warn' });
  writeFileSync(STAMP, `${hash}\n`);
  if (!quiet) process.stdout.write(`done in ${Math.round(performance.now() - started)} ms\n`);
  return true;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const force = process.argv.includes('--force');
  if (force && existsSync(STAMP)) writeFileSync(STAMP, 'forced\n');
  try {
    const built = await ensureWebBuilt();
    if (!built) console.log('web app is up to date (web/dist)');
  } catch (error) {
    console.error(`web app build failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}
