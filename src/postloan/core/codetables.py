"""The national code tables the bank's data uses, shipped with the product as CSV files
(postloan/core/data/): regions of GB/T 2260 (every province, prefecture and county) and industries of
GB/T 4754-2017 (every section, division, group and class). Sources and licences:
postloan/core/data/README.md.

A code missing from a table reads as the code with "（未知代码）", never an error.
"""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"
UNKNOWN = "（未知代码）"
EMPTY = "—"
MUNICIPALITIES = {"11", "12", "31", "50"}  # 直辖市: no prefecture level in the name


@cache
def _table(name: str) -> dict[str, str]:
    with (DATA_DIR / name).open(encoding="utf-8", newline="") as fh:
        return {row["code"]: row["name"] for row in csv.DictReader(fh)}


def regions() -> dict[str, str]:
    return _table("gbt2260.csv")


def industries() -> dict[str, str]:
    return _table("gbt4754.csv")


def region_name(code) -> str:
    """330402 → 浙江省嘉兴市南湖区; 330400 → 浙江省嘉兴市; 330000 → 浙江省.

    A county-level code not in the table is unknown even when its city is known."""
    code = str(code or "").strip()
    if not code:
        return EMPTY
    table = regions()
    if code not in table:
        return f"{code}{UNKNOWN}"
    province = table.get(code[:2] + "0000", "")
    if code.endswith("0000"):
        return table[code]
    city = "" if code[:2] in MUNICIPALITIES else table.get(code[:4] + "00", "")
    if code.endswith("00"):
        return province + table[code]
    return province + city + table[code]


def industry_name(code) -> str | None:
    """The name of a GB/T 4754 code (C3484, 3484, C348, C34 or C); None when unknown.

    A four-digit class ending in 0 that the table lacks is read as its group (G5430 → 543
    道路货物运输), the way older data numbers a group."""
    code = str(code or "").strip().upper()
    table = industries()
    digits = code[1:] if code[:1].isalpha() else code
    if code[:1].isalpha() and len(code) == 1:
        return table.get(code)
    if not digits.isdigit():
        return None
    if digits in table:
        return table[digits]
    if len(digits) == 4 and digits.endswith("0"):
        return table.get(digits[:3])
    return None


def industry_label(code) -> str:
    """C3484 → 机械零部件加工（C3484）; an unknown code → C9999（未知代码）."""
    code = str(code or "").strip()
    if not code:
        return EMPTY
    name = industry_name(code)
    return f"{name}（{code}）" if name else f"{code}{UNKNOWN}"
