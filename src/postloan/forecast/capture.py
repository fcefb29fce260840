"""The month-end capture: what the screening knew at a month-end, written into the history.

Read from the screening's persisted results of that business date (`CustomerRiskView`,
`LoanAssessment`: exposure, worst class, DPD, overdue amounts, signal counts, the rule score)
and the bank's records up to that date (the latest statement's ratios, the latest 征信 report,
the latest collateral values, the guarantors' own worst class, restructuring, product,
industry, and the month's 销售资金归行率 by `risk/sales_return.py`'s one definition). A few
grouped queries for all customers; nothing dated after the as-of date is read.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

import duckdb
import pyarrow as pa
from django.db.models import Max, Q, Sum

from postloan.forecast import history
from postloan.portfolio.models import (
    CollateralValue,
    CreditReport,
    Customer,
    FinancialStatement,
    Guarantee,
    Loan,
    Transaction,
)
from postloan.risk.choices import CLASS_ORDER
from postloan.risk.models import CustomerRiskView, LoanAssessment
from postloan.risk.sales_return import return_months

FEN = Decimal(100)
INFLOW = "in"


def _fen(value) -> int:
    return int((value or 0) * FEN)


def capture_month(as_of: dt.date) -> int:
    """Write the month-end `as_of` from the screening of that date; return the rows written."""
    views = list(
        CustomerRiskView.objects.filter(as_of=as_of).values(
            "customer_id", "exposure", "worst_class", "max_dpd", "counts", "score"
        )
    )
    if not views:
        raise ValueError(f"{as_of:%Y-%m-%d} 没有筛查结果，无法记录月末特征")
    ids = [v["customer_id"] for v in views]
    customers = dict(Customer.objects.values_list("customer_id", "type"))
    industry = dict(Customer.objects.values_list("customer_id", "industry_code"))
    loans = defaultdict(list)
    for cid, product, restructured, principal in Loan.objects.filter(
        start_date__lte=as_of
    ).values_list("customer_id", "product", "restructured", "principal"):
        loans[cid].append((product, restructured, principal or 0))
    overdue = dict(
        LoanAssessment.objects.filter(as_of=as_of)
        .values("customer_id")
        .annotate(o=Sum("overdue_principal") + Sum("overdue_interest"))
        .values_list("customer_id", "o")
    )
    # the latest statement on or before the date
    fin = {}
    for row in (
        FinancialStatement.objects.filter(period_end__lte=as_of)
        .order_by("customer_id", "-period_end")
        .values(
            "customer_id",
            "total_assets",
            "total_liabilities",
            "current_assets",
            "current_liabilities",
        )
    ):
        fin.setdefault(row["customer_id"], row)
    credit = {}
    for row in (
        CreditReport.objects.filter(report_date__lte=as_of)
        .order_by("customer_id", "-report_date")
        .values("customer_id", "overdue_debt_all_fi", "nonperforming_other_fi")
    ):
        credit.setdefault(row["customer_id"], row)
    ltv = _ltv(as_of)
    bad_guarantor = _bad_guarantors(as_of)
    month_first = dt.date(as_of.year, as_of.month, 1)
    returns = return_months(ids, month_first, as_of)
    inflow = dict(
        Transaction.objects.filter(
            Q(direction="in"), txn_date__gte=month_first, txn_date__lte=as_of
        )
        .values("account__customer_id")
        .annotate(s=Sum("amount"))
        .values_list("account__customer_id", "s")
    )
    cols = {c: [] for c in history.COLUMNS}
    for v in views:
        cid = v["customer_id"]
        levels = (v["counts"] or {}).get("levels", {}) if isinstance(v["counts"], dict) else {}
        mine = loans.get(cid, [])
        f = fin.get(cid) or {}
        cr = credit.get(cid) or {}
        months = returns.get(cid) or []
        ratio = months[-1].ratio if months else None
        cols["customer_id"].append(cid)
        cols["month_end"].append(as_of)
        cols["segment"].append(customers.get(cid, ""))
        cols["product"].append(max(mine, key=lambda x: x[2])[0] if mine else "")
        cols["industry"].append((industry.get(cid) or "")[:1])
        cols["restructured"].append(any(x[1] for x in mine))
        cols["exposure_fen"].append(_fen(v["exposure"]))
        cols["max_dpd"].append(v["max_dpd"] or 0)
        cols["class_ord"].append(CLASS_ORDER.get(v["worst_class"], 0))
        cols["sales_return"].append(float(ratio) if ratio is not None else None)
        cols["inflow_fen"].append(_fen(inflow.get(cid)))
        ta, tl = f.get("total_assets"), f.get("total_liabilities")
        ca, cl = f.get("current_assets"), f.get("current_liabilities")
        cols["debt_ratio"].append(float(tl / ta) if ta and tl is not None else None)
        cols["current_ratio"].append(float(ca / cl) if cl and ca is not None else None)
        cols["other_bank_overdue_fen"].append(_fen(cr.get("overdue_debt_all_fi")))
        cols["ltv"].append(ltv.get(cid))
        cols["guarantor_bad"].append(cid in bad_guarantor)
        cols["n_red"].append(int(levels.get("red", 0)))
        cols["n_orange"].append(int(levels.get("orange", 0)))
        cols["n_yellow"].append(int(levels.get("yellow", 0)))
        cols["overdue_fen"].append(_fen(overdue.get(cid)))
        cols["n_families"].append(int((v["counts"] or {}).get("breadth", 0) or 0))
        cols["rule_score"].append(float(v["score"] or 0))
    con = duckdb.connect()
    try:
        con.register("month_arrow", pa.table(cols))
        return history.write_month(con, as_of, "SELECT * FROM month_arrow")
    finally:
        con.close()


def _ltv(as_of: dt.date) -> dict[str, float]:
    """Balance ÷ the latest value on or before the date of the collateral pledged to the loans."""
    latest = {}
    for cid, value in (
        CollateralValue.objects.filter(value_date__lte=as_of)
        .values("collateral_id")
        .annotate(last=Max("value_date"))
        .values_list("collateral_id", "last")
    ):
        latest[cid] = value
    values = {
        c: v
        for c, d, v in CollateralValue.objects.filter(value_date__lte=as_of).values_list(
            "collateral_id", "value_date", "market_value"
        )
        if latest.get(c) == d
    }
    pledged = defaultdict(Decimal)
    balance = defaultdict(Decimal)
    for cust, coll, bal in Guarantee.objects.filter(collateral__isnull=False).values_list(
        "loan__customer_id", "collateral_id", "loan__balance"
    ):
        if cust and coll in values:
            pledged[cust] += values[coll] or 0
            balance[cust] += bal or 0
    return {c: float(balance[c] / pledged[c]) for c in pledged if pledged[c] > 0}


def _bad_guarantors(as_of: dt.date) -> set[str]:
    """Borrowers whose guarantor (a customer here) is 次级 or worse at the date."""
    bad = set(
        CustomerRiskView.objects.filter(
            as_of=as_of, worst_class__in=["substandard", "doubtful", "loss"]
        ).values_list("customer_id", flat=True)
    )
    return {
        cust
        for cust, guarantor in Guarantee.objects.filter(
            guarantor_customer__isnull=False
        ).values_list("loan__customer_id", "guarantor_customer_id")
        if guarantor in bad and cust
    }
