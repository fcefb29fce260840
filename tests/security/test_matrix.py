"""The permission matrix of docs/security.md, cell by cell (web URL, form, export, API, action)."""

import io

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied

from postloan.api.tokens import issue_token
from postloan.core.models import AuditEvent
from postloan.org.roles import grant_role
from postloan.portfolio.visibility import visible_customers
from postloan.risk.actions.classification import confirm_classification
from postloan.risk.actions.signals import confirm_signal
from postloan.risk.models import LoanAssessment, Signal
from tests.factories import make_user

# ─── 客户经理: only own customers, by every channel ──────────────────────────────────────


@pytest.mark.parametrize(
    "url",
    [
        "/customers/C003/",
        "/loans/L003/",
        "/risk/classification/loan/L003/",
        "/risk/customers/C003/panel/",
    ],
)
def test_it_hides_another_managers_customer_by_url(login, bank, url):
    response = login(bank.users["am_zhang"]).get(url)
    assert response.status_code == 404
    assert login(bank.users["am_wang"]).get(url).status_code == 200


def test_it_refuses_another_managers_signal_by_form(login, screened_bank):
    bank = screened_bank
    signal = Signal.objects.get(customer_id="C003")
    client = login(bank.users["am_zhang"])
    response = client.post(
        f"/risk/signals/{signal.pk}/",
        {
            "step": "handle",
            "handle-owner": "AM01",
            "handle-measures": "x",
            "handle-due_date": "2026-12-01",
        },
    )
    assert response.status_code in (403, 404)
    signal.refresh_from_db()
    assert signal.status == "issued"


def test_it_refuses_another_managers_classification_by_form(login, screened_bank):
    bank = screened_bank
    a = LoanAssessment.objects.get(loan_id="L003")
    response = login(bank.users["am_zhang"]).post(
        "/risk/classification/loan/L003/",
        {"step": "propose", "p-proposed_class": "substandard", "p-reason": "x"},
    )
    assert response.status_code in (403, 404)
    a.refresh_from_db()
    assert a.status == "pending"


def test_it_leaves_other_customers_out_of_exports(login, screened_bank):
    client = login(screened_bank.users["am_zhang"])
    book = openpyxl.load_workbook(io.BytesIO(client.get("/customers/export.xlsx").content))
    cells = {str(c.value) for ws in book for row in ws.iter_rows() for c in row if c.value}
    assert "C001" in cells and "C003" not in cells
    for url in ("/risk/export/signals.csv", "/risk/export/classification.csv"):
        body = client.get(url).content.decode("utf-8-sig")
        assert "C003" not in body and "L003" not in body


def test_it_hides_another_managers_customer_through_the_api(client, screened_bank):
    _t, raw = issue_token(screened_bank.users["am_zhang"], scopes=["read"])
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    assert client.get("/api/customers/C003", **auth).status_code == 404
    assert client.get("/api/loans/L003", **auth).status_code == 404
    signal = Signal.objects.get(customer_id="C003")
    assert client.get(f"/api/signals/{signal.pk}", **auth).status_code == 404
    a = LoanAssessment.objects.get(loan_id="L003")
    assert client.get(f"/api/classifications/{a.pk}", **auth).status_code == 404


# ─── 支行: never its sibling ─────────────────────────────────────────────────────────────


def test_it_keeps_a_sub_branch_out_of_its_sibling(login, client, bank):
    rm_xihu = bank.users["rm_xihu"]  # 西湖支行 risk manager; C003 belongs to 滨江支行
    assert set(visible_customers(rm_xihu).values_list("pk", flat=True)) == {"C001", "C002"}
    assert login(rm_xihu).get("/customers/C003/").status_code == 404
    _t, raw = issue_token(rm_xihu, scopes=["read"])
    r = client.get("/api/customers/C003", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert r.status_code == 404


# ─── 风险管理部门 only: confirming classifications and signals ────────────────────────────


@pytest.mark.parametrize("who", ["am_zhang", "chair"])
def test_it_lets_only_the_risk_department_confirm_a_classification(screened_bank, who):
    a = LoanAssessment.objects.get(loan_id="L001")
    with pytest.raises(PermissionDenied):
        confirm_classification(a, "normal", "同意", screened_bank.users[who])
    a.refresh_from_db()
    assert a.status == "pending"


@pytest.mark.parametrize("who", ["am_wang", "chair"])
def test_it_lets_only_the_risk_department_confirm_a_signal(screened_bank, who):
    signal = Signal.objects.get(customer_id="C003")
    with pytest.raises(PermissionDenied, match="风险管理部门"):
        confirm_signal(signal, True, "red", "真实风险", screened_bank.users[who])


# ─── meetings: only the presider / president sign; nobody edits a signed record ────────────


def test_it_lets_only_the_presider_and_president_sign(committee_bank, run):
    from postloan.meetings import actions
    from postloan.meetings.errors import MeetingError, RecordLocked

    bank = committee_bank
    meeting, items = run.held_meeting(bank)
    for item in items.values():
        if not item.batch:
            actions.decide_item(
                item,
                summary="经营正常",
                # C003 is 41 days overdue: never better than 关注 (the floor)
                **run.every_loan(
                    item, "special_mention" if item.customer_id == "C003" else "normal"
                ),
                method="consensus",
                acting_user=bank.users["rm_branch"],
            )
    actions.save_sections(meeting, acting_user=bank.users["rm_branch"], chair_summary="执行")
    run.ready_to_close(bank, meeting)
    actions.close_meeting(meeting, acting_user=bank.users["rm_branch"])
    for who in ("vice", "rm_branch", "am_zhang", "risk_head"):
        with pytest.raises(MeetingError, match="会议主持人和行长"):
            run.sign_as(bank.users[who], meeting, ["presider"])
    run.sign_as(bank.users["chair"], meeting)
    meeting.refresh_from_db()
    assert meeting.status == "signed"
    meeting.chair_summary = "事后修改"
    with pytest.raises(RecordLocked):
        meeting.save()


def test_it_offers_no_api_write_on_meetings_or_resolutions(client, bank):
    client.force_login(bank.users["am_zhang"])  # the document is served after login
    paths = client.get("/api/openapi.json").json()["paths"]
    for path, ops in paths.items():
        if path.startswith(("/api/meetings", "/api/resolutions")):
            assert set(ops) == {"get"}, path


# ─── the audit trail: auditors read it, nobody changes it ─────────────────────────────────


def test_it_shows_the_audit_trail_to_auditors_only(login, screened_bank):
    bank = screened_bank
    auditor = make_user("auditor", None)
    grant_role(auditor, "auditor")
    AuditEvent.objects.create(
        action="risk.confirm_signal", object_type="risk.signal", object_id="1"
    )
    client = login(auditor)
    page = client.get("/ops/audit/?object_type=risk.signal")
    assert page.status_code == 200 and "认定预警" in page.content.decode()  # risk.confirm_signal
    assert client.get("/admin/core/auditevent/").status_code == 200
    event = AuditEvent.objects.first()
    assert (
        client.post(f"/admin/core/auditevent/{event.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    assert AuditEvent.objects.filter(pk=event.pk).exists()
    assert login(bank.users["am_zhang"]).get("/ops/audit/").status_code == 403
