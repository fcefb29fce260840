"""The figures the engine computes once are persisted by the screening for every other reader
(`risk.actions.result_tables.replace_return_months` / `replace_fund_use_trails`): equal to the
engine's tables, written only where they changed, read back through `risk.queries` — on SQLite
and on PostgreSQL (DATABASE_URL)."""

import datetime as dt
from decimal import Decimal

from postloan.portfolio.models import Disbursement, TaxInvoice, Transaction
from postloan.risk import queries
from postloan.risk.actions.screening import run_screening
from postloan.risk.engine.screen import screen
from postloan.risk.models import FundUseTrailRow, LoanAssessment, SalesReturnMonth
from postloan.risk.snapshot import build_snapshot
from postloan.risk.thresholds import current_thresholds
from tests.factories import AS_OF

OCTOBER = dt.date(2026, 10, 1)


def _data(bank):
    TaxInvoice.objects.create(
        customer=bank.customers["C001"],
        month=OCTOBER,
        invoice_type="vat_special",
        count=3,
        amount=Decimal("1000000"),
    )
    Disbursement.objects.create(
        loan=bank.loans["L001"],
        pay_date=dt.date(2026, 10, 8),
        amount=Decimal("500000"),
        payee_name="宁波丙原料有限公司",
        payment_method="self",
    )
    Transaction.objects.create(
        txn_id="F1",
        account_id="A001",
        txn_date=dt.date(2026, 10, 12),
        direction="out",
        amount=Decimal("300000"),
        counterparty_name="杭州东方置业有限公司",
        category="other",
    )


def _fen(amount):
    return None if amount is None else int(amount * 100)


def _engine():
    con = build_snapshot(AS_OF, current_thresholds())
    try:
        return screen(con, AS_OF, current_thresholds())
    finally:
        con.close()


def test_the_screening_persists_the_engine_s_figures_and_rewrites_only_changes(bank):
    _data(bank)
    run = run_screening(AS_OF)
    result = _engine()

    engine_months = {
        (r["customer_id"], r["month"]): (r["proceeds_fen"], r["revenue_fen"], r["source"] or "")
        for r in result.return_months.to_pylist()
    }
    stored = {
        (r.customer_id, r.month): (_fen(r.proceeds), _fen(r.revenue), r.source)
        for r in SalesReturnMonth.objects.filter(as_of=AS_OF)
    }
    assert stored == engine_months
    assert stored[("C001", OCTOBER)] == (81_000_000, 100_000_000, "invoice")
    assert stored[("C001", dt.date(2026, 9, 1))] == (80_900_000, None, "")  # no revenue
    assert run.counts["return_months"] == len(engine_months)

    engine_trail = {
        (r["loan_id"], r["row_kind"], r["txn_id"] or "", r["flags"])
        for r in result.fund_use_trail.to_pylist()
    }
    trail = {
        (r.loan_id, r.row_kind, r.txn_id, r.flags)
        for r in FundUseTrailRow.objects.filter(as_of=AS_OF)
    }
    assert trail == engine_trail
    assert ("L001", "flow", "F1", "outflow_restricted,payee_differs") in trail

    # read back through the room's published face
    (october,) = [m for m in queries.sales_return(["C001"], OCTOBER, AS_OF)["C001"]]
    assert (october.proceeds, october.revenue, october.ratio) == (
        Decimal("810000"),
        Decimal("1000000"),
        Decimal("0.81"),
    )
    rows = queries.fund_use_trail("L001", AS_OF)[(dt.date(2026, 10, 8), "宁波丙原料有限公司")]
    assert [(r.row_kind, r.txn_id) for r in rows] == [("payment", ""), ("flow", "F1")]
    assert queries.dpd_by_loan(AS_OF) == dict(
        LoanAssessment.objects.filter(as_of=AS_OF).values_list("loan_id", "dpd")
    )
    assert queries.dpd_by_loan(AS_OF, ["L003"]) == {"L003": 41}
    assert queries.dpd_by_loan(AS_OF - dt.timedelta(days=400)) is None

    # the same date again: nothing rewritten, every row keeps its id
    months_ids = set(SalesReturnMonth.objects.values_list("pk", flat=True))
    trail_ids = set(FundUseTrailRow.objects.values_list("pk", flat=True))
    again = run_screening(AS_OF)
    assert (again.counts["return_months_written"], again.counts["fund_use_trail_written"]) == (0, 0)
    assert set(SalesReturnMonth.objects.values_list("pk", flat=True)) == months_ids
    assert set(FundUseTrailRow.objects.values_list("pk", flat=True)) == trail_ids

    # one invoice and one flow change: only their rows are written, the rest stay
    TaxInvoice.objects.filter(customer_id="C001", month=OCTOBER).update(amount=Decimal("900000"))
    Transaction.objects.filter(pk="F1").update(counterparty_name="宁波丁贸易有限公司")
    third = run_screening(AS_OF)
    assert (third.counts["return_months_written"], third.counts["fund_use_trail_written"]) == (
        1,
        1,
    )
    assert set(SalesReturnMonth.objects.values_list("pk", flat=True)) == months_ids  # same ids
    f1 = FundUseTrailRow.objects.get(as_of=AS_OF, txn_id="F1")
    assert (f1.counterparty_name, f1.flags) == ("宁波丁贸易有限公司", "payee_differs")
    assert SalesReturnMonth.objects.get(as_of=AS_OF, customer_id="C001", month=OCTOBER).revenue == (
        Decimal("900000")
    )
