"""Exports for people: Excel workbooks with Chinese headers, labels instead of codes, money in 元
as numbers with a number format, dates as dates, exactly the rows filtered on the page. The machine
CSV files (codes) stay where integrations read them."""

import datetime as dt
import io

import openpyxl
import pytest

from postloan.portfolio.choices import CLASS_LABELS
from postloan.risk import choices as ch
from postloan.risk.models import LoanAssessment


def _sheet(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return openpyxl.load_workbook(io.BytesIO(response.content)).active


def _rows(sheet, header_row=4):
    header = [c.value for c in sheet[header_row]]
    rows = [r for r in sheet.iter_rows(min_row=header_row + 1) if r[0].value is not None]
    return header, rows


CODES = set(ch.SignalLevel.values) | set(ch.SignalStatus.values) | set(ch.SignalFamily.values)


@pytest.mark.parametrize("params", [{}, {"level": "red"}, {"status": "all", "family": "repayment"}])
def test_it_exports_the_signals_filtered_on_the_page(login, screened_bank, params):
    client = login(screened_bank.users["rm_branch"])
    page = client.get("/risk/signals/", params)
    on_page = page.context["counts"]["total"]
    header, rows = _rows(_sheet(client.get("/risk/export/signals.xlsx", params)))
    assert header[:5] == ["编号", "级别", "类别", "规则编号", "规则名称"]
    assert len(rows) == on_page
    shown = [r[0].value for r in rows][: len(page.context["page"].object_list)]
    assert shown == [s.pk for s in page.context["page"].object_list]
    for r in rows:
        cells = [c.value for c in r]
        assert not CODES & {v for v in cells if isinstance(v, str)}, cells
        assert isinstance(cells[11], dt.datetime) and r[11].number_format == "yyyy-mm-dd"
    if params.get("level") == "red":
        assert {r[1].value for r in rows} <= {"红色"}


def test_it_exports_the_classification_suggestions_with_money_as_numbers(login, screened_bank):
    client = login(screened_bank.users["rm_branch"])
    params = {"change": "all", "status": "all"}
    page = client.get("/risk/classification/", params)
    assert page.status_code == 200
    as_of = page.context["as_of"]
    header, rows = _rows(_sheet(client.get("/risk/export/suggestions.xlsx", params)))
    assert header[:6] == ["借据号", "客户编号", "客户名称", "管户机构", "逾期天数", "余额（元）"]
    expected = LoanAssessment.objects.filter(as_of=as_of).count()
    assert len(rows) == expected > 0
    by_loan = {a.loan_id: a for a in LoanAssessment.objects.filter(as_of=as_of)}
    for r in rows:
        a = by_loan[r[0].value]
        assert r[5].value == pytest.approx(float(a.balance)) and r[5].number_format == "#,##0.00"
        assert r[8].value == CLASS_LABELS[a.current_class]
        assert r[9].value == CLASS_LABELS[a.suggested_class]
        assert r[13].value in dict(ch.AssessmentStatus.choices).values()


def test_it_exports_only_what_the_user_may_see(login, screened_bank):
    from postloan.portfolio.visibility import visible_customers

    bank = screened_bank
    for user in (bank.users["am_wang"], bank.users["am_zhang"], bank.users["rm_branch"]):
        _, rows = _rows(_sheet(login(user).get("/risk/export/suggestions.xlsx", {"change": "all"})))
        mine = set(visible_customers(user).values_list("customer_id", flat=True))
        assert {r[1].value for r in rows} <= mine
        assert (
            len(rows)
            == LoanAssessment.objects.filter(customer_id__in=mine, as_of=dt.date(2026, 10, 31))
            .exclude(status="confirmed")
            .count()
        )


def test_it_keeps_the_machine_csv_with_codes(login, screened_bank):
    client = login(screened_bank.users["rm_branch"])
    text = client.get("/risk/export/signals.csv", {"as_of": "2026-10-31"}).content.decode(
        "utf-8-sig"
    )
    assert text.splitlines()[0].startswith("signal_id,customer_id,loan_id,rule_id,severity,status")
    page = client.get("/risk/signals/").content.decode()
    assert "/risk/export/signals.xlsx" in page and "接口文件（CSV）" in page


@pytest.mark.parametrize("state", ["open", "all", "overdue"])
def test_it_exports_the_inspections_filtered_on_the_page(login, bank, state):
    from postloan.worklist.planning import plan_worklist
    from tests.factories import AS_OF

    plan_worklist(AS_OF)
    client = login(bank.users["am_zhang"])
    page = client.get("/work/inspections/", {"state": state})
    assert page.status_code == 200
    on_page = page.context["page"].paginator.count
    sheet = _sheet(client.get("/work/inspections/export.xlsx", {"state": state}))
    header, rows = _rows(sheet)
    assert header[:4] == ["客户编号", "客户名称", "检查类型", "计划依据"]
    assert len(rows) == on_page
    if state == "all":
        assert rows  # the plan's inspections of the manager's customers
    shown = [i.customer_id for i in page.context["page"].object_list]
    assert [r[0].value for r in rows][: len(shown)] == shown
    for r in rows:
        assert isinstance(r[5].value, dt.datetime) and r[5].number_format == "yyyy-mm-dd"
        assert r[2].value in {"定期检查", "首次跟踪检查", "临时检查"}
        assert r[7].value in {"是", "否"}
