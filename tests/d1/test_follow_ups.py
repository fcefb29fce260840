"""Conditions the data cannot test and missing file items become the manager's work."""

import datetime as dt

import pytest

from postloan.core.errors import DomainError
from postloan.core.models import AuditEvent
from postloan.risk.actions.screening import run_screening
from postloan.worklist import credit_files
from postloan.worklist.actions import complete_follow_up
from postloan.worklist.covenants import covenant_statuses
from postloan.worklist.models import FollowUp
from postloan.worklist.planning import plan_worklist
from tests.d1.helpers import add_covenants, add_credit_files
from tests.factories import AS_OF


@pytest.fixture
def planned(bank):
    add_covenants(bank)
    add_credit_files(bank)
    run_screening(AS_OF)
    plan_worklist(AS_OF)
    return bank


def states(customer_ids=("C001", "C003")) -> dict[str, str]:
    return {s.covenant.covenant_id: s.state for s in covenant_statuses(AS_OF, customer_ids)}


@pytest.mark.django_db
def test_each_condition_has_its_state(planned):
    assert states() == {
        "K1": "breached",
        "K2": "met",
        "K3": "breached",
        "K4": "met",
        "K5": "met",
        "K6": "to_confirm",
        "K7": "breached",
        "K8": "not_due",
    }


@pytest.mark.django_db
def test_untestable_conditions_become_confirmations_for_the_manager(planned):
    items = FollowUp.objects.filter(kind="covenant")
    assert [(f.ref, f.assignee_id, f.period_start) for f in items] == [
        ("K6", "AM01", dt.date(2026, 1, 1))  # annual: this year's confirmation
    ]
    assert "保险持续有效" in items[0].title
    plan_worklist(AS_OF)  # idempotent
    assert FollowUp.objects.filter(kind="covenant").count() == 1


@pytest.mark.django_db
def test_a_confirmation_needs_evidence_and_sets_the_state(planned):
    item = FollowUp.objects.get(kind="covenant", ref="K6")
    user = planned.users["am_zhang"]
    with pytest.raises(DomainError) as refused:
        complete_follow_up(item, acting_user=user, outcome="met", evidence=" ", done_date=AS_OF)
    assert "证明材料" in refused.value.message
    with pytest.raises(DomainError):
        complete_follow_up(item, acting_user=user, outcome="filed", evidence="x", done_date=AS_OF)
    complete_follow_up(
        item,
        acting_user=user,
        outcome="met",
        evidence="保单 PICC-2026-001 有效至2027-03",
        done_date=AS_OF,
    )
    assert states()["K6"] == "met"
    assert AuditEvent.objects.filter(action="worklist.complete_follow_up").count() == 1
    plan_worklist(AS_OF)
    assert FollowUp.objects.filter(kind="covenant", done_date__isnull=True).count() == 0


@pytest.mark.django_db
def test_missing_file_items_are_counted_and_become_tasks(planned):
    files = {f.loan_id: f for f in credit_files.loan_files()}
    assert files["L001"].required == (
        "loan_contract",
        "approval",
        "disbursement_voucher",
        "guarantee_contract",
    )
    assert files["L001"].missing == ["disbursement_voucher", "guarantee_contract"]
    assert files["L001"].lost == ["disbursement_voucher"]
    assert files["L003"].missing == ["approval", "disbursement_voucher", "guarantee_contract"]
    assert len(files["L002"].missing) == 3  # nothing on file for the consumer loan
    refs = set(FollowUp.objects.filter(kind="credit_file").values_list("ref", flat=True))
    assert "L001/disbursement_voucher" in refs and "L001/loan_contract" not in refs
    assert len(refs) == 8
    by_manager = {c.key: c for c in credit_files.completeness(list(files.values()), "manager")}
    # 张伟: L001 2 of 4 present, L002 0 of 3; 王芳: L003 1 of 4
    assert (by_manager["AM01"].present, by_manager["AM01"].required) == (2, 7)
    assert (by_manager["AM02"].present, by_manager["AM02"].required) == (1, 4)
    plan_worklist(AS_OF)
    assert FollowUp.objects.filter(kind="credit_file").count() == 8


@pytest.mark.django_db
def test_a_lost_file_and_an_overdue_confirmation_are_non_diligence(planned):
    from postloan.reports.diligence import diligence
    from postloan.reports.scope import scope_for

    later = AS_OF + dt.timedelta(days=40)  # K6's confirmation was due within 30 days
    report = diligence(scope_for(planned.users["rm_branch"], "BR01", later))
    people = {r.key: r.counts for r in report.people}
    assert people["AM01"]["lost_files"] == 1  # L001's disbursement voucher
    assert people["AM01"]["covenants"] == 1  # K6 not confirmed
    assert people["AM02"]["lost_files"] == 0
    assert report.totals.counts["lost_files"] == 1


@pytest.mark.django_db
def test_complaint_kpi_counts_resolution_within_the_limit(bank, settings):
    from decimal import Decimal

    from postloan.reports.kpis import kpi_board
    from postloan.reports.scope import scope_for
    from tests.d1.helpers import add_complaints

    add_complaints(bank)
    settings.POSTLOAN_COMPLAINT_DAYS = 15
    board = kpi_board(scope_for(bank.users["rm_branch"], "BR01", AS_OF), dt.date(2026, 1, 1))
    units = {r.key: r.cells["complaint"] for r in board.units}
    # SB01: Q1 in 4 days (on time), Q2 in 30 days (late); SB02: Q3 open 40 days (late), Q4
    # received 5 days ago, its limit still ahead: not yet counted
    assert (units["SB01"].num, units["SB01"].den) == (1, 2)
    assert (units["SB02"].num, units["SB02"].den) == (0, 1)
    assert units["BR01"].rate == Decimal("0.3333")
    assert not units["BR01"].no_data
    people = {r.key: r.cells["complaint"] for r in board.people}
    assert (people["AM01"].num, people["AM01"].den) == (1, 2)
    settings.POSTLOAN_COMPLAINT_DAYS = 30  # Q2 on time now; Q3 still late
    board = kpi_board(scope_for(bank.users["rm_branch"], "BR01", AS_OF), dt.date(2026, 1, 1))
    units = {r.key: r.cells["complaint"] for r in board.units}
    assert (units["SB01"].num, units["SB01"].den) == (2, 2)
    assert (units["SB02"].num, units["SB02"].den) == (0, 1)


@pytest.mark.django_db
def test_a_bank_that_supplies_no_credit_files_gets_no_file_tasks(bank, login):
    run_screening(AS_OF)
    plan_worklist(AS_OF)
    assert not FollowUp.objects.filter(kind="credit_file").exists()
    html = login(bank.users["rm_branch"]).get("/work/credit-files/").content.decode()
    assert "尚未提供信贷档案" in html
