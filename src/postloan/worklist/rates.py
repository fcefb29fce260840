"""逾期贷款催收率 and 回收率 per account manager and per unit, and whether promises were kept.

Definitions, over a period [start, end] and the repayment schedule (`repayments`), amounts
being an instalment's principal + interest due:

- 逾期贷款催收率 (collection rate) = overdue amount collected ÷ overdue amount at the start.
  *Overdue at the start*: instalments with due_date < start not fully paid by start
  (paid_off_date empty or >= start). *Collected*: those of them fully paid within the period
  (start <= paid_off_date <= end). An instalment counts whole once paid off; partial
  payments count only when the instalment is settled (the schedule has no payment dates).
- 回收率 (recovery rate of loans falling due) = recovered ÷ due. *Due*: instalments with
  start <= due_date <= end. *Recovered*: those of them fully paid by the end
  (paid_off_date <= end), whether on time or late within the period.
A rate is None when its denominator is 0. People are the customer's current account manager;
units are the customer's branch, rolled up the tree (a unit includes the units below it).
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection

from postloan.core.fields import from_fen
from postloan.core.formats import round_half_up
from postloan.org.models import Branch, Staff
from postloan.portfolio.models import Loan

SQL = """
SELECT c.{key} AS k,
  SUM(CASE WHEN r.due_date < %(start)s AND (r.paid_off_date IS NULL OR r.paid_off_date >= %(start)s)
      THEN r.principal_due + r.interest_due ELSE 0 END) AS overdue_start,
  SUM(CASE WHEN r.due_date < %(start)s AND r.paid_off_date >= %(start)s
                AND r.paid_off_date <= %(end)s
      THEN r.principal_due + r.interest_due ELSE 0 END) AS collected,
  SUM(CASE WHEN r.due_date >= %(start)s AND r.due_date <= %(end)s
      THEN r.principal_due + r.interest_due ELSE 0 END) AS due,
  SUM(CASE WHEN r.due_date >= %(start)s AND r.due_date <= %(end)s AND r.paid_off_date <= %(end)s
      THEN r.principal_due + r.interest_due ELSE 0 END) AS recovered
FROM repayments r
JOIN loans l ON l.loan_id = r.loan_id
JOIN customers c ON c.customer_id = l.customer_id
WHERE c.customer_id IN ({ids})
GROUP BY c.{key}
"""


@dataclass
class RateRow:
    key: str
    name: str
    overdue_at_start: Decimal
    collected: Decimal
    due: Decimal
    recovered: Decimal

    @property
    def collection_rate(self) -> Decimal | None:
        if not self.overdue_at_start:
            return None
        return round_half_up(self.collected / self.overdue_at_start, 4)

    @property
    def recovery_rate(self) -> Decimal | None:
        if not self.due:
            return None
        return round_half_up(self.recovered / self.due, 4)


def sums_by(key: str, start: dt.date, end: dt.date, customer_ids) -> dict:
    ids = sorted(set(customer_ids))
    if not ids:
        return {}
    sql = SQL.format(key=key, ids=",".join(["%(c" + str(i) + ")s" for i in range(len(ids))]))
    params = {"start": start, "end": end, **{f"c{i}": v for i, v in enumerate(ids)}}
    with connection.cursor() as cur:
        cur.execute(sql, params)
        rows = cur.fetchall()
    return {k: [from_fen(int(v or 0)) for v in vals] for k, *vals in rows}


def rates_by_manager(start: dt.date, end: dt.date, customer_ids) -> list[RateRow]:
    sums = sums_by("manager_id", start, end, customer_ids)
    names = dict(Staff.objects.filter(pk__in=[k for k in sums if k]).values_list("pk", "name"))
    return [
        RateRow(k or "", names.get(k, "（未分配客户经理）"), *vals)
        for k, vals in sorted(sums.items(), key=lambda kv: kv[0] or "")
    ]


def rates_by_unit(start: dt.date, end: dt.date, customer_ids, branches) -> list[RateRow]:
    sums = sums_by("branch_code", start, end, customer_ids)
    paths = dict(Branch.objects.filter(pk__in=list(sums)).values_list("pk", "path"))
    out = []
    for branch in branches:
        total = [Decimal("0")] * 4
        for code, vals in sums.items():
            if paths.get(code, "").startswith(branch.path):
                total = [a + b for a, b in zip(total, vals, strict=True)]
        out.append(RateRow(branch.branch_code, branch.name, *total))
    return out


def promise_statuses(promises, as_of: dt.date) -> dict[int, tuple[str, Decimal]]:
    """{promise pk: (status, paid)}: paid = instalments of the customer settled between the
    promise and the promised date (principal + interest paid); kept when >= the amount."""
    promises = list(promises)
    if not promises:
        return {}
    customers = {p.case.customer_id for p in promises}
    lo = min(p.made_on for p in promises)
    hi = max(p.promised_date for p in promises)
    ids = sorted(customers)
    marks = ",".join(["%s"] * len(ids))
    sql = f"""
        SELECT l.customer_id, r.paid_off_date, r.principal_paid + r.interest_paid
        FROM repayments r JOIN loans l ON l.loan_id = r.loan_id
        WHERE l.customer_id IN ({marks}) AND r.paid_off_date >= %s AND r.paid_off_date <= %s
    """
    with connection.cursor() as cur:
        cur.execute(sql, [*ids, lo, hi])
        rows = cur.fetchall()
    payments = [
        (c, d if isinstance(d, dt.date) else dt.date.fromisoformat(d), from_fen(int(v)))
        for c, d, v in rows
    ]
    out = {}
    for p in promises:
        paid = sum(
            (
                v
                for c, d, v in payments
                if c == p.case.customer_id and p.made_on <= d <= p.promised_date
            ),
            Decimal("0"),
        )
        if paid >= p.amount:
            status = "kept"
        elif p.promised_date < as_of:
            status = "broken"
        else:
            status = "pending"
        out[p.pk] = (status, paid)
    return out


def loans_without_schedule(customer_ids) -> list[str]:
    """Active loans with no repayment rows: they cannot enter either rate (shown, not hidden)."""
    return sorted(
        Loan.objects.filter(
            customer_id__in=list(customer_ids), status="active", instalments__isnull=True
        )
        .exclude(product__in=("bank_acceptance", "letter_of_guarantee"))
        .values_list("loan_id", flat=True)
    )
