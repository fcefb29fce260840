"""The retail batch review of a meeting (零售客户批量审议): the unit's retail portfolio by product —
the latest month's roll rates, the latest cohort against the earlier ones at the same months on
book — and the open vintage signals, computed from one read of the retail loans."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from postloan.portfolio.choices import RETAIL_PRODUCTS, Product
from postloan.portfolio_risk import retail
from postloan.portfolio_risk.actions import VINTAGE_RULE
from postloan.portfolio_risk.limits import current_limits
from postloan.portfolio_risk.models import PortfolioSignal, PortfolioSignalStatus


@dataclass
class ProductLine:
    product: str
    label: str
    loans: int
    month: dt.date | None
    m0_m1: Decimal | None
    m1_m2: Decimal | None
    m2_m3: Decimal | None
    worse: list = field(default_factory=list)  # retail.VintageBreach


@dataclass
class RetailReview:
    as_of: dt.date
    lines: list[ProductLine] = field(default_factory=list)
    signals: list = field(default_factory=list)

    @property
    def loans(self) -> int:
        return sum(line.loans for line in self.lines)


def retail_review(as_of: dt.date, branch_path: str = "") -> RetailReview:
    review = RetailReview(as_of)
    limits = current_limits()
    con = retail.loaded(as_of)
    try:
        for product in sorted(RETAIL_PRODUCTS):
            batch = retail.retail_batch(as_of, retail.Filters(product, branch_path), con=con)
            roll = batch.roll()
            review.lines.append(
                ProductLine(
                    product,
                    Product(product).label,
                    batch.loans,
                    roll.month if roll else None,
                    roll.rate("M0", "M1") if roll else None,
                    roll.rate("M1", "M2") if roll else None,
                    roll.rate("M2", "M3+") if roll else None,
                    retail.worse_vintages(batch, limits.vintage_worse_by, limits.vintage_min_loans),
                )
            )
    finally:
        con.close()
    review.signals = list(
        PortfolioSignal.objects.filter(rule_id=VINTAGE_RULE, status=PortfolioSignalStatus.OPEN)
    )
    return review
