"""Who reads a meeting's record, cell by cell: each role × every page, document, export and API
endpoint of one signed meeting with two account managers' customers on it.

FULL (the whole record): the secretary, the chair, a committee member, an attendee (a risk
manager notified), the unit's internal audit, the head office's credit management and audit
(oversight of a lower unit), the administrator. OWN: each account manager — only their own
customer. Everyone else (an account manager with no customer on it, a department head who is
no member): 403.
"""

import datetime as dt
import io
import json
import zipfile

import pytest
from django.test import Client

from postloan.api.tokens import issue_token
from postloan.meetings import actions
from postloan.org.models import Staff
from tests.factories import make_user
from tests.meetings.conftest import every_loan

C1, C3 = ("C001", "杭州甲制造有限公司"), ("C003", "杭州乙贸易有限公司")
FULL = ("rm_branch", "chair", "reviewer", "rm_xihu", "auditor_br", "ho_credit", "ho_audit", "admin")
OWN = {"am_zhang": C1, "am_wang": C3}
NONE = ("am_none", "dept_none")


def _staff(sid, name, branch, department, position):
    return Staff.objects.create(
        staff_id=sid, name=name, branch=branch, department=department, position=position
    )


@pytest.fixture
def record(committee_bank, run):
    bank = committee_bank
    br, ho = bank.branches["BR01"], bank.branches["HO"]
    u = bank.users
    u["am_none"] = make_user(
        "am_none", _staff("AM09", "赵静", br, "corporate", "account_manager"), "account_manager"
    )
    u["dept_none"] = make_user(
        "dept_none", _staff("DH09", "孔亮", br, "retail", "deputy_head"), "dept_head"
    )
    u["auditor_br"] = make_user(
        "auditor_br", _staff("AU01", "韩梅", br, "audit", "staff"), "auditor"
    )
    u["ho_credit"] = make_user(
        "ho_credit", _staff("HC01", "包文", ho, "credit_mgmt", "dept_head"), "credit_mgmt"
    )
    u["ho_audit"] = make_user("ho_audit", _staff("HA01", "卫东", ho, "audit", "staff"), "auditor")
    sec = u["rm_branch"]
    meeting, items = run.held_meeting(bank)
    assert set(items) == {"C001", "C003"}
    for cid, cls in (("C001", "normal"), ("C003", "special_mention")):
        actions.decide_item(
            items[cid],
            summary=f"{cid}审议情况",
            **every_loan(items[cid], cls),
            method="consensus",
            acting_user=sec,
        )
    res = {}
    for cid, manager, rtype, params in (
        (
            "C001",
            "AM01",
            "reduce_exposure",
            {"target_balance": "3000000", "target_date": "2026-12-31"},
        ),
        ("C003", "AM02", "stop_new_credit", {}),
    ):
        res[cid] = actions.adopt_resolution(
            items[cid],
            type=rtype,
            params=params,
            department="corporate",
            responsible=bank.staff[manager],
            deadline=dt.date(2026, 12, 31),
            acting_user=sec,
        )
    meeting = run.sign_off(bank, meeting)
    return bank, meeting, items, res


def _text(resp) -> str:
    """A response's readable text: HTML/JSON as is, Word/Excel by their XML parts."""
    body = resp.content if hasattr(resp, "content") else b"".join(resp.streaming_content)
    if body[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(body)) as z:
            return "".join(
                z.read(n).decode("utf-8", "ignore") for n in z.namelist() if n.endswith(".xml")
            )
    return body.decode("utf-8", "ignore")


def _customers(text: str) -> set[str]:
    return {cid for cid, name in (C1, C3) if cid in text or name in text}


