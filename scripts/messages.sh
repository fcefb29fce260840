#!/usr/bin/env bash
# Regenerate and compile the zh_Hans catalogue of the UI strings marked for translation
# ({% translate %}, gettext). The source strings are Chinese, so msgstr = msgid (msgen).
# Needs GNU gettext (apt: gettext). Usage: scripts/messages.sh [--compile-only]
set -euo pipefail
cd "$(dirname "$0")/../src/postloan"
PL=${POSTLOAN:-postloan}
command -v "$PL" >/dev/null || PL="$PWD/../../.venv/bin/postloan"
po=locale/zh_Hans/LC_MESSAGES/django.po
if [[ "${1:-}" != "--compile-only" ]]; then
  head=$(sed -n '1,/^$/p' "$po")
  "$PL" makemessages -l zh_Hans --ignore "static/*" --no-obsolete >/dev/null
  msgen "$po" -o "$po.tmp"
  { printf '%s\n' "$head"; sed -n '/^$/,$p' "$po.tmp" | sed '1d'; } > "$po"
  rm -f "$po.tmp"
fi
"$PL" compilemessages >/dev/null
echo "==> zh_Hans: $(grep -c '^msgid "[^"]' "$po") strings compiled"
