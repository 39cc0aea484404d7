#!/usr/bin/env bash
# The README's test command: type-check, lint, then every test (unit, database, API, CLI, browser
# when chromium is present; the web app is built first). TEST_DATABASE_URL switches the database tests to PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "== engines check"; node scripts/check-engines.mjs
echo "== type-check"; npx tsc --noEmit && npx tsc --noEmit -p web
echo "== lint"; npx eslint . --max-warnings=0
# The browser tests drive the built app: build it first (a no-op when web/ did not change).
echo "== web app build"; node scripts/build-web.mjs
echo "== tests (${TEST_DATABASE_URL:+PostgreSQL}${TEST_DATABASE_URL:-PGlite})"
mkdir -p test-results
status=0
npx vitest run --reporter=default --reporter=json --outputFile.json=test-results/vitest.json "$@" || status=$?
# A timing-sensitive test on a loaded two-core machine can fail once. Up to three failed files run
# once more; the summary names each one that passed only then as FLAKY. More failures than that
# are a real breakage and are not run again.
if [ "$status" -ne 0 ] && [ -s test-results/vitest.json ] && [ "${TEST_RERUN_FAILED:-1}" = 1 ]; then
  mapfile -t failed < <(node scripts/failed-test-files.mjs test-results/vitest.json)
  if [ "${#failed[@]}" -ge 1 ] && [ "${#failed[@]}" -le 3 ]; then
    echo "== running once more: ${failed[*]}"
    npx vitest run --reporter=default --reporter=json --outputFile.json=test-results/vitest-rerun.json "${failed[@]}" || true
    exec node scripts/summarize-tests.mjs test-results/vitest.json test-results/vitest-rerun.json
  fi
fi
node scripts/summarize-tests.mjs test-results/vitest.json
