"""Rebuild src/postloan/core/data/gbt4754.csv (GB/T 4754-2017 国民经济行业分类) from a public
code list, a development-time source only (never a runtime dependency of PostLoan).

    git -C <mirror of github.com/zmshe/capital> show 0b8f1ae:src/utils/category.js > /tmp/category.js
    python scripts/codetables_gbt4754.py /tmp/category.js

The source is a JavaScript array with one object a code: class1 (门类 letter), class2 (大类),
class3 (中类), class4 (小类), level (1-4) and name (its remarks are not used). It lists an
undivided group (中类 not divided into 小类) only by its class (0190 其他农业 under 019), so the
group row is derived from its single class, whose name the standard gives it too. Names are
stripped of stray spaces and their half-width brackets made full-width, as the standard prints
them; one mis-levelled entry of the source is put right (MISLEVELLED). The script refuses to write a table whose hierarchy does not close (every class under a
group, every group under a division, every division under a section).
"""

from __future__ import annotations

import csv
import re
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "src/postloan/core/data/gbt4754.csv"
ENTRY = re.compile(
    r"\{\s*class4: '(?P<c4>[^']*)',\s*class3: '(?P<c3>[^']*)',\s*level: '(?P<level>\d)',"
    r"\s*class2: '(?P<c2>[^']*)',\s*class1: '(?P<c1>[^']*)',\s*name:\s*'(?P<name>[^']*)'"
)
LEVELS = {"1": "section", "2": "division", "3": "group", "4": "class"}
# The source's known slips, put right from the standard's text: (level, group, name) → class code.
# 3741 飞机制造 is listed as a second group 374 without its class code.
MISLEVELLED = {("3", "374", "飞机制造"): "3741"}


def clean(name: str) -> str:
    return name.strip().replace("(", "（").replace(")", "）")


def build(source: str) -> list[tuple[str, str, str, str]]:
    """(code, name, level, parent) in the standard's order."""
    entries = [m.groupdict() for m in ENTRY.finditer(source)]
    if len(entries) != source.count("class4:"):
        raise SystemExit("some entries were not read")
    rows: list[tuple[str, str, str, str]] = []
    groups_seen: set[str] = set()
    for e in entries:
        fix = MISLEVELLED.get((e["level"], e["c3"], e["name"].strip()))
        if fix:
            e = {**e, "level": "4", "c4": fix}
        level = LEVELS[e["level"]]
        code = {"section": e["c1"], "division": e["c2"], "group": e["c3"], "class": e["c4"]}[level]
        parent = {"section": "", "division": e["c1"], "group": e["c2"], "class": e["c3"]}[level]
        if level == "group":
            groups_seen.add(code)
        if level == "class" and e["c3"] not in groups_seen:
            # an undivided group: the standard numbers its only class xxx0 with the same name
            if not code.endswith("0"):
                raise SystemExit(f"{code}: class of a group the source never lists")
            rows.append((e["c3"], clean(e["name"]), "group", e["c2"]))
            groups_seen.add(e["c3"])
        rows.append((code, clean(e["name"]), level, parent))
    check(rows)
    return rows


def check(rows) -> None:
    codes = {code: (level, parent) for code, _, level, parent in rows}
    if len(codes) != len(rows):
        raise SystemExit("duplicate codes")
    for code, (level, parent) in codes.items():
        if level != "section" and parent not in codes:
            raise SystemExit(f"{code}: parent {parent} missing")
        if level in ("group", "class") and not code.startswith(parent):
            raise SystemExit(f"{code}: not under {parent}")


def main(argv: list[str]) -> None:
    source = Path(argv[1]).read_text(encoding="utf-8")
    rows = build(source)
    with OUT.open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh, lineterminator="\n")
        out.writerow(["code", "name", "level", "parent"])
        out.writerows(rows)
    counts = {lv: sum(1 for r in rows if r[2] == lv) for lv in LEVELS.values()}
    print(f"{OUT}: {counts}")


if __name__ == "__main__":
    main(sys.argv)
