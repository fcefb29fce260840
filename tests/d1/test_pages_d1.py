"""The pages of 审批条件 and 信贷档案: the manager confirms, the unit sees completeness, both export."""

import io

import openpyxl
import pytest

from postloan.meetings.prefill import attachments, prefill
from postloan.risk.actions.screening import run_screening
from postloan.worklist.models import FollowUp
from postloan.worklist.planning import plan_worklist
from tests.d1.helpers import add_covenants, add_credit_files
from tests.factories import AS_OF

pytestmark = pytest.mark.django_db


@pytest.fixture
def planned(bank):
    add_covenants(bank)
    add_credit_files(bank)
    run_screening(AS_OF)
    plan_worklist(AS_OF)
    return bank


def _sheet(response):
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    return [[c.value for c in row] for row in sheet.iter_rows(min_row=5) if row[0].value]


def test_the_manager_sees_and_confirms_a_condition(planned, login):
    client = login(planned.users["am_zhang"])
    inbox = client.get("/work/").content.decode()
    assert "审批条件落实确认" in inbox and "核实审批条件 K6" in inbox
    listing = client.get("/work/follow-ups/").content.decode()
    assert "核实审批条件 K6" in listing and "补齐信贷档案：借据 L001 放款凭证（遗失）" in listing
    item = FollowUp.objects.get(ref="K6")
    page = client.get(f"/work/follow-ups/{item.pk}/").content.decode()
    assert "保险持续有效" in page and "违约" in page and "待确认" in page
    refused = client.post(
        f"/work/follow-ups/{item.pk}/",
        {"outcome": "met", "evidence": "", "done_date": "2026-10-31"},
    )
    assert refused.status_code == 200 and FollowUp.objects.get(pk=item.pk).done_date is None
    done = client.post(
        f"/work/follow-ups/{item.pk}/",
        {"outcome": "met", "evidence": "保单 PICC-2026-001", "done_date": "2026-10-31"},
    )
    assert done.status_code == 302
    item.refresh_from_db()
    assert (item.outcome, item.evidence) == ("met", "保单 PICC-2026-001")
    # 王芳 manages another unit's customer: the item is not hers to see
    other = login(planned.users["am_wang"]).get(f"/work/follow-ups/{item.pk}/")
    assert other.status_code == 404


def test_follow_ups_export_lists_the_filtered_items(planned, login):
    client = login(planned.users["rm_branch"])
    rows = _sheet(client.get("/work/follow-ups/export.xlsx?kind=credit_file&state=open"))
    assert len(rows) == FollowUp.objects.filter(kind="credit_file").count() == 8
    assert {r[0] for r in rows} == {"信贷档案补齐"}


def test_credit_file_page_shows_completeness_per_unit_manager_and_loan(planned, login):
    client = login(planned.users["rm_branch"])
    html = client.get("/work/credit-files/").content.decode()
    assert "信贷档案完整性" in html and "按客户经理" in html
    assert "放款凭证（遗失）" in html and "担保合同（未登记）" in html
    assert "档案不全的借据（3 笔）" in html
    rows = _sheet(client.get("/work/credit-files/export.xlsx"))
    by_loan = {r[0]: r for r in rows}
    assert set(by_loan) == {"L001", "L002", "L003"}
    assert by_loan["L001"][5:7] == [4, 2]
    assert "放款凭证（遗失）" in by_loan["L001"][8]
    # an account manager sees only their own customers' loans
    own = _sheet(login(planned.users["am_wang"]).get("/work/credit-files/export.xlsx"))
    assert [r[0] for r in own] == ["L003"]


def test_the_inspection_form_and_the_13_item_report_list_conditions_and_files(planned, login):
    from postloan.worklist.models import Inspection

    inspection = Inspection.objects.filter(customer_id="C001", done_date__isnull=True).first()
    html = login(planned.users["am_zhang"]).get(f"/work/inspections/{inspection.pk}/")
    text = html.content.decode()
    assert "审批条件落实情况" in text and "资产负债率上限 70.00%" in text
    assert "违约" in text and "待确认" in text and "放款凭证（遗失）" in text
    customer = planned.customers["C001"]
    items = prefill(customer, AS_OF)
    assert "审批条件落实情况：违约2项" in items["signals"]
    assert "待客户经理确认：K6" in items["signals"]
    assert "信贷档案缺失：L001 放款凭证（遗失）" in items["signals"]
    att = attachments(customer, AS_OF)
    assert {c["id"]: c["state"] for c in att["covenants"]}["K1"] == "违约"
    assert [c["id"] for c in att["covenants"]] == ["K1", "K2", "K3", "K4", "K5", "K6"]


def test_the_inspection_word_report_lists_the_conditions(planned, login):
    import docx

    from postloan.worklist.models import Inspection

    inspection = Inspection.objects.filter(customer_id="C001", done_date__isnull=True).first()
    response = login(planned.users["am_zhang"]).get(
        f"/work/inspections/{inspection.pk}/report.docx"
    )
    assert response.status_code == 200
    doc = docx.Document(io.BytesIO(response.content))
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "审批条件落实情况" in text and "信贷档案缺失情况" in text
    assert "K1" in cells and "违约" in cells and "待确认" in cells
    assert "L001 放款凭证（遗失）" in text


def test_the_customer_360_lists_conditions_and_missing_files(planned, login):
    html = login(planned.users["am_zhang"]).get("/customers/C001/").content.decode()
    assert "审批条件与信贷档案" in html
    assert "资产负债率上限 70.00%" in html and "违约" in html
    assert "L001 放款凭证（遗失）" in html
