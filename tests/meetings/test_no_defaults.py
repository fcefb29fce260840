"""No default stands in for a decision on the meeting's pages: nobody is preset present, no
presider, committee seat, qualification basis, resolution type, vote count, class or waiver is
preselected; the actions refuse what was not chosen."""

import re

import pytest
from django.urls import reverse

from postloan.meetings import actions
from postloan.meetings.errors import MeetingError
from tests.meetings.conftest import MEETING_DATE


def _select(html: str, name: str) -> str:
    start = html.index(f'name="{name}"')
    return html[start : html.index("</select>", start)]


def test_the_start_form_presets_nobody_present_and_no_presider(committee_bank, login):
    bank = committee_bank
    sec = bank.users["rm_branch"]
    meeting = actions.schedule_meeting(bank.branches["BR01"], MEETING_DATE, acting_user=sec)
    actions.send_notice(meeting, acting_user=sec)
    html = login(sec).get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    form = html[
        html.index('id="start-form"') : html.index("</form>", html.index('id="start-form"'))
    ]
    assert 'name="present"' in form and "checked" not in form
    assert '<option value="" selected>请选择</option>' in _select(form, "presiding")


def test_the_committee_page_presets_no_seat(committee_bank, login):
    html = login(committee_bank.users["rm_branch"]).get(
        reverse("meetings:committee", args=["BR01"])
    )
    html = html.content.decode()
    assert '<option value="" selected>请选择</option>' in _select(html, "role")


def test_the_item_page_presets_no_resolution_type_or_vote_count(committee_bank, run, login):
    bank = committee_bank
    _meeting, items = run.held_meeting(bank)
    item = items["C003"]
    actions.decide_item(
        item,
        summary="审议",
        **run.at_floor(item),
        method="consensus",
        acting_user=bank.users["rm_branch"],
    )
    html = login(bank.users["rm_branch"]).get(reverse("meetings:item", args=[item.pk]))
    html = html.content.decode()
    assert '<option value="" selected>请选择</option>' in _select(html, "type")
    for name in ("votes_for", "votes_against", "votes_abstain"):
        tag = re.search(rf'<input[^>]*name="{name}"[^>]*>', html).group(0)
        assert "value=" not in tag, tag


def test_a_vote_without_its_counts_is_refused(committee_bank, run):
    bank = committee_bank
    _meeting, items = run.held_meeting(bank)
    item = items["C003"]
    with pytest.raises(MeetingError, match="须填写表决票数"):
        actions.decide_item(
            item,
            summary="审议",
            **run.at_floor(item),
            method="vote",
            votes=(0, 0, 0),
            acting_user=bank.users["rm_branch"],
        )
    item.refresh_from_db()
    assert item.outcome == "pending"
