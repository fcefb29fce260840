#!/usr/bin/env bash
# Build the offline delivery kit on a machine WITH internet access (the vendor's build machine):
#
#   scripts/build-wheelhouse.sh [OUT]        default OUT: dist/postloan-offline-<version>
#
# OUT/ wheelhouse/*.whl       every wheel of requirements.lock (checked against its hashes) for
#                             Linux x86_64, CPython 3.11, plus PostLoan's own wheel
#      requirements.lock      the hashed lock of the whole dependency closure (scripts/lock.sh)
#      install-offline.sh     installs from wheelhouse/ only: no index, hashes required
#      deploy/                Dockerfile, compose.yaml, env.example, gunicorn.conf.py, systemd/
#      SHA256SUMS             of every file above (install-offline.sh checks it first)
# and OUT.tar.gz beside it: carry that one file into the bank's network.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3.11}
version=$("$PY" -c "import tomllib;print(tomllib.load(open('pyproject.toml','rb'))['project']['version'])")
OUT=${1:-dist/postloan-offline-$version}
started=$(date +%s)

rm -rf "$OUT" && mkdir -p "$OUT/wheelhouse"
echo "==> 下载依赖 / downloading the locked wheels (hash-checked)"
# The servers: Linux x86_64 with glibc ≥ 2.28 (Debian 10+, RHEL/Kylin/UOS 8+), CPython 3.11.
platforms=()
for tag in manylinux_2_28 manylinux_2_27 manylinux_2_24 manylinux_2_17 manylinux2014 \
           manylinux_2_12 manylinux2010 manylinux_2_5 manylinux1; do
  platforms+=(--platform "${tag}_x86_64")
done
"$PY" -m pip download --quiet --require-hashes --no-deps --only-binary=:all: \
  "${platforms[@]}" --python-version 3.11 --implementation cp --abi cp311 --abi abi3 --abi none \
  -r requirements.lock -d "$OUT/wheelhouse"
echo "==> 构建 PostLoan / building the postloan wheel"
"$PY" -m pip wheel --quiet --no-deps --wheel-dir "$OUT/wheelhouse" .

cp requirements.lock "$OUT/"
cp scripts/install-offline.sh "$OUT/"
mkdir -p "$OUT/deploy"
cp -r deploy/. "$OUT/deploy/"
(cd "$OUT" && find . -type f ! -name SHA256SUMS -print0 | sort -z | xargs -0 sha256sum > SHA256SUMS)
tar -C "$(dirname "$OUT")" -czf "$OUT.tar.gz" "$(basename "$OUT")"

wheels=$(find "$OUT/wheelhouse" -name '*.whl' | wc -l)
echo "==> 完成 / done: $OUT.tar.gz — $wheels wheels, $(du -sh "$OUT/wheelhouse" | cut -f1) unpacked," \
     "$(du -h "$OUT.tar.gz" | cut -f1) packed, $(( $(date +%s) - started )) s"
