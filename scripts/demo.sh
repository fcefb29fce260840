#!/usr/bin/env bash
# Set up everything and run the demo bank on http://127.0.0.1:8000 (embedded SQLite), with one
# `postloan db_worker` beside the server for uploads, screenings and meeting packs.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/postloan demo "$@"
