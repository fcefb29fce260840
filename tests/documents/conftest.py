"""A held, decided and signed meeting of 杭州分行 on the screened hand-made bank."""

import datetime as dt

import pytest

from postloan.meetings import actions
from tests.meetings.conftest import (  # noqa: F401
    committee_bank,
    every_loan,
    held_meeting,
    sign_off,
)

DEADLINE = dt.date(2026, 12, 31)


@pytest.fixture
def signed_meeting(committee_bank):  # noqa: F811
    from postloan.risk.actions.screening import run_screening
    from tests.factories import AS_OF

    run_screening(AS_OF)
    bank = committee_bank
    sec = bank.users["rm_branch"]
    meeting, items = held_meeting(bank)
    actions.decide_item(
        items["C001"],
        summary="经营正常，销售回笼稳定，余额偏高",
        **every_loan(items["C001"], "normal"),
        method="consensus",
        acting_user=sec,
    )
    actions.adopt_resolution(
        items["C001"],
        type="reduce_exposure",
        params={"target_balance": "3000000", "target_date": "2026-12-31"},
        department="corporate",
        responsible=bank.staff["AM01"],
        deadline=DEADLINE,
        acting_user=sec,
    )
    for customer_id, item in items.items():
        if customer_id != "C001" and not item.batch:
            actions.decide_item(
                item,
                summary="按期跟踪",
                **every_loan(item, "special_mention"),
                method="consensus",
                acting_user=sec,
            )
    if any(i.batch for i in items.values()):
        actions.decide_batch(meeting, summary="零售客户批量审议，维持分类", acting_user=sec)
    meeting = sign_off(bank, meeting)
    bank.meeting = meeting
    bank.items = items
    return bank
