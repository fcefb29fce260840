"""销售资金归行率 per customer and month: the figure EW-RETURN-RATIO judges, for every reader.

One definition (early-warning.md), the engine's (`risk/engine/signals_account.py`):

    proceeds = the month's inflows categorised ``sales_proceeds`` on the customer's accounts here
    revenue  = the month's invoiced amount (增票 + 普票), or — without invoices that month — the
               latest statement's (period end on or before the date) revenue per month: annual
               ÷ 12, quarterly ÷ 3, in whole fen
    ratio    = proceeds ÷ revenue (none without revenue)

and over several months (a trailing window, 附件3's total, a resolution's since-decision check)
like with like: the proceeds of the months that have a revenue ÷ their revenue.

The screening computes it in DuckDB for every borrower; the 13-item report, 附件3, the check of
a `tighten_monitoring` resolution and the pages read it here, a few grouped queries for any set
of customers. `tests/meetings/test_return_ratio_agrees.py` holds the two equal month by month.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Sum
from django.db.models.functions import TruncMonth

from postloan.portfolio.models import FinancialStatement, TaxInvoice, Transaction

ZERO = Decimal("0")
STATEMENT_MONTHS = {"annual": 12, "quarterly": 3}  # else (月报) 1, as the engine
STATEMENT_ORDER = {"annual": 0, "quarterly": 1}  # the engine's tie-break on one period end


@dataclass(frozen=True)
class ReturnMonth:
    month: dt.date
    proceeds: Decimal = ZERO
    invoiced: Decimal | None = None  # None: no invoice row that month
    statement: Decimal | None = None  # the latest statement's revenue per month

    @property
    def revenue(self) -> Decimal | None:
        return self.invoiced if self.invoiced is not None else self.statement

    @property
    def from_statement(self) -> bool:
        return self.invoiced is None and self.statement is not None

    @property
    def ratio(self) -> Decimal | None:
        revenue = self.revenue
        return self.proceeds / revenue if revenue else None


def ratio_over(months) -> Decimal | None:
    """The ratio of several months, like with like: proceeds of months with a revenue ÷ revenue."""
    with_revenue = [m for m in months if m.revenue is not None]
    revenue = sum((m.revenue for m in with_revenue), ZERO)
    return sum((m.proceeds for m in with_revenue), ZERO) / revenue if revenue > 0 else None


def _month(value) -> dt.date:
    return (value.date() if isinstance(value, dt.datetime) else value).replace(day=1)


def statement_revenue(customer_ids, as_of: dt.date) -> dict[str, Decimal]:
    """customer → the latest statement's revenue per month (only a positive revenue counts)."""
    latest: dict[str, tuple] = {}
    rows = FinancialStatement.objects.filter(customer_id__in=customer_ids, period_end__lte=as_of)
    for cid, period_end, period_type, revenue in rows.values_list(
        "customer_id", "period_end", "period_type", "revenue"
    ):
        key = (period_end, -STATEMENT_ORDER.get(period_type, 2))
        if cid not in latest or key > latest[cid][0]:
            latest[cid] = (key, period_type, revenue)
    out = {}
    for cid, (_, period_type, revenue) in latest.items():
        if revenue is not None and revenue > 0:
            fen = int(revenue * 100) // STATEMENT_MONTHS.get(period_type, 1)
            out[cid] = Decimal(fen) / 100
    return out


def return_months(customer_ids, first: dt.date, as_of: dt.date) -> dict[str, list[ReturnMonth]]:
    """customer → one `ReturnMonth` per calendar month from `first`'s to `as_of`'s (flows up to
    `as_of`), in order. Three grouped queries for all the customers."""
    ids = list(customer_ids)
    first = first.replace(day=1)
    proceeds: dict[str, dict] = defaultdict(dict)
    for cid, month, total in (
        Transaction.objects.filter(
            account__customer_id__in=ids,
            direction="in",
            category="sales_proceeds",
            txn_date__gte=first,
            txn_date__lte=as_of,
        )
        .annotate(m=TruncMonth("txn_date"))
        .values("account__customer_id", "m")
        .annotate(t=Sum("amount"))
        .values_list("account__customer_id", "m", "t")
    ):
        proceeds[cid][_month(month)] = total
    invoiced: dict[str, dict] = defaultdict(dict)
    for cid, month, total in (
        TaxInvoice.objects.filter(customer_id__in=ids, month__gte=first, month__lte=as_of)
        .values("customer_id", "month")
        .annotate(t=Sum("amount"))
        .values_list("customer_id", "month", "t")
    ):
        invoiced[cid][_month(month)] = total or ZERO
    statement = statement_revenue(ids, as_of)
    months = _months(first, as_of)
    return {
        cid: [
            ReturnMonth(
                month=m,
                proceeds=proceeds[cid].get(m, ZERO),
                invoiced=invoiced[cid].get(m),
                statement=statement.get(cid),
            )
            for m in months
        ]
        for cid in ids
    }


def _months(first: dt.date, as_of: dt.date) -> list[dt.date]:
    out, m = [], first
    while m <= as_of:
        out.append(m)
        m = (m + dt.timedelta(days=32)).replace(day=1)
    return out
