"""Sizes of the demo bank: XS (tests), S, M, L."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Scale:
    code: str
    corporates: int
    retail: int
    sub_branches: int
    stories_per_kind: int  # customers per story
    corporate_txn_per_month: int  # per settlement account
    retail_txn_per_month: int
    chunk_accounts: int = 6_000  # accounts per transactions chunk (streaming)
    chunk_loans: int = 25_000  # loans per repayment-schedule chunk


SCALES: dict[str, Scale] = {
    "XS": Scale("XS", 30, 100, 2, 1, 12, 3),
    "S": Scale("S", 300, 3_000, 4, 3, 48, 5),
    "M": Scale("M", 5_000, 50_000, 8, 6, 60, 5),
    "L": Scale("L", 50_000, 500_000, 20, 12, 60, 5),
}


def get_scale(code: str) -> Scale:
    try:
        return SCALES[code.upper()]
    except KeyError:
        raise ValueError(f"未知规模：{code}（可选 {', '.join(SCALES)}）") from None
