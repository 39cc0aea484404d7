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
npx vitest run --reporter=default --reporter=json --outputFile.json=test-results/vitest.json "$@"
node scripts/summarize-tests.mjs test-results/vitest.json
