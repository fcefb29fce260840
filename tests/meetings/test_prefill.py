import datetime as dt
from decimal import Decimal

from postloan.meetings import choices as ch
from postloan.meetings.prefill import attachments, prefill
from postloan.portfolio.models import (
    Collateral,
    CollateralValue,
    Guarantee,
    RiskEvent,
    TaxInvoice,
)
from postloan.risk.actions.screening import run_screening
from postloan.risk.models import Signal

AS_OF = dt.date(2026, 10, 31)


def test_it_prefills_the_thirteen_items_from_the_data(bank):
    c = bank.customers["C001"]
    TaxInvoice.objects.create(
        customer=c,
        month=dt.date(2026, 10, 1),
        invoice_type="vat_special",
        count=12,
        amount=Decimal("1000000"),
    )
    run_screening(AS_OF)  # the 归行率 is the screening's, persisted
    col = Collateral.objects.create(
        collateral_id="COL1",
        type="real_estate",
        description="厂房",
        appraised_value=Decimal("8000000"),
        appraisal_date=dt.date(2025, 1, 1),
    )
    CollateralValue.objects.create(
        collateral=col, value_date=dt.date(2026, 9, 30), market_value=Decimal("6000000")
    )
    Guarantee.objects.create(
        guarantee_id="G1", loan=bank.loans["L001"], kind="mortgage", collateral=col
    )
    RiskEvent.objects.create(
        event_id="E1",
        customer=c,
        event_date=dt.date(2026, 9, 1),
        type="controller_change",
        description="实控人变更为赵强",
    )
    Signal.objects.create(
        rule_id="EW-X",
        family="account",
        level="orange",
        customer=c,
        status="handling",
        raised_on=dt.date(2026, 10, 5),
        last_seen_on=AS_OF,
        summary="销售回笼下降",
        measures="约谈企业",
    )
    items = prefill(c, AS_OF)
    assert set(items) == {key for key, _ in ch.REPORT_ITEMS}
    assert "400.00万元" in items["operations"] and "正常" in items["operations"]
    assert "81.0%" in items["return_ratio"]  # 810,000 received / 1,000,000 invoiced in October
    assert "实控人变更为赵强" in items["controller"]
    assert "较评估价变动-25.0%" in items["collateral_trend"]
    assert "销售回笼下降" in items["signals"] and "约谈企业" in items["signals"]
    assert items["measures"] == ""
    att = attachments(c, AS_OF)
    assert att["return_ratio"][-1] == {
        "month": "2026-10",
        "revenue": "1,000,000.00",
        "received": "810,000.00",
        "ratio": "81.0%",
    }
    assert att["invoices"][0]["count"] == 12
