#!/usr/bin/env bash
# Regenerate the hashed lock files from pyproject.toml (run after changing a pin there):
#   requirements.lock       the product's whole runtime closure  (the offline wheelhouse, Docker)
#   requirements-test.lock  the same plus the test extra         (CI)
# uv runs from a throw-away virtualenv; nothing is installed into the project's own.
# tests/ops/test_delivery_kit.py fails while a lock is out of step with pyproject.toml.
set -euo pipefail
cd "$(dirname "$0")/.."
UV_VERSION=0.13.8
TOOLS=$(mktemp -d)
trap 'rm -rf "$TOOLS"' EXIT
python3.11 -m venv "$TOOLS/venv"
"$TOOLS/venv/bin/pip" install --quiet "uv==$UV_VERSION"
compile() {
  "$TOOLS/venv/bin/uv" pip compile pyproject.toml "$@" \
    --generate-hashes --python-version 3.11 --python-platform x86_64-manylinux_2_28 \
    --custom-compile-command "scripts/lock.sh" --quiet
}
compile -o requirements.lock
compile --extra test -o requirements-test.lock
echo "requirements.lock: $(grep -c '==' requirements.lock) packages;" \
     "requirements-test.lock: $(grep -c '==' requirements-test.lock) packages"
