#!/usr/bin/env python3
"""Write the Chinese words of the data contract (postloan/contract.py) as a gettext template,
so the zh_Hans catalogue holds them although contract.py is pure Python and marks nothing.

    python scripts/contract_messages.py > /tmp/contract.pot

Every table label, column label and enumeration label of `contract.TABLES`, one msgid each,
with the contract's place as the reference comment. scripts/messages.sh merges it into the
catalogue after makemessages; the pages read these words through Django
(`portfolio/choices.py`, `org/choices.py` wrap them in gettext_lazy)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from postloan import contract  # noqa: E402 - after the path


def _vocabulary():
    """risk/engine/vocabulary.py alone (its package imports DuckDB, which this script lacks)."""
    import importlib.util

    path = Path(__file__).resolve().parents[1] / "src/postloan/risk/engine/vocabulary.py"
    spec = importlib.util.spec_from_file_location("vocabulary", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def words() -> dict[str, list[str]]:
    """{msgid: [reference, …]} in the contract's order."""
    out: dict[str, list[str]] = {}

    def add(text: str, ref: str) -> None:
        if text and any("\u3400" <= ch <= "\u9fff" for ch in text):
            out.setdefault(text, []).append(ref)

    for table in contract.TABLES:
        add(table.label, f"contract.py:{table.name}")
        for col in table.columns:
            add(col.label, f"contract.py:{table.name}.{col.code}")
            for code, label in col.choices:
                add(label, f"contract.py:{table.name}.{col.code}={code}")
    # the engine's vocabulary (pure Python too): risk.choices gives its labels to gettext
    for name in ("CLASSES", "LEVELS", "RULE_FAMILIES", "SIGNAL_FAMILIES"):
        for code, label in getattr(_vocabulary(), name):
            add(label, f"risk/engine/vocabulary.py:{name}={code}")
    return out


def quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def main() -> None:
    print('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n')
    for text, refs in words().items():
        print(f'#. {"; ".join(refs[:3])}\nmsgid {quote(text)}\nmsgstr ""\n')


if __name__ == "__main__":
    main()
