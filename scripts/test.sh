#!/usr/bin/env bash
# The whole test suite: set-up, the layering rules, fixture images (cached outside the repo), then vitest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
npm run --silent lint:deps
bash scripts/build-fixtures.sh all
exec npx vitest run "$@"
