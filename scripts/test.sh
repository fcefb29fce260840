#!/usr/bin/env bash
# Set up everything (browser included) and run every test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test
export DJANGO_ALLOW_ASYNC_UNSAFE=true
exec .venv/bin/pytest -n "${POSTLOAN_TEST_WORKERS:-2}" "$@"