def _endpoints(meeting, items, res):
    m, i1, i3 = meeting.pk, items["C001"].pk, items["C003"].pk
    return {
        "例会页面": ("get", f"/meetings/{m}/"),
        "纪要页面": ("get", f"/meetings/{m}/minutes/"),
        "审议页面C001": ("get", f"/meetings/items/{i1}/"),
        "审议页面C003": ("get", f"/meetings/items/{i3}/"),
        "审议表页面C001": ("get", f"/meetings/items/{i1}/review-form/"),
        "文书页面": ("get", f"/documents/meetings/{m}/"),
        "纪要docx": ("get", f"/documents/meetings/{m}/minutes.docx"),
        "纪要xlsx": ("get", f"/documents/meetings/{m}/minutes.xlsx"),
        "审议表docx": ("get", f"/documents/meetings/{m}/review-forms.docx"),
        "审议表docxC001": ("get", f"/documents/meetings/{m}/items/{i1}/review-form.docx"),
        "通知docx": ("get", f"/documents/meetings/{m}/notice.docx"),
        "分类xlsx": ("get", f"/documents/meetings/{m}/decisions.xlsx"),
        "会议材料pdf": ("post", f"/documents/meetings/{m}/pack/"),
        "例会成效": ("get", f"/reports/effectiveness/{m}/"),
        "决议页面C003": ("get", f"/meetings/resolutions/{res['C003'].pk}/"),
        "API例会": ("api", f"/api/meetings/{m}"),
        "API例会列表": ("api", "/api/meetings"),
        "API决议": ("api", f"/api/resolutions?meeting_id={m}"),
    }


def _cell(who, name, meeting):
    """What `who` must get from endpoint `name`: a status, or (200, customers seen)."""
    both = {"C001", "C003"}
    if who in NONE:
        if name == "API例会列表":
            return (200, "未列出")
        return (200, set()) if name == "API决议" else 403
    own = {OWN[who][0]} if who in OWN else both
    if name.endswith(("C001", "C003")):
        target = name[-4:]
        return 200 if target in own else 403
    if name in ("通知docx", "会议材料pdf", "例会成效"):
        return 200 if who not in OWN else 403
    if name == "API例会列表":
        return (200, "列出")
    return (200, own)


def _got(resp, name, meeting):
    if resp.status_code != 200:
        return resp.status_code
    text = _text(resp)
    if name == "API例会列表":
        ids = [row["id"] for row in json.loads(text)["items"]]
        return (200, "列出" if meeting.pk in ids else "未列出")
    if name.endswith(("C001", "C003")) or name in ("通知docx", "会议材料pdf", "例会成效"):
        return 200
    return (200, _customers(text))


@pytest.mark.parametrize("who", FULL + tuple(OWN) + NONE)
def test_it_shows_the_record_only_to_those_entitled(record, who):
    bank, meeting, items, res = record
    user = bank.users[who]
    web = Client()
    web.force_login(user)
    _token, raw = issue_token(user, scopes=["read"], name="test")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    wrong = {}
    for name, (method, url) in _endpoints(meeting, items, res).items():
        resp = api.get(url) if method == "api" else getattr(web, method)(url)
        got, want = _got(resp, name, meeting), _cell(who, name, meeting)
        if got != want:
            wrong[name] = (got, want)
    assert wrong == {}, f"{who}: (got, expected) per endpoint"


def test_it_tells_an_account_manager_the_minutes_are_an_excerpt(record, login):
    bank, meeting, items, res = record
    page = login(bank.users["am_zhang"]).get(f"/meetings/{meeting.pk}/minutes/").content.decode()
    assert "会议纪要（节选）" in page and "按决议执行" not in page  # no chair's summary
    full = login(bank.users["reviewer"]).get(f"/meetings/{meeting.pk}/minutes/").content.decode()
    assert "（节选）" not in full and "按决议执行" in full


def test_it_lists_only_their_own_customers_in_an_account_managers_notice(record):
    from postloan.meetings.models import Notification

    bank, meeting, items, res = record
    body = Notification.objects.get(meeting=meeting, recipient_id="AM02", kind="notice").body
    assert "杭州乙贸易有限公司" in body and "杭州甲制造有限公司" not in body
    member = Notification.objects.get(meeting=meeting, recipient_id="RV01", kind="notice").body
    assert "杭州乙贸易有限公司" in member and "杭州甲制造有限公司" in member
