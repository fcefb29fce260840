import datetime as dt
import json
from io import StringIO

from django.core.management import call_command

from postloan.meetings import actions
from postloan.meetings.oversight import oversight
from tests.meetings.conftest import MEETING_DATE


def test_it_decides_the_retail_batch_together(committee_bank, run):
    bank = committee_bank
    run.set_date(dt.date(2026, 12, 1))
    meeting, items = run.held_meeting(bank, date=dt.date(2026, 12, 16))  # quarterly
    assert meeting.kind == "quarterly"
    assert items["C002"].batch is True and items["C003"].batch is False
    assert (
        actions.decide_batch(
            meeting, summary="零售客户整体正常", acting_user=bank.users["rm_branch"]
        )
        == 1
    )
    items["C002"].refresh_from_db()
    assert (items["C002"].outcome, items["C002"].class_decided) == ("adopted", "normal")


def test_it_reports_lower_units_meetings_reviews_and_execution(bank, run):
    from postloan.meetings.models import Committee

    # 西湖支行 (SB01) reviews C001 and C002 itself: a 5-member committee
    sb = bank.branches["SB01"]
    sec = bank.users["rm_xihu"]
    committee = actions.set_up_committee(sb, acting_user=sec)
    from tests.meetings.conftest import _staff

    people = [
        ("P02", "president", "chair"),
        ("V02", "vice_president", "vice_chair"),
        ("D02", "dept_head", "department"),
        ("D03", "dept_head", "department"),
        ("D04", "dept_head", "department"),
    ]
    for sid, pos, role in people:
        staff = _staff(sid, sid, sb, "corporate", pos)
        actions.add_member(committee, staff, role, acting_user=sec)
    from tests.factories import make_user

    chair = make_user("xihu_chair", committee.members.get(staff_id="P02").staff, "chair")
    run.set_date(dt.date(2026, 9, 1))
    from tests.meetings.conftest import screened

    screened()
    meeting = actions.schedule_meeting(sb, dt.date(2026, 9, 22), acting_user=sec)
    actions.send_notice(meeting, acting_user=sec)
    actions.start_meeting(
        meeting,
        present_ids=["P02", "V02", "D02"],
        presiding=committee.members.get(staff_id="P02").staff,
        acting_user=sec,
    )
    items = {i.customer_id: i for i in meeting.items.all()}
    actions.decide_item(
        items["C001"],
        summary="s",
        **run.every_loan(items["C001"], "normal"),
        method="consensus",
        acting_user=sec,
    )
    actions.decide_batch(meeting, summary="批量", acting_user=sec)
    actions.adopt_resolution(
        items["C001"],
        type="stop_new_credit",
        params={},
        department="corporate",
        responsible=bank.staff["AM01"],
        deadline=dt.date(2026, 10, 15),
        acting_user=sec,
    )
    actions.save_sections(meeting, acting_user=sec, chair_summary="总结")
    bank.users["xihu_chair"] = chair
    run.ready_to_close(bank, meeting, who="xihu_chair", secretary="rm_xihu")
    actions.close_meeting(meeting, acting_user=sec)
    run.sign_as(chair, meeting)
    run.set_date(dt.date(2026, 10, 31))
    actions.run_verification(dt.date(2026, 10, 31))
    rows = {r.branch.pk: r for r in oversight(bank.branches["BR01"], dt.date(2026, 10, 31))}
    xihu, binjiang = rows["SB01"], rows["SB02"]
    assert (xihu.months_held, xihu.months_expected) == (1, 2)  # August missed
    assert xihu.late_months == [dt.date(2026, 8, 1)]
    assert xihu.customers_reviewed == 2
    assert (xihu.executed, xihu.due, xihu.execution_rate) == (1, 1, 1.0)
    assert binjiang.months_held == 0 and binjiang.customers_reviewed == 0
    assert Committee.objects.count() == 1


def test_it_verifies_from_the_command_line(committee_bank, run):
    bank = committee_bank
    out = StringIO()
    call_command("meeting", "verify", "--as-of", "2026-12-01", stdout=out)
    assert json.loads(out.getvalue()) == {
        "as_of": "2026-12-01",
        "reminded": 0,
        "escalated": 0,
        "exits_open": 0,  # d2: the exit list is measured by the same verification
        "exits_done": 0,
        "exits_listed": 0,
    }
    assert MEETING_DATE.year == 2026 and bank.committee
