#!/usr/bin/env sh
# Install PostLoan from the offline kit, on a machine WITHOUT internet access:
#
#   sh install-offline.sh [PREFIX]      default PREFIX: /opt/postloan
#
# Run it from the unpacked kit (the folder holding wheelhouse/ and requirements.lock). It checks
# SHA256SUMS, then installs with pip from wheelhouse/ only (--no-index): every package must match
# a hash of requirements.lock; nothing is fetched and nothing is built. Each version gets its own
# virtualenv, PREFIX/releases/<version>/venv, and PREFIX/venv points at the one in use — an
# upgrade installs beside the running one and switches the link; a rollback switches it back
# (docs/deployment.md). Needs python3.11 with its venv module (Debian: python3.11-venv).
set -eu
cd "$(dirname "$0")"
PREFIX=${1:-/opt/postloan}
PY=${PYTHON:-python3.11}
# This machine's pip configuration (an index, find-links) must not take part.
export PIP_CONFIG_FILE=/dev/null PIP_NO_INPUT=1 PIP_DISABLE_PIP_VERSION_CHECK=1

if [ -f SHA256SUMS ]; then
  echo "==> 校验文件 / checking SHA256SUMS"
  sha256sum --quiet -c SHA256SUMS
fi
wheel=$(ls wheelhouse/postloan-*.whl)
version=$(basename "$wheel" | cut -d- -f2)
release="$PREFIX/releases/$version"
echo "==> 安装 PostLoan $version / installing into $release/venv"
rm -rf "$release" && mkdir -p "$release"
"$PY" -m venv "$release/venv"
"$release/venv/bin/pip" install --quiet --no-index --find-links wheelhouse --require-hashes \
  -r requirements.lock
"$release/venv/bin/pip" install --quiet --no-index --no-deps "$wheel"
"$release/venv/bin/pip" check
"$release/venv/bin/python" -c "import django, duckdb, psycopg, pyarrow, weasyprint, postloan"
[ -f deploy/gunicorn.conf.py ] && cp deploy/gunicorn.conf.py "$release/gunicorn.conf.py"
ln -sfn "releases/$version/venv" "$PREFIX/venv.new" && mv -T "$PREFIX/venv.new" "$PREFIX/venv"
ln -sfn "releases/$version/gunicorn.conf.py" "$PREFIX/gunicorn.conf.py"
echo "==> 就绪 / ready: $PREFIX/venv/bin/postloan → $version"
