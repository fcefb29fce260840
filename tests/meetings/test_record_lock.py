"""Signed records, signatures and the audit trail refuse raw UPDATE and DELETE in the database.

These run on SQLite and, with DATABASE_URL set to the PostgreSQL test server, on PostgreSQL."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction

from postloan.core.audit import record
from postloan.core.models import AuditEvent
from postloan.meetings import actions, record_lock
from postloan.meetings.models import AgendaItem, Attendance, Meeting, Resolution, Signature

DEADLINE = dt.date(2026, 12, 31)


def _sql(sql, params=()):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def refused(sql, params=()):
    with pytest.raises(IntegrityError, match="不能修改或删除"):
        _sql(sql, params)


def _decided(bank, run):
    sec = bank.users["rm_branch"]
    meeting, items = run.held_meeting(bank)
    actions.recuse(items["C001"], bank.staff["RV01"], reason="近亲属在该客户任职", acting_user=sec)
    for item in items.values():
        if not item.batch:
            actions.decide_item(
                item,
                summary="经营正常",
                **run.at_floor(item),
                method="consensus",
                acting_user=sec,
            )
    if any(i.batch for i in items.values()):
        actions.decide_batch(meeting, summary="批量审议", acting_user=sec)
    resolution = actions.adopt_resolution(
        items["C001"],
        type="reduce_exposure",
        params={"target_balance": "3000000", "target_date": "2026-12-31"},
        department="corporate",
        responsible=bank.staff["AM01"],
        deadline=DEADLINE,
        acting_user=sec,
    )
    return meeting, items, resolution


@pytest.fixture
def signed(committee_bank, run):
    meeting, items, resolution = _decided(committee_bank, run)
    meeting = run.sign_off(committee_bank, meeting)
    return meeting, items, resolution


def test_it_refuses_raw_changes_of_a_signed_meetings_rows(signed):
    meeting, items, resolution = signed
    item = items["C001"]
    refused("UPDATE meetings SET chair_summary = %s WHERE id = %s", ["事后改写", meeting.pk])
    refused("UPDATE meetings SET status = %s WHERE id = %s", ["held", meeting.pk])
    refused("DELETE FROM meetings WHERE id = %s", [meeting.pk])
    refused("UPDATE meeting_agenda_items SET summary = %s WHERE id = %s", ["改", item.pk])
    refused("UPDATE meeting_agenda_items SET class_decided = %s WHERE id = %s", ["loss", item.pk])
    refused("DELETE FROM meeting_agenda_items WHERE meeting_id = %s", [meeting.pk])
    refused("UPDATE meeting_attendance SET present = %s WHERE meeting_id = %s", [False, meeting.pk])
    refused("DELETE FROM meeting_attendance WHERE meeting_id = %s", [meeting.pk])
    refused("DELETE FROM meeting_recusals WHERE item_id = %s", [item.pk])
    refused("UPDATE meeting_customer_reports SET answers = %s WHERE item_id = %s", ["{}", item.pk])
    decision = item.loan_decisions.first()
    refused(
        "UPDATE meeting_loan_decisions SET decided_class = %s WHERE id = %s", ["loss", decision.pk]
    )
    refused("UPDATE meeting_loan_decisions SET reason = %s WHERE item_id = %s", ["改", item.pk])
    refused("DELETE FROM meeting_loan_decisions WHERE item_id = %s", [item.pk])
    refused(
        "INSERT INTO meeting_loan_decisions (item_id, loan_id, as_of, dpd, balance, current_class,"
        " suggested_class, floor_class, floor_rules, decided_class, reason)"
        " SELECT item_id, loan_id, as_of, dpd, balance, current_class, suggested_class,"
        " floor_class, floor_rules, decided_class, reason FROM meeting_loan_decisions"
        " WHERE id = %s",
        [decision.pk],
    )
    refused("UPDATE meetings SET ad_hoc_reason = %s WHERE id = %s", ["事后补写", meeting.pk])
    refused(
        "UPDATE meeting_resolutions SET deadline = %s WHERE id = %s", ["2027-06-30", resolution.pk]
    )
    refused(
        "UPDATE meeting_resolutions SET responsible_id = %s WHERE id = %s", ["AM02", resolution.pk]
    )
    refused("DELETE FROM meeting_resolutions WHERE id = %s", [resolution.pk])
    # a new row in a signed record is refused too (an unsigned resolution would be "in force")
    with pytest.raises(IntegrityError), transaction.atomic():
        Resolution.objects.bulk_create(
            [
                Resolution(
                    meeting=meeting,
                    item=item,
                    customer_id="C001",
                    type="stop_new_credit",
                    department="corporate",
                    responsible_id="AM01",
                    deadline=DEADLINE,
                    decided_on=meeting.date,
                )
            ]
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Attendance.objects.bulk_create([Attendance(meeting=meeting, staff_id="AM02")])
    meeting.refresh_from_db()
    resolution.refresh_from_db()
    assert meeting.chair_summary == "按决议执行。" and meeting.status == "signed"
    assert resolution.deadline == DEADLINE and resolution.responsible_id == "AM01"
    assert AgendaItem.objects.get(pk=item.pk).summary == "经营正常"


def test_it_lets_the_follow_up_of_a_signed_resolution_change(signed):
    _meeting, _items, resolution = signed
    n = _sql(
        "UPDATE meeting_resolutions SET check_detail = %s, status = %s WHERE id = %s",
        ["余额已压降", "verified", resolution.pk],
    )
    assert n == 1
    resolution.refresh_from_db()
    assert (resolution.status, resolution.check_detail) == ("verified", "余额已压降")


def test_it_never_lets_a_signature_or_an_audit_row_change(signed):
    meeting, _items, _resolution = signed
    sig = Signature.objects.filter(meeting=meeting).first()
    refused("UPDATE meeting_signatures SET opinion = %s WHERE id = %s", ["改", sig.pk])
    refused("UPDATE meeting_signatures SET content_sha256 = %s WHERE id = %s", ["0" * 64, sig.pk])
    refused("DELETE FROM meeting_signatures WHERE id = %s", [sig.pk])
    event = record(actor=None, action="test.event", object_type="t", object_id="1")
    refused("UPDATE core_auditevent SET action = %s WHERE id = %s", ["test.changed", event.pk])
    refused("DELETE FROM core_auditevent WHERE id = %s", [event.pk])
    with pytest.raises(IntegrityError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(reason="改")
    with pytest.raises(IntegrityError), transaction.atomic():
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get(pk=event.pk).action == "test.event"


def test_it_leaves_an_unsigned_record_editable(committee_bank, run):
    meeting, items, resolution = _decided(committee_bank, run)
    assert _sql("UPDATE meetings SET location = %s WHERE id = %s", ["三楼会议室", meeting.pk]) == 1
    assert _sql(
        "UPDATE meeting_resolutions SET deadline = %s WHERE id = %s", ["2027-01-31", resolution.pk]
    )
    assert _sql("DELETE FROM meeting_recusals WHERE item_id = %s", [items["C001"].pk]) >= 0
    meeting.refresh_from_db()
    assert meeting.location == "三楼会议室"


def test_it_locks_the_content_from_the_first_signature_on(committee_bank, run):
    bank = committee_bank
    meeting, _items, _r = _decided(bank, run)
    actions.save_sections(meeting, acting_user=bank.users["rm_branch"], chair_summary="总结")
    run.ready_to_close(bank, meeting)
    actions.close_meeting(meeting, acting_user=bank.users["rm_branch"])
    run.sign_as(bank.users["chair"], meeting, ["presider"])
    refused("UPDATE meetings SET chair_summary = %s WHERE id = %s", ["改", meeting.pk])
    # the second signature still moves the meeting to signed (status, signed_at only)
    run.sign_as(bank.users["chair"], meeting, ["president"])
    assert Meeting.objects.get(pk=meeting.pk).status == "signed"


def test_it_lists_every_column_a_signature_covers():
    """SQLite compares listed columns: every column of the tables is either covered or free."""
    from postloan.meetings.models import Amendment

    for model, covered, free in (
        (Meeting, record_lock.MEETING_COLUMNS, record_lock.MEETING_FREE),
        (Resolution, record_lock.RESOLUTION_COLUMNS, record_lock.RESOLUTION_FREE),
        (Amendment, record_lock.AMENDMENT_COLUMNS, record_lock.AMENDMENT_FREE),
    ):
        columns = {f.column for f in model._meta.concrete_fields}
        assert columns == set(covered) | set(free), model
        assert not set(covered) & set(free)


@pytest.mark.django_db(transaction=True)
def test_it_lets_flush_empty_a_database_with_signed_records(committee_bank, run):
    meeting, _items, _r = _decided(committee_bank, run)
    run.sign_off(committee_bank, meeting)
    assert Signature.objects.exists()
    call_command("flush", interactive=False, verbosity=0, inhibit_post_migrate=True)
    assert not Signature.objects.exists() and not AuditEvent.objects.exists()
    assert not Meeting.objects.exists()
    assert len(record_lock.installed(connection)) == len(record_lock.rules(connection.vendor))
