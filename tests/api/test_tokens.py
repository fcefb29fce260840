"""API tokens with scopes, expiry and last use; the docs behind login; the meeting detail
(issue 15, part 8)."""

import datetime as dt

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from postloan.api.models import ApiToken
from postloan.api.tokens import TokenRequestError, issue_token
from postloan.core.models import AuditEvent
from postloan.risk.models import Signal
from tests.security.conftest import committee_bank, run  # noqa: F401 - shared fixtures


def _auth(raw):
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_it_expires_a_token(client, bank):
    token, raw = issue_token(bank.users["am_zhang"], scopes=["read"], days=30)
    assert token.expires_at - timezone.now() > dt.timedelta(days=29, hours=23)
    assert client.get("/api/customers", **_auth(raw)).status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    response = client.get("/api/customers", **_auth(raw))
    assert response.status_code == 401 and "令牌" in response.json()["detail"]


def test_it_records_the_last_use(client, bank):
    token, raw = issue_token(bank.users["am_zhang"], scopes=["read"])
    assert token.last_used is None
    client.get("/api/customers", **_auth(raw))
    token.refresh_from_db()
    assert token.last_used is not None and timezone.now() - token.last_used < dt.timedelta(
        minutes=1
    )


def test_it_refuses_operations_outside_the_tokens_scopes(client, screened_bank):
    bank = screened_bank
    _t, read_only = issue_token(bank.users["rm_branch"], scopes=["read"])
    assert client.get("/api/signals", **_auth(read_only)).status_code == 200
    signal = Signal.objects.filter(customer__manager__staff_id="AM02", status="issued").first()
    handle = {
        "action": "start_handling",
        "owner_staff_id": "AM02",
        "measures": "实地走访",
        "due_date": "2026-11-30",
    }
    r = client.post(
        f"/api/signals/{signal.pk}/transitions",
        handle,
        content_type="application/json",
        **_auth(read_only),
    )
    assert r.status_code == 403 and "预警处置" in r.json()["detail"]
    r = client.post("/api/imports", {"files": []}, **_auth(read_only))
    assert r.status_code == 403 and "数据导入" in r.json()["detail"]

    _t, importer = issue_token(bank.users["rm_branch"], scopes=["import"])
    r = client.get("/api/customers", **_auth(importer))
    assert r.status_code == 403 and "查询" in r.json()["detail"]

    _t, handler = issue_token(bank.users["rm_branch"], scopes=["read", "signals"])
    r = client.post(
        f"/api/signals/{signal.pk}/transitions",
        handle,
        content_type="application/json",
        **_auth(handler),
    )
    assert r.status_code == 200, r.content


def test_it_issues_tokens_only_for_named_scopes_and_bounded_days(bank):
    with pytest.raises(TokenRequestError):
        issue_token(bank.users["am_zhang"], scopes=[])
    with pytest.raises(TokenRequestError):
        issue_token(bank.users["am_zhang"], scopes=["admin"])
    with pytest.raises(TokenRequestError):
        issue_token(bank.users["am_zhang"], scopes=["read"], days=366)
    assert not ApiToken.objects.exists()


def test_the_command_needs_a_scope_and_lists_scopes_expiry_and_use(bank, capsys):
    with pytest.raises(CommandError):
        call_command("api-token", "create", "am_zhang")
    call_command("api-token", "create", "am_zhang", "--scope", "read", "--scope", "import")
    token = ApiToken.objects.get()
    assert token.scopes == ["import", "read"]
    assert (token.expires_at - timezone.now()).days in (89, 90)
    event = AuditEvent.objects.get(action="api.issue_token")
    assert event.after["scopes"] == ["import", "read"] and event.after["expires_at"]
    capsys.readouterr()
    call_command("api-token", "list")
    listing = capsys.readouterr().out
    assert "查询" in listing and "数据导入" in listing and "到期" in listing and "未使用" in listing


def test_it_keeps_the_docs_and_the_openapi_document_behind_login(client, bank):
    docs = client.get("/api/docs")
    assert docs.status_code == 302 and docs["Location"].startswith("/login/")
    spec = client.get("/api/openapi.json")
    assert spec.status_code == 401
    _t, raw = issue_token(bank.users["am_zhang"], scopes=["read"])
    assert client.get("/api/openapi.json", **_auth(raw)).status_code == 200
    client.force_login(bank.users["am_zhang"])
    assert client.get("/api/docs").status_code == 200


def test_it_answers_a_meeting_detail(committee_bank, run, api_client):  # noqa: F811
    meeting, items = run.held_meeting(committee_bank)
    c = api_client(committee_bank.users["chair"], scopes=["read"])
    response = c.get(f"/api/meetings/{meeting.pk}")
    assert response.status_code == 200, response.content[:500]
    body = response.json()
    assert body["branch_code"] == "BR01"
    assert body["status_label"] == meeting.get_status_display()
    assert {i["customer_id"] for i in body["items"]} == set(items)
    # an attending account manager sees only their own customers' items
    am = api_client(committee_bank.users["am_zhang"], scopes=["read"])
    mine = am.get(f"/api/meetings/{meeting.pk}")
    assert mine.status_code == 200
    assert {i["customer_id"] for i in mine.json()["items"]} == set(items) & {"C001", "C002"}
