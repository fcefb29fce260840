"""Totals reconcile on the demo bank (scale XS): the quality report against the customer-level
data, and each Excel attachment's 合计 row against the report tables it renders."""

import datetime as dt
import io
from collections import defaultdict
from decimal import Decimal

import pytest
from django.db.models import Count, Sum
from openpyxl import load_workbook

from postloan.demo.generate import generate_bank
from postloan.documents import excel
from postloan.ingest.service import run_import
from postloan.meetings.attachments import customer_attachments, month_starts
from postloan.org.models import Branch
from postloan.portfolio.choices import NON_PERFORMING
from postloan.portfolio.models import Customer, Loan, Transaction
from postloan.reports.quality import quality_report
from postloan.reports.scope import scope_for
from postloan.risk.actions.screening import run_screening
from postloan.risk.models import LoanAssessment
from tests.factories import make_user

AS_OF = dt.date(2026, 10, 31)
CENT = Decimal("0.01")


@pytest.fixture
def demo_bank(db, tmp_path):
    generate_bank("XS", 1, tmp_path, AS_OF)
    result = run_import(tmp_path, as_of=AS_OF)
    assert result.ok, result
    run_screening(AS_OF)
    return make_user("head", None, "admin", superuser=True)


def _customer_level(as_of):
    """Per customer, from the screening rows: balance, NPL balance, loans."""
    per = defaultdict(lambda: [Decimal("0"), Decimal("0"), 0])
    for a in LoanAssessment.objects.filter(as_of=as_of).only(
        "customer_id", "balance", "status", "current_class", "confirmed_class"
    ):
        row = per[a.customer_id]
        row[0] += a.balance
        row[1] += a.balance if a.effective_class in NON_PERFORMING else 0
        row[2] += 1
    return per


def test_it_reconciles_the_quality_report_with_the_customer_level_data(demo_bank):
    head = Branch.objects.get(parent__isnull=True)
    report = quality_report(scope_for(demo_bank, head.pk, AS_OF))
    assert report.screened_on == AS_OF
    per = _customer_level(AS_OF)
    assert len(per) > 20
    total = report.total
    assert total.balance == sum(v[0] for v in per.values())
    assert total.npl_balance == sum(v[1] for v in per.values())
    assert total.count == sum(v[2] for v in per.values())
    assert total.balance == Loan.objects.filter(status="active").aggregate(t=Sum("balance"))["t"]
    assert total.npl_balance > 0  # the demo bank has non-performing stories
    assert sum(r.balance for r in report.by_class) == total.balance
    assert sum(r.count for r in report.by_class) == total.count
    assert sum(r.npl_balance for r in report.by_class) == total.npl_balance
    for name, rows in report.segments.items():
        assert sum(r.balance for r in rows) == total.balance, name
        assert sum(r.count for r in rows) == total.count, name
        assert sum(r.npl_balance for r in rows) == total.npl_balance, name
    assert sum(b.balance for b in report.buckets) == total.balance
    assert sum(b.count for b in report.buckets) == total.count
    for row in report.top_customers:
        assert row.balance == per[row.key][0], row.key
    # Each branch's report adds up to the head office's.
    branches = Branch.objects.filter(parent=head)
    parts = [quality_report(scope_for(demo_bank, b.pk, AS_OF)).total for b in branches]
    branch_of = dict(Customer.objects.values_list("pk", "branch_id"))
    direct = sum(v[0] for c, v in per.items() if branch_of[c] == head.pk)
    assert sum(p.balance for p in parts) + direct == total.balance


def _sheet_total(sheet) -> list:
    for row in sheet.iter_rows(values_only=True):
        if row and row[0] == "合计":
            return list(row)
    raise AssertionError(f"{sheet.title}: no 合计 row")


def _same(cell, value) -> bool:
    if isinstance(value, Decimal):
        return Decimal(str(cell)).quantize(CENT) == value.quantize(CENT)
    if isinstance(value, int):
        return cell == value
    return True  # text and percent columns are checked through the money columns


def test_it_reconciles_the_excel_attachments_with_the_report_tables(demo_bank):
    window = month_starts(AS_OF)[0]
    busiest = (
        Transaction.objects.filter(category="sales_proceeds", txn_date__gte=window)
        .values("account__customer_id")
        .annotate(n=Count("pk"))
        .order_by("-n", "account__customer_id")
    )
    ids = [r["account__customer_id"] for r in busiest[:3]]
    assert ids
    for customer in Customer.objects.filter(pk__in=ids):
        tables = customer_attachments(customer, AS_OF)
        book = load_workbook(io.BytesIO(excel.workbook(tables, f"客户：{customer.name}")))
        checked = 0
        for table in tables:
            if table.total is None or table.is_empty:
                continue
            cells = _sheet_total(book[table.sheet[:31]])
            assert all(_same(c, v) for c, v in zip(cells, table.total, strict=False)), table.key
            checked += 1
        assert checked >= 2, customer.pk
        dynamics = next(t for t in tables if t.key == "fund_dynamics")
        proceeds = Transaction.objects.filter(
            account__customer=customer,
            category="sales_proceeds",
            direction="in",
            txn_date__gte=window,
            txn_date__lte=AS_OF,
        ).aggregate(t=Sum("amount"))["t"]
        assert dynamics.total[1] == proceeds
        assert sum(r[1] for r in dynamics.rows) == dynamics.total[1]
