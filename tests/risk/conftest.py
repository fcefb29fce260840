"""Screened hand-made banks for the classification controls (floors, four eyes)."""

import pytest

from postloan.risk.actions import persist_result
from tests.factories import add_risk_head
from tests.risk.results import AS_OF, make_result


@pytest.fixture
def loss(bank):
    """L003 400 days past due: the floor is 损失; a 风险部负责人 (`risk_head`) on hand."""
    persist_result(make_result(l003_dpd=400, l003_suggested="loss"), AS_OF)
    add_risk_head(bank)
    return bank


@pytest.fixture
def short_overdue(bank):
    """L003 5 days past due: 关注 by CLS-SM-DPD only, which a technical waiver may lift."""
    persist_result(make_result(l003_dpd=5), AS_OF)
    add_risk_head(bank)
    return bank
