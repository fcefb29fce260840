#!/usr/bin/env bash
# Set up everything (browser included) and run every test: once on the embedded SQLite, once on
# a throwaway PostgreSQL server started on 127.0.0.1 (set POSTLOAN_TEST_PG=0 to skip the second).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test
export DJANGO_ALLOW_ASYNC_UNSAFE=true
workers=${POSTLOAN_TEST_WORKERS:-2}

echo "==> tests on SQLite"
.venv/bin/pytest -n "$workers" "$@"

if [[ ${POSTLOAN_TEST_PG:-1} == 1 ]]; then
  echo "==> tests on PostgreSQL"
  url=$(bash scripts/pg-test-server.sh start)
  trap 'bash scripts/pg-test-server.sh stop' EXIT
  DATABASE_URL=$url .venv/bin/pytest -n "$workers" -m "not browser" "$@"
fi
