#!/usr/bin/env bash
# The whole test suite: the layering rules, set-up, fixture images (cached outside the repo), then vitest.
set -euo pipefail
cd "$(dirname "$0")/.."
npm run --silent lint:deps
bash scripts/setup.sh
bash scripts/build-fixtures.sh all
exec npx vitest run "$@"
