"""销售资金归行率 per customer and month, as every reader sees it: the screening's own figure.

One computation, the engine's (`risk/engine/figures.py`, ``eng_return_month``, the table
EW-RETURN-RATIO judges from; early-warning.md):

    proceeds = the month's inflows categorised ``sales_proceeds`` on the customer's accounts here
    revenue  = the month's invoiced amount (增票 + 普票), or — without invoices that month — the
               latest statement's (period end on or before the date) revenue per month: annual
               ÷ 12, quarterly ÷ 3, in whole fen
    ratio    = proceeds ÷ revenue (none without revenue)

and over several months (a trailing window, 附件3's total, a resolution's since-decision check)
like with like: the proceeds of the months that have a revenue ÷ their revenue.

The screening persists it (`SalesReturnMonth`, written by `result_tables.replace_return_months`)
for the 13 months ending with its date; the 13-item report, 附件3, the check of a
`tighten_monitoring` resolution and the pages read those rows here (one query for any set of
customers), from the latest screening on or before the date they ask for. Nothing here
recomputes the figure: before any screening there is none. `tests/meetings/
test_return_ratio_agrees.py` holds every reader equal to the signal's evidence.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from postloan.risk.models import SalesReturnMonth
from postloan.risk.screenings import latest_screening

ZERO = Decimal("0")


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


def return_months(customer_ids, first: dt.date, as_of: dt.date) -> dict[str, list[ReturnMonth]]:
    """customer → one `ReturnMonth` per calendar month from `first`'s to `as_of`'s, in order, as
    the latest screening on or before `as_of` persisted them (one query for all the customers;
    a month the screening holds no row for had neither proceeds nor revenue)."""
    ids = list(customer_ids)
    first = first.replace(day=1)
    screened = latest_screening(as_of)
    stored: dict[str, dict] = defaultdict(dict)
    if screened is not None:
        rows = SalesReturnMonth.objects.filter(
            as_of=screened, customer_id__in=ids, month__gte=first, month__lte=as_of
        ).values_list("customer_id", "month", "proceeds", "invoiced", "statement")
        for cid, month, proceeds, invoiced, statement in rows:
            stored[cid][month] = ReturnMonth(month, proceeds, invoiced, statement)
    months = _months(first, as_of)
    return {cid: [stored[cid].get(m) or ReturnMonth(month=m) for m in months] for cid in ids}


def _months(first: dt.date, as_of: dt.date) -> list[dt.date]:
    out, m = [], first
    while m <= as_of:
        out.append(m)
        m = (m + dt.timedelta(days=32)).replace(day=1)
    return out
