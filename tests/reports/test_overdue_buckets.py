"""Overdue buckets 1–30, 31–90, 91–180, 181–360, >360 on their boundaries."""

import datetime as dt
from decimal import Decimal

from postloan.reports.quality import overdue_buckets, totals
from postloan.risk.models import LoanAssessment
from tests.factories import _loan
from tests.reports.conftest import assessment

DAY = dt.date(2026, 8, 31)
DPDS = [0, 1, 30, 31, 90, 91, 180, 181, 360, 361, 800]


def test_it_counts_each_boundary_in_the_right_bucket(bank):
    customer = bank.customers["C001"]
    for i, dpd in enumerate(DPDS):
        loan = _loan(
            f"B{i:02d}",
            customer,
            "working_capital",
            "1000.00",
            f"{100 * (i + 1)}.00",
            dt.date(2025, 1, 1),
            dt.date(2027, 1, 1),
        )
        assessment(loan, DAY, f"{100 * (i + 1)}.00", "normal", dpd=dpd)
    at = LoanAssessment.objects.filter(as_of=DAY)
    rows = {r.key: (r.count, r.balance) for r in overdue_buckets(at, totals(at))}
    assert rows == {
        "current": (1, Decimal("100.00")),
        "1_30": (2, Decimal("500.00")),  # dpd 1 and 30
        "31_90": (2, Decimal("900.00")),  # 31 and 90
        "91_180": (2, Decimal("1300.00")),  # 91 and 180
        "181_360": (2, Decimal("1700.00")),  # 181 and 360
        "gt_360": (2, Decimal("2100.00")),  # 361 and 800
    }
    assert sum(c for c, _ in rows.values()) == len(DPDS)
