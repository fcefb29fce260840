"""One 归行率: the signal's evidence, 附件3, the 13-item report and the check of a
`tighten_monitoring` resolution give the same figure for the same customer and month.

C001 receives 801,000 … 810,000 of sales proceeds a month (January–October 2026). October is
invoiced at 2,000,000 (40.5%: below the 50% covenant, so EW-RETURN-RATIO fires for October, the
last month complete on 2026-10-31); the months before have no invoices, so their revenue is the
2025 annual statement's 12,000,000 ÷ 12 — the engine's fallback, now every reader's."""

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

from postloan.meetings import verification
from postloan.meetings.prefill import attachments, prefill
from postloan.portfolio.models import FinancialStatement, TaxInvoice
from postloan.reports.attachments import revenue_return
from postloan.risk.actions.screening import run_screening
from postloan.risk.models import Signal
from postloan.risk.sales_return import ratio_over, return_months

AS_OF = dt.date(2026, 10, 31)
OCTOBER = dt.date(2026, 10, 1)


def _data(bank):
    c = bank.customers["C001"]
    TaxInvoice.objects.create(
        customer=c, month=OCTOBER, invoice_type="vat_special", count=20, amount=Decimal("2000000")
    )
    FinancialStatement.objects.create(
        customer=c,
        period_end=dt.date(2025, 12, 31),
        period_type="annual",
        revenue=Decimal("12000000"),
    )
    return c


def test_every_reader_gives_the_engine_s_ratio_for_the_month(bank):
    c = _data(bank)
    run_screening(AS_OF)
    signal = Signal.objects.get(customer=c, rule_id="EW-RETURN-RATIO")
    ev = signal.evidence
    assert ev["month"] == "2026-10-01"
    engine_ratio = Decimal(ev["proceeds_fen"]) / Decimal(ev["revenue_fen"])
    assert engine_ratio == Decimal("0.405")

    months = return_months([c.pk], dt.date(2026, 4, 1), AS_OF)[c.pk]
    october = months[-1]
    assert october.month == OCTOBER
    assert (october.proceeds * 100, october.revenue * 100) == (
        ev["proceeds_fen"],
        ev["revenue_fen"],
    )
    trailing = months[:-1]  # April–September: the statement's 1,000,000 a month
    assert all(m.from_statement and m.revenue == Decimal("1000000") for m in trailing)
    assert sum(m.proceeds for m in trailing) * 100 == ev["trailing_proceeds_fen"]
    assert sum(m.revenue for m in trailing) * 100 == ev["trailing_revenue_fen"]
    assert ratio_over(trailing) == Decimal(ev["trailing_proceeds_fen"]) / ev["trailing_revenue_fen"]

    # 附件3 (reports, documents): the October row and the months before it
    table = revenue_return(c, AS_OF)
    row = next(r for r in table.rows if r[0] == OCTOBER)
    assert row[1:] == [Decimal("2000000"), Decimal("810000"), engine_ratio]
    september = next(r for r in table.rows if r[0] == dt.date(2026, 9, 1))
    assert september[1] == Decimal("1000000")
    assert any("2026-09" in note for note in table.notes)

    # the 13-item report's attachment data and its 归行率 item
    att = attachments(c, AS_OF)
    assert att["return_ratio"][-1] == {
        "month": "2026-10",
        "revenue": "2,000,000.00",
        "received": "810,000.00",
        "ratio": "40.5%",
    }
    total = table.total[3]  # 附件3's twelve months, like with like
    assert total == ratio_over(return_months([c.pk], dt.date(2025, 11, 1), AS_OF)[c.pk])
    assert f"销售资金归行率{total * 100:.1f}%" in prefill(c, AS_OF)["return_ratio"]

    # the check of a tighten_monitoring resolution decided in October, due at its end
    res = SimpleNamespace(
        type="tighten_monitoring",
        params={"min_return_ratio": "0.8000"},
        customer_id=c.pk,
        decided_on=dt.date(2026, 10, 15),
        deadline=AS_OF,
        status="open",
        check_detail="",
    )
    facts = verification.gather([c.pk], AS_OF, ["return_ratio_since"], res.decided_on)
    assert facts.return_ratio_since(c.pk, res.decided_on) == engine_ratio
    assert verification.judge(res, facts, AS_OF) == (
        "failed",
        "决议以来销售资金归行率40.5%，低于80.0%",
    )
