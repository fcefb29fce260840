"""The audit trail reads as an auditor's words on real audit rows (issue 16, part 7): every
row the actions of a meeting's whole life write (screening, committee, certification with its
file, scheduling with reasons, decisions, resolution, signing), a role granted, the business
date moved and an import's rows — each action by its Chinese name, each field by its label,
each value a label (上会原因, roles, 币种), never a code, a storage path or None/True."""

import pytest

from postloan.core.business_date import set_business_date
from postloan.core.models import AuditEvent
from postloan.ingest.service import run_import
from postloan.meetings.choices import Reason
from postloan.ops import audit_trail
from postloan.org.roles import grant_role
from tests.documents.conftest import signed_meeting  # noqa: F401
from tests.factories import make_user
from tests.ingest.conftest import write_bank
from tests.meetings.conftest import committee_bank  # noqa: F401
from tests.web.crawl import text_leaks

pytestmark = pytest.mark.django_db


def _read(events) -> list:
    return audit_trail.entries(audit_trail.base_queryset().filter(pk__in=events).order_by("id"))


def _assert_readable(entries) -> None:
    assert entries
    for e in entries:
        assert e.action != "其他操作", e.event.action
        for c in e.changes:
            assert c.label != "其他信息", (e.event.action, c)
            for text in (c.before, c.after):
                assert not text_leaks(text), (e.event.action, c.label, text, text_leaks(text))
                assert "meetings/" not in text and "media/" not in text, text


def test_every_row_of_a_meetings_life_reads_as_labels(signed_meeting):  # noqa: F811
    bank = signed_meeting
    newcomer = make_user("new_am", bank.staff["AM02"])
    grant_role(newcomer, "account_manager", acting_user=bank.users["admin"])
    set_business_date(bank.meeting.date, acting_user=bank.users["admin"], reason="月末")
    events = list(AuditEvent.objects.values_list("pk", flat=True))
    entries = _read(events)
    _assert_readable(entries)
    by_action = {}
    for e in entries:
        by_action.setdefault(e.event.action, []).append(e)

    # a role granted: 角色 无 → 客户经理 (not account_manager)
    (role,) = by_action["org.role_granted"]
    assert role.action == "授予角色"
    assert [(c.label, c.after) for c in role.changes] == [("角色", "客户经理")]

    # the business date moved
    assert by_action["core.business_date_set"][-1].action == "设置业务日期"

    # a certification: the file as 已上传文件, its original name beside it
    certified = by_action["meetings.committee.member_certified"][0]
    changes = {c.label: c.after for c in certified.changes}
    assert changes["资格认定文书"] == "已上传文件"
    assert changes["认定文书原文件名"].endswith(".pdf")

    # the plan a meeting was scheduled with: its customers' 上会原因 as labels, tallied
    (scheduled,) = by_action["meetings.meeting.scheduled"]
    plan = next(c.after for c in scheduled.changes if c.label == "计划")
    assert "上会原因：" in plan and "户" in plan, plan
    labels = dict(Reason.choices)
    used = {r for c in scheduled.event.after["plan"]["customers"] for r in c["reasons"]}
    assert used and all(str(labels[r]) in plan for r in used), plan
    assert not any(code in plan for code in Reason.values), plan


def test_an_agenda_items_reasons_changed_in_the_admin_read_as_labels(signed_meeting, client):  # noqa: F811
    """A list field of reason codes (AgendaItem.reasons) changed through the maintenance pages:
    the row in the form the admin's writer stores it (`admin_audit.admin_snapshot`)."""
    from postloan.core.admin_audit import admin_snapshot

    item = next(iter(signed_meeting.items.values()))
    before = admin_snapshot(item)
    item.reasons = ["risk_signal", "manual"]
    AuditEvent.objects.create(
        actor=signed_meeting.users["admin"],
        action="admin.update",
        object_type="meetings.agendaitem",
        object_id=str(item.pk),
        before=before,
        after=admin_snapshot(item),
    )
    (entry,) = _read(AuditEvent.objects.filter(action="admin.update").values_list("pk", flat=True))
    _assert_readable([entry])
    (change,) = entry.changes
    assert change.label == "上会原因"
    assert change.after == "橙色/红色预警信号未消除、风险部门增补"


def test_an_imported_rows_currency_reads_as_renminbi(tmp_path):
    folder = write_bank(tmp_path / "bank")
    assert run_import(folder).ok
    loans = AuditEvent.objects.filter(action="import.create", object_type="loans")
    entries = _read(list(loans.values_list("pk", flat=True)))
    _assert_readable(entries)
    currencies = {c.after for e in entries for c in e.changes if c.label == "币种"}
    assert currencies == {"人民币"}
