"""Every view of a signed meeting reads the frozen snapshot: the detail page, the item page,
the minutes and `GET /api/meetings/{id}` keep the names as signed after an import renames a
customer, say that the live data changed since signing (never showing it in their place), and
the signatures still verify."""

from io import StringIO
from urllib.parse import unquote

import pytest
from django.core.management import call_command
from django.urls import reverse

from postloan.api.models import Scope
from postloan.api.tokens import issue_token
from postloan.meetings.models import Signature
from postloan.portfolio.models import Customer
from tests.meetings.test_signing import _held, _rename_by_import

OLD, NEW = "杭州甲制造有限公司", "杭州甲新材料股份有限公司"


@pytest.fixture
def signed(committee_bank, run):
    meeting, items = _held(committee_bank, run)
    run.sign_as(committee_bank.users["chair"], meeting)
    meeting.refresh_from_db()
    assert meeting.status == "signed"
    return meeting, items


def _api(client, user, meeting):
    _t, raw = issue_token(user, scopes=list(Scope.values))
    response = client.get(f"/api/meetings/{meeting.pk}", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200, response.content
    return response.json()


def test_a_signed_meeting_without_changes_has_no_note(committee_bank, signed, login):
    meeting, _items = signed
    html = login(committee_bank.users["rm_branch"]).get(
        reverse("meetings:detail", args=[meeting.pk])
    )
    html = html.content.decode()
    assert 'id="signed-note"' in html and OLD in html
    assert 'id="live-changes"' not in html


def test_the_pages_and_the_api_show_the_signed_name_after_a_rename(
    committee_bank, signed, login, client, tmp_path
):
    meeting, items = signed
    digest = Signature.objects.filter(meeting=meeting).first().content_sha256
    _rename_by_import(tmp_path, NEW)
    assert Customer.objects.get(pk="C001").name == NEW

    web = login(committee_bank.users["rm_branch"])
    for url in (
        reverse("meetings:detail", args=[meeting.pk]),
        reverse("meetings:item", args=[items["C001"].pk]),
        reverse("meetings:minutes", args=[meeting.pk]),
    ):
        html = web.get(url).content.decode()
        assert OLD in html and NEW not in html, url
        note = html[html.index('id="live-changes"') :]
        assert "签署后实时数据已有变化" in note and "客户名称已变化" in note, url
        assert "/customers/C001/" in note  # where the live data is
    documents = web.get(reverse("documents:meeting", args=[meeting.pk])).content.decode()
    assert OLD in documents and NEW not in documents
    one = web.get(reverse("documents:review_form_docx", args=[meeting.pk, items["C001"].pk]))
    disposition = unquote(one["Content-Disposition"])
    assert OLD in disposition and NEW not in disposition
    detail = web.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    assert digest in detail
    agenda = detail[
        detail.index('id="agenda"') : detail.index("</table>", detail.index('id="agenda"'))
    ]
    assert OLD in agenda

    body = _api(client, committee_bank.users["rm_branch"], meeting)
    (c001,) = [i for i in body["items"] if i["customer_id"] == "C001"]
    assert (c001["customer_name"], c001["signed"], c001["id"]) == (OLD, True, items["C001"].pk)
    assert NEW not in str(body)
    assert body["signed_sha256"] == digest
    assert body["live_changes"] == [
        {"customer_id": "C001", "customer": OLD, "changes": ["客户名称"]}
    ]

    out = StringIO()
    call_command("meeting", "verify-signatures", stdout=out)
    assert "SHA-256全部相符" in out.getvalue()


def test_a_changed_balance_is_named_too(committee_bank, signed, login):
    from postloan.portfolio.models import Loan

    meeting, _items = signed
    Loan.objects.filter(pk="L001").update(balance=1)  # a later extract
    html = login(committee_bank.users["rm_branch"]).get(
        reverse("meetings:detail", args=[meeting.pk])
    )
    note = html.content.decode()
    note = note[note.index('id="live-changes"') :]
    assert "用信余额、借据L001余额已变化" in note


def test_an_account_manager_hears_only_of_their_own_customers(
    committee_bank, signed, client, tmp_path
):
    meeting, _items = signed
    _rename_by_import(tmp_path, NEW)
    body = _api(client, committee_bank.users["am_wang"], meeting)  # manages C003 only
    assert {i["customer_id"] for i in body["items"]} <= {"C003"}
    assert body["live_changes"] == []


def test_an_unsigned_meeting_answers_live(committee_bank, run, client, tmp_path):
    meeting, _items = _held(committee_bank, run)
    _rename_by_import(tmp_path, NEW)
    body = _api(client, committee_bank.users["rm_branch"], meeting)
    (c001,) = [i for i in body["items"] if i["customer_id"] == "C001"]
    assert (c001["customer_name"], c001["signed"]) == (NEW, False)
    assert body["signed_sha256"] is None and body["live_changes"] == []


def test_a_seat_changed_after_the_start_moves_neither_the_quorum_nor_the_signed_text(
    committee_bank, run
):
    """The committee as the attendance recorded it at the start counts: removing two seats and
    moving the chair's before signing (audited) leaves 7 of 7 in the record the chair signs."""
    import json

    from postloan.core.audit import AuditEvent
    from postloan.meetings import actions
    from postloan.meetings.documents import quorum
    from postloan.meetings.models import CommitteeMember

    bank = committee_bank
    sec = bank.users["rm_branch"]
    meeting, _items = _held(bank, run)
    before = quorum(meeting)
    assert before == (True, "应到委员7人，实到7人，达到法定人数")
    actions.remove_member(bank.members["RV01"], acting_user=sec)
    actions.remove_member(bank.members["P01"], acting_user=sec)  # the presiding chair's seat
    assert AuditEvent.objects.filter(action="meetings.committee.member_removed").count() == 2
    assert quorum(meeting) == before
    # the seat itself re-assigned (as the Django admin's inline would): the presider rule
    # reads the seat recorded at the start
    actions.add_member(bank.committee, bank.staff["P01"], "department", acting_user=sec)
    CommitteeMember.objects.filter(staff_id="VP01").update(role="chair")
    assert quorum(meeting) == before
    run.sign_as(bank.users["chair"], meeting)
    content = json.loads(Signature.objects.filter(meeting=meeting).first().content)
    assert (content["quorum_met"], content["quorum"]) == (True, before[1])
