"""The audit trail an auditor can read: who, when, which object (linked), each changed field with
its Chinese label and formatted values; filters by person, object, date and action; Excel export."""

import datetime as dt
import io

import openpyxl
import pytest
from django.urls import reverse

from postloan.core.audit import record
from postloan.core.models import AuditEvent
from postloan.risk.actions.signals import start_handling
from postloan.risk.models import Signal
from tests.factories import make_user


def _table(response) -> str:
    assert response.status_code == 200
    html = response.content.decode()
    return html[html.index('id="audit-table"') : html.index("</table>")]


@pytest.fixture
def auditor(bank):
    return make_user("auditor_li", None, "auditor")


@pytest.fixture
def handled(screened_bank):
    bank = screened_bank
    signal = Signal.objects.filter(status="issued").order_by("id").first()
    assert signal is not None
    start_handling(
        signal,
        bank.staff["AM01"],
        "约见客户核实经营情况",
        dt.date(2026, 11, 30),
        acting_user=bank.users["rm_branch"],
    )
    return bank, signal


def test_it_shows_who_when_what_and_each_change_in_words(login, handled, auditor):
    bank, signal = handled
    html = _table(login(auditor).get("/ops/audit/", {"object_type": "risk.signal"}))
    rm = bank.staff["RM01"]
    assert rm.name in html and rm.branch.name in html and "风险经理" in html
    assert "安排预警处置" in html
    assert f'href="{reverse("risk:signal", args=[signal.pk])}"' in html
    assert "<b>状态</b>：发布 → 处置" in html
    assert "<b>责任人</b>：未记录 → " in html
    assert bank.staff["AM01"].name in html  # 责任人 named, not its staff id
    assert "2026-11-30" in html
    for raw in ("start_handling", "risk.signal", "None", "True", "issued", '"status"'):
        assert raw not in html, raw


def test_it_labels_choices_booleans_money_and_blanks(login, bank, auditor):
    loan = bank.loans["L001"] if hasattr(bank, "loans") else None
    from postloan.portfolio.models import Loan

    loan = loan or Loan.objects.order_by("loan_id").first()
    record(
        actor=bank.users["rm_branch"],
        action="portfolio.loan.classification",
        obj=loan,
        before={"classification": "normal", "balance": "1250.00", "purpose": None},
        after={"classification": "substandard", "balance": "10000000.00", "purpose": "流动资金"},
    )
    html = _table(login(auditor).get("/ops/audit/", {"object_id": loan.pk}))
    assert "变更借据分类" in html
    assert "正常 → 次级" in html
    assert "1,250.00元 → 10,000,000.00元" in html
    assert "（空） → 流动资金" in html
    assert f'href="{reverse("web:loan", args=[loan.pk])}"' in html


def test_it_filters_by_person_action_object_and_date(login, handled, auditor):
    bank, signal = handled
    other = record(actor=None, action="ops.backup", object_type="", object_id="")
    client = login(auditor)
    rm_name = bank.staff["RM01"].name

    def listed(**params):
        page = client.get("/ops/audit/", params)
        assert page.status_code == 200
        return page.context["page"].paginator.count

    everything = AuditEvent.objects.count()
    assert listed() == everything
    by_person = listed(person=rm_name)
    assert 0 < by_person < everything
    assert listed(action="ops.backup") == 1
    assert listed(object_type="risk.signal", object_id=str(signal.pk)) >= 1
    today = other.at.date()
    assert listed(date_from=f"{today:%Y-%m-%d}") == everything
    assert listed(date_to=f"{today - dt.timedelta(days=1):%Y-%m-%d}") == 0


def test_it_says_what_is_wrong_with_a_date_and_keeps_it(login, handled, auditor):
    page = login(auditor).get("/ops/audit/", {"date_from": "2026-13-01", "person": "张"})
    html = page.content.decode()
    assert "日期格式应为 YYYY-MM-DD" in html
    assert 'value="2026-13-01"' in html and 'value="张"' in html


def test_it_exports_exactly_the_filtered_rows_to_excel(login, handled, auditor):
    bank, signal = handled
    record(actor=None, action="ops.backup", object_type="", object_id="")
    client = login(auditor)
    response = client.get("/ops/audit/export.xlsx", {"object_type": "risk.signal"})
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    header = [c.value for c in sheet[4]]
    assert header[:5] == ["时间", "操作人", "角色", "所在机构", "操作"]
    rows = [[c.value for c in r] for r in sheet.iter_rows(min_row=5) if r[0].value is not None]
    assert len(rows) == AuditEvent.objects.filter(object_type="risk.signal").count()
    assert all(r[5] == "预警信号" for r in rows)
    assert isinstance(rows[0][0], dt.datetime)
    assert any("状态：" in (r[7] or "") and "发布 → 处置" in r[7] for r in rows)
    assert "对象类型：预警信号" in sheet["A2"].value


def test_it_keeps_the_trail_from_everyone_but_auditors_and_admins(login, bank):
    assert login(bank.users["am_zhang"]).get("/ops/audit/").status_code == 403
    assert login(bank.users["am_zhang"]).get("/ops/audit/export.xlsx").status_code == 403


def test_it_shows_a_value_that_is_no_key_of_the_related_model_as_written(login, bank, auditor):
    # an action that recorded a person's login in a field that points at users (a committee
    # member's 资格认定人) is shown, not looked up — it used to answer 500 on the page and export
    staff = bank.staff["RM01"]
    record(
        actor=bank.users["rm_branch"],
        action="org.staff.user",
        obj=staff,
        before={"user": None},
        after={"user": "rm_branch"},
    )
    html = _table(login(auditor).get("/ops/audit/", {"object_id": staff.pk}))
    assert "rm_branch" not in html and staff.name in html  # the login names its person
    assert login(auditor).get("/ops/audit/export.xlsx").status_code == 200
