"""KPIs computed by hand on the hand-made bank for October 2026."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from postloan.reports.kpis import kpi_board
from postloan.reports.scope import scope_for
from postloan.risk.models import LoanAssessment
from postloan.worklist.models import Inspection
from tests.reports.conftest import AS_OF

START = dt.date(2026, 10, 1)


def _board(bank, user="rm_branch"):
    return kpi_board(scope_for(bank.users[user], None, AS_OF), START)


def test_it_rolls_recovery_and_npl_disposal_up_the_tree(quality_bank):
    board = _board(quality_bank)
    units = {r.key: r.cells for r in board.units}
    # SB01 (L001): 115,000 due and paid; SB02 (L003): 10,875 due, unpaid.
    assert units["SB01"]["recovery"].rate == Decimal("1.0000")
    assert units["SB02"]["recovery"].rate == Decimal("0.0000")
    assert units["BR01"]["recovery"].num == Decimal("115000.00")
    assert units["BR01"]["recovery"].den == Decimal("125875.00")
    # NPL at 09-30: L002 (SB01) 160,000, disposed by 10-31.
    assert units["SB01"]["npl_disposal"].rate == Decimal("1.0000")
    assert units["SB02"]["npl_disposal"].rate is None
    assert units["BR01"]["complaint"].no_data


def test_it_counts_inspections_and_classifications_on_time_per_person(quality_bank):
    bank = quality_bank
    Inspection.objects.create(
        customer=bank.customers["C001"],
        kind="scheduled",
        due_date=dt.date(2026, 10, 15),
        done_date=dt.date(2026, 10, 14),
        assignee=bank.staff["AM01"],
    )
    Inspection.objects.create(
        customer=bank.customers["C002"],
        kind="scheduled",
        due_date=dt.date(2026, 10, 20),
        done_date=dt.date(2026, 10, 25),
        assignee=bank.staff["AM01"],
    )
    Inspection.objects.create(
        customer=bank.customers["C003"],
        kind="scheduled",
        due_date=dt.date(2026, 10, 20),
        assignee=bank.staff["AM02"],
    )
    # A downgrade suggestion on 10-31 for L003, confirmed on 11-02 (within 5 working days).
    LoanAssessment.objects.filter(loan_id="L003", as_of=AS_OF).update(
        change="downgrade",
        confirmed_at=timezone.make_aware(dt.datetime(2026, 11, 2, 10, 0)),
    )
    board = _board(bank)
    people = {r.key: r.cells for r in board.people}
    assert (people["AM01"]["inspection"].num, people["AM01"]["inspection"].den) == (1, 2)
    assert people["AM02"]["inspection"].rate == Decimal("0.0000")
    assert (people["AM02"]["classification"].num, people["AM02"]["classification"].den) == (1, 1)
    units = {r.key: r.cells for r in board.units}
    assert (units["BR01"]["inspection"].num, units["BR01"]["inspection"].den) == (1, 3)
