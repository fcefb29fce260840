import datetime as dt
from decimal import Decimal

from postloan.meetings import actions
from postloan.meetings.models import MeetingSettings
from postloan.meetings.rules import reviewing_units, settings_for


def test_it_takes_the_unit_s_settings_else_the_nearest_upper_unit_s_else_global(bank):
    sb1, br = bank.branches["SB01"], bank.branches["BR01"]
    assert settings_for(sb1).notice_working_days == 7  # built-in default
    MeetingSettings.objects.create(branch=None, notice_working_days=8)
    assert settings_for(sb1).notice_working_days == 8
    MeetingSettings.objects.create(branch=br, notice_working_days=9)
    assert settings_for(sb1).notice_working_days == 9
    MeetingSettings.objects.create(
        branch=sb1, notice_working_days=10, large_credit_threshold=Decimal(1)
    )
    assert settings_for(sb1).notice_working_days == 10
    assert settings_for(bank.branches["SB02"]).notice_working_days == 9


def test_it_rolls_booking_units_up_to_the_lowest_unit_holding_meetings(bank):
    assert reviewing_units()["SB01"] == "SB01"
    sb1 = bank.branches["SB01"]
    sb1.holds_meetings = False
    sb1.save(update_fields=["holds_meetings"])
    assert reviewing_units()["SB01"] == "BR01"


def test_it_schedules_and_notifies_before_the_committee_exists(bank):
    sec = bank.users["rm_xihu"]
    meeting = actions.schedule_meeting(
        bank.branches["SB01"], dt.date(2026, 11, 18), acting_user=sec
    )
    assert [i.customer_id for i in meeting.items.all()] == ["C001"]
    assert actions.send_notice(meeting, acting_user=sec) == 2  # 张伟 and 刘洋; no committee yet
