"""附件1–3 and the invoice summary as one Excel workbook, opened back with openpyxl."""

import datetime as dt
import io
from decimal import Decimal

from openpyxl import load_workbook

from postloan.portfolio.models import Disbursement, TaxInvoice
from postloan.risk.actions import run_screening
from tests.reports.conftest import AS_OF

SHEETS = ["附件1 资金使用情况", "附件2 资金动态", "附件3 销售收入归行", "纳税发票汇总"]


def _data(bank):
    Disbursement.objects.create(
        loan=bank.loans["L001"],
        pay_date=dt.date(2025, 11, 3),
        amount=Decimal("5000000.00"),
        payee_name="宁波丁钢材有限公司",
        payment_method="entrusted",
        declared_purpose="采购原材料",
    )
    for month, kind, amount, count in [
        (9, "vat_special", "700000.00", 12),
        (10, "vat_special", "900000.00", 15),
        (10, "vat_general", "100000.00", 30),
    ]:
        TaxInvoice.objects.create(
            customer=bank.customers["C001"],
            month=dt.date(2026, month, 1),
            invoice_type=kind,
            count=count,
            amount=Decimal(amount),
            tax_amount=Decimal(amount) * Decimal("0.13"),
        )


def test_it_writes_the_four_tables_with_headers_formats_and_values(bank, login):
    _data(bank)
    run_screening(AS_OF)  # 附件1's trail and 附件3's 归行率 are the screening's
    client = login(bank.users["am_zhang"])
    response = client.get(f"/documents/attachments/C001.xlsx?as_of={AS_OF}")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == SHEETS
    for name in SHEETS:
        sheet = book[name]
        assert sheet.freeze_panes == "A5", name
        assert sheet["A4"].value in ("借据号", "月份")
        assert "客户：杭州甲制造有限公司" in sheet["A2"].value

    fund_use = book["附件1 资金使用情况"]
    assert [c.value for c in fund_use[4]][:4] == ["借据号", "支付日期", "支付金额（元）", "收款人"]
    assert fund_use["C5"].value == 5000000 and fund_use["C5"].number_format == "#,##0.00"
    assert fund_use["D5"].value == "宁波丁钢材有限公司"
    assert fund_use["B5"].number_format == "yyyy-mm-dd"

    dynamics = book["附件2 资金动态"]
    # 12 months Nov 2025 .. Oct 2026; January 2026 is the 3rd month: 801,000 of sales proceeds.
    assert dynamics["A7"].value.date() == dt.date(2026, 1, 1)
    assert dynamics["B7"].value == 801000
    assert dynamics["A17"].value == "合计"
    assert dynamics["B17"].value == sum(800000 + m * 1000 for m in range(1, 11))

    ret = book["附件3 销售收入归行"]
    assert [c.value for c in ret[4]] == [
        "月份",
        "销售收入（元）",
        "本行销售回笼（元）",
        "归行率",
    ]
    october = ret["A16"]
    assert october.value.date() == dt.date(2026, 10, 1)
    assert ret["B16"].value == 1000000 and ret["C16"].value == 810000
    assert ret["D16"].value == 0.81 and ret["D16"].number_format == "0.00%"
    # Total ratio: proceeds of months with invoices (Sep 809,000 + Oct 810,000) / 1,700,000.
    assert round(ret["D17"].value, 4) == round(1619000 / 1700000, 4)

    invoices = book["纳税发票汇总"]
    assert invoices["B16"].value == 15 and invoices["E16"].value == 30
    assert invoices["H16"].value == 1000000


def test_it_refuses_another_managers_customer(bank, login):
    client = login(bank.users["am_wang"])
    assert client.get("/documents/attachments/C001.xlsx").status_code == 404
    assert client.get("/reports/attachments/?customer=C001").status_code == 404
    assert client.get("/documents/attachments/C003.xlsx").status_code == 200
