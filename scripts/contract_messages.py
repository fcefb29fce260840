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
    return out


def quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def main() -> None:
    print('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n')
    for text, refs in words().items():
        print(f'#. {"; ".join(refs[:3])}\nmsgid {quote(text)}\nmsgstr ""\n')


if __name__ == "__main__":
    main()
