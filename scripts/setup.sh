#!/usr/bin/env bash
# Idempotent set-up on a fresh machine: system packages (Debian apt), .venv with the
# `postloan` command. Usage: scripts/setup.sh [--test]   (--test adds browser and test tools)
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=0
[[ "${1:-}" == "--test" ]] && want_test=1

apt_packages=(fonts-noto-cjk libpangoft2-1.0-0 libharfbuzz-subset0 sqlite3)
# gettext compiles the message catalogue in a checkout; the delivery kit's wheel carries the
# compiled .mo, so the runtime image (deploy/Dockerfile) needs only the packages above.
apt_packages+=(gettext)
if [[ $want_test == 1 ]]; then
  apt_packages+=(chromium chromium-driver postgresql libreoffice-writer-nogui libreoffice-calc-nogui poppler-utils)
fi

missing=()
for pkg in "${apt_packages[@]}"; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if (( ${#missing[@]} )); then
  echo "==> 安装系统软件包 / installing system packages: ${missing[*]}"
  SUDO=""
  [[ $(id -u) -ne 0 ]] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

PY=${PYTHON:-python3}
if [[ ! -x .venv/bin/python ]]; then
  echo "==> 创建虚拟环境 / creating .venv"
  "$PY" -m venv .venv
fi
stamp=.venv/.postloan-installed
# Exactly the locked versions (hashes checked), then the project itself without resolving again:
# a newer release on the registry never changes what runs (tests/ops/test_delivery_kit.py).
lock=requirements.lock
[[ $want_test == 1 ]] && lock=requirements-test.lock
want="$(cat pyproject.toml "$lock" | sha256sum | cut -c1-16) $lock"
if [[ ! -f $stamp ]] || ! grep -qxF -- "$want" "$stamp"; then
  echo "==> 安装 Python 依赖 / installing Python packages ($lock)"
  .venv/bin/python -m pip install -q --upgrade pip >/dev/null
  .venv/bin/python -m pip install -q -r "$lock"
  .venv/bin/python -m pip install -q --no-deps -e .
  echo "$want" > "$stamp"
fi
echo "==> 编译界面文字目录 / compiling the zh_Hans message catalogue"
POSTLOAN="$PWD/.venv/bin/postloan" scripts/messages.sh --compile-only
echo "==> 就绪 / ready: .venv/bin/postloan"
