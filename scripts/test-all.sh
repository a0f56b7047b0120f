#!/usr/bin/env bash
# `npm test`: every check, in order. Exits non-zero on the first failure.
#   lint → typecheck → unit tests → production build → homeserver up → integration tests → e2e
# Set HS_KEEP=1 to leave the homeservers running afterwards.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

step() { printf '\n\033[1m== %s ==\033[0m\n' "$*"; }

step "lint (eslint + prettier)"
npm run --silent lint

step "typecheck"
npm run --silent typecheck

step "unit tests (vitest)"
npx vitest run

step "production build"
npx vite build --logLevel warn
node scripts/check-bundle.mjs

step "browser (Debian chromium)"
if ! command -v chromium >/dev/null 2>&1; then
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
chromium --version

step "homeserver up"
started=0
if ! curl -fsS --max-time 2 "http://127.0.0.1:${HS_MAIN_PORT:-8008}/_matrix/client/versions" >/dev/null 2>&1; then started=1; fi
bash scripts/homeserver.sh up
if [ "$started" = 1 ] && [ "${HS_KEEP:-0}" != 1 ]; then
  trap 'bash scripts/homeserver.sh down' EXIT
fi

step "integration tests (real Synapse)"
npx vitest run --config vitest.integration.config.ts

step "end-to-end tests (Playwright, real Synapse)"
npx playwright test
