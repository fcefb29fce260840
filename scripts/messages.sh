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
  head=$(awk '/^$/ || /^#:/ {exit} {print}' "$po")
  "$PL" makemessages -l zh_Hans --ignore "static/*" --no-obsolete >/dev/null
  # the data contract's words (contract.py is pure Python and marks nothing): merged in
  "${PYTHON:-python3}" ../../scripts/contract_messages.py > "$po.contract"
  msgcat --use-first "$po" "$po.contract" -o "$po.merged"
  mv "$po.merged" "$po"
  rm -f "$po.contract"
  # msgstr = msgid for every entry: msgmerge's fuzzy guesses (风险事件 for 事件) are dropped,
  # then msgen fills each emptied msgstr from its msgid.
  msgattrib --clear-fuzzy --clear-previous "$po" \
    | msgfilter --keep-header -o "$po.empty" sed -e d
  msgen "$po.empty" -o "$po.tmp"
  rm -f "$po.empty"
  { printf '%s\n\n' "$head"; sed -n '/^$/,$p' "$po.tmp" | sed '1d'; } > "$po"
  rm -f "$po.tmp"
fi
"$PL" compilemessages >/dev/null
echo "==> zh_Hans: $(grep -c '^msgid "[^"]' "$po") strings compiled"
