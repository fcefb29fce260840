"""One 归行率: the signal's evidence, 附件3, the 13-item report and the check of a
`tighten_monitoring` resolution give the same figure for the same customer and month — the
one the screening computed and persisted (`SalesReturnMonth`), read, never recomputed.

C001 receives 801,000 … 810,000 of sales proceeds a month (January–October 2026). October is
invoiced at 2,000,000 (40.5%: below the 50% covenant, so EW-RETURN-RATIO fires for October, the
last month complete on 2026-10-31); the months before have no invoices, so their revenue is the
2025 annual statement's 12,000,000 ÷ 12 — the engine's fallback, now every reader's."""

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

from postloan.meetings import verification
from postloan.meetings.attachments import revenue_return
from postloan.meetings.prefill import attachments, prefill
from postloan.portfolio.models import FinancialStatement, TaxInvoice
from postloan.risk.actions.screening import run_screening
from postloan.risk.models import SalesReturnMonth, Signal
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


def _readers(c, decided_on=dt.date(2026, 10, 15)):
    """October's 归行率 as each reader gives it: 附件3, the report's attachment data and text,
    the check of a tighten_monitoring resolution decided in October."""
    table = revenue_return(c, AS_OF)
    october = next(r for r in table.rows if r[0] == OCTOBER)
    att = attachments(c, AS_OF)
    facts = verification.gather([c.pk], AS_OF, ["return_ratio_since"], decided_on)
    return {
        "附件3": october[3],
        "附件3 revenue": october[1],
        "report row": att["return_ratio"][-1]["ratio"],
        "report total": att["return_ratio_total"],
        "13-item text": prefill(c, AS_OF)["return_ratio"],
        "verification": facts.return_ratio_since(c.pk, decided_on),
        "table total": table.total[3],
    }


def test_the_revenue_fallback_month_agrees_everywhere(bank):
    """No invoices at all: October's revenue is the 2026 Q3 statement's 6,000,000 ÷ 3; the
    signal, the persisted row (source 财务报表折算), 附件3, the report and the check agree."""
    c = bank.customers["C001"]
    FinancialStatement.objects.create(
        customer=c,
        period_end=dt.date(2026, 9, 30),
        period_type="quarterly",
        revenue=Decimal("6000000"),
    )
    run_screening(AS_OF)
    ev = Signal.objects.get(customer=c, rule_id="EW-RETURN-RATIO").evidence
    assert (ev["proceeds_fen"], ev["revenue_fen"]) == (81_000_000, 200_000_000)
    engine_ratio = Decimal(ev["proceeds_fen"]) / Decimal(ev["revenue_fen"])
    row = SalesReturnMonth.objects.get(as_of=AS_OF, customer=c, month=OCTOBER)
    assert row.source == SalesReturnMonth.Source.STATEMENT and row.invoiced is None
    assert (row.proceeds, row.revenue) == (Decimal("810000"), Decimal("2000000"))

    got = _readers(c)
    assert got["附件3"] == engine_ratio == got["verification"]
    assert got["附件3 revenue"] == Decimal("2000000")
    assert got["report row"] == "40.5%"
    # the twelve months like with like: November 2025 – October 2026; the statement (period end
    # 2026-09-30) is the latest on the screening date, so every month reads its 2,000,000
    proceeds = sum(Decimal("800000") + m * 1000 for m in range(1, 11))
    assert got["table total"] == proceeds / (12 * Decimal("2000000"))
    assert got["report total"] == "33.6%"  # 8,055,000 ÷ 24,000,000 = 33.5625%
    assert f"销售资金归行率{got['report total']}" in got["13-item text"]


def test_every_reader_reads_the_screening_s_figure_not_its_own(bank):
    """After the screening an October invoice arrives: until the next screening every reader
    still gives the screened figure (none recomputes it); screened again, all move together and
    only the rows of the month that changed are rewritten."""
    c = _data(bank)
    run_screening(AS_OF)
    before = _readers(c)
    assert before["附件3"] == Decimal("0.405") == before["verification"]
    invoice = TaxInvoice.objects.get(customer=c, month=OCTOBER)
    invoice.amount = Decimal("900000")
    invoice.save()
    assert _readers(c) == before

    ids = dict(
        SalesReturnMonth.objects.filter(as_of=AS_OF).values_list("month", "pk")
    )  # C001's months (the only borrower with sales flows or revenue)
    run = run_screening(AS_OF)
    assert run.counts["return_months_written"] == 1  # October only
    after = dict(SalesReturnMonth.objects.filter(as_of=AS_OF).values_list("month", "pk"))
    assert {m: pk for m, pk in after.items() if m != OCTOBER} == {
        m: pk for m, pk in ids.items() if m != OCTOBER
    }
    got = _readers(c)
    assert got["附件3"] == Decimal("0.9") == got["verification"]
    assert got["report row"] == "90.0%"


def test_before_any_screening_there_is_no_figure(bank):
    c = _data(bank)
    table = revenue_return(c, AS_OF)
    assert all(r[3] is None for r in table.rows)
    assert any("尚未运行风险预警筛查" in n for n in table.notes)
    assert "无法计算" in prefill(c, AS_OF)["return_ratio"]
