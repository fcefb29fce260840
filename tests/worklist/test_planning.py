"""Generating post-loan work as of the business date: inspections, calendar, flags, cases."""

import datetime as dt
from decimal import Decimal

import pytest

from postloan.core.workdays import is_working_day
from postloan.portfolio.models import Customer, Loan
from postloan.worklist.choices import CaseStatus, InspectionKind, TaskKind
from postloan.worklist.models import (
    CalendarTask,
    CollectionCase,
    DepartmentCheck,
    Inspection,
    UnassignedFlag,
)
from postloan.worklist.planning import follow_managers, plan_worklist
from tests.factories import AS_OF

pytestmark = pytest.mark.django_db


def scheduled(customer_id):
    return Inspection.objects.get(
        customer_id=customer_id, kind=InspectionKind.SCHEDULED, done_date__isnull=True
    )


def test_it_plans_one_scheduled_inspection_per_customer_with_a_balance(bank):
    plan_worklist(AS_OF)
    assert set(
        Inspection.objects.filter(kind=InspectionKind.SCHEDULED).values_list(
            "customer_id", flat=True
        )
    ) == {"C001", "C002", "C003"}
    # No history and the cycle from the last disbursement has passed: the first inspection falls
    # on a working day within one quarter (正常) of the business date, the same on every plan.
    first = scheduled("C001").due_date
    assert dt.date(2026, 10, 31) < first <= dt.date(2027, 2, 1)
    assert is_working_day(first)
    plan_worklist(AS_OF)
    assert scheduled("C001").due_date == first
    assert scheduled("C003").assignee_id == "AM02"
    assert "关注" in scheduled("C003").reason


def test_it_is_idempotent(bank):
    plan_worklist(AS_OF)
    counts = (Inspection.objects.count(), CalendarTask.objects.count())
    plan_worklist(AS_OF)
    assert (Inspection.objects.count(), CalendarTask.objects.count()) == counts


def test_it_plans_the_next_inspection_from_the_last_one_done(bank):
    Inspection.objects.create(
        customer_id="C001",
        kind=InspectionKind.SCHEDULED,
        due_date=dt.date(2026, 9, 30),
        done_date=dt.date(2026, 9, 15),
    )
    plan_worklist(AS_OF)
    # 正常: quarterly → 2026-12-15 (a Tuesday, a working day).
    assert scheduled("C001").due_date == dt.date(2026, 12, 15)


def test_it_inspects_substandard_customers_monthly(bank):
    Loan.objects.filter(pk="L001").update(classification="substandard")
    Inspection.objects.create(
        customer_id="C001",
        kind=InspectionKind.SCHEDULED,
        due_date=dt.date(2026, 10, 20),
        done_date=dt.date(2026, 10, 20),
    )
    plan_worklist(AS_OF)
    assert scheduled("C001").due_date == dt.date(2026, 11, 20)
    assert "每1个月" in scheduled("C001").reason


def test_it_replans_when_the_class_worsens(bank):
    Inspection.objects.create(
        customer_id="C003",
        kind=InspectionKind.SCHEDULED,
        due_date=dt.date(2026, 10, 12),
        done_date=dt.date(2026, 10, 12),
    )
    plan_worklist(AS_OF)
    assert scheduled("C003").due_date == dt.date(2027, 1, 12)
    Loan.objects.filter(pk="L003").update(classification="substandard")
    plan_worklist(AS_OF)
    assert scheduled("C003").due_date == dt.date(2026, 11, 12)


def test_it_inspects_customers_in_litigation_half_yearly_a_setting(bank, settings):
    from postloan.portfolio.models import RiskEvent

    RiskEvent.objects.create(
        event_id="E1", customer_id="C001", event_date=dt.date(2026, 8, 1), type="litigation"
    )
    Inspection.objects.create(
        customer_id="C001",
        kind=InspectionKind.SCHEDULED,
        due_date=dt.date(2026, 4, 1),
        done_date=dt.date(2026, 4, 1),
    )
    plan_worklist(AS_OF)
    # +6 months = 2026-10-01, National Day: moved to the first working day after the holiday.
    assert scheduled("C001").due_date == dt.date(2026, 10, 8)
    settings.WORKLIST_BAD_CLASS_MONTHS = 12
    Inspection.objects.filter(done_date__isnull=True).delete()
    plan_worklist(AS_OF)
    assert scheduled("C001").due_date == dt.date(2027, 4, 1)


def test_it_plans_a_first_check_15_to_30_days_after_a_disbursement(bank):
    Loan.objects.create(
        loan_id="L004",
        customer_id="C001",
        product="working_capital",
        principal=Decimal("1000000"),
        balance=Decimal("1000000"),
        start_date=dt.date(2026, 10, 20),
        maturity_date=dt.date(2027, 10, 19),
        guarantee_method="credit",
    )
    plan_worklist(AS_OF)
    first = Inspection.objects.get(kind=InspectionKind.FIRST_FOLLOWUP)
    assert first.loan_id == "L004"
    assert first.available_from == dt.date(2026, 11, 4)
    assert first.due_date == dt.date(2026, 11, 19)
    # Older loans (before the look-back window) get no first check.
    assert not Inspection.objects.filter(
        kind=InspectionKind.FIRST_FOLLOWUP, loan_id="L001"
    ).exists()


def test_open_inspections_follow_the_customers_manager_and_only_changed_ones_are_written(bank):
    plan_worklist(AS_OF)
    assert follow_managers() == 0  # nothing changed: nothing rewritten
    done = scheduled("C001")
    done.done_date = AS_OF
    done.save()
    Customer.objects.filter(pk="C001").update(manager_id="AM02")
    Customer.objects.filter(pk="C002").update(manager=None)
    moved = Inspection.objects.filter(customer_id__in=["C001", "C002"], done_date__isnull=True)
    assert follow_managers() == moved.count() > 0
    assert {i.assignee_id for i in moved.filter(customer_id="C001")} <= {"AM02"}
    assert {i.assignee_id for i in moved.filter(customer_id="C002")} == {None}
    assert Inspection.objects.get(pk=done.pk).assignee_id == done.assignee_id  # done: as it was
    Customer.objects.filter(pk="C002").update(manager_id="AM01")
    assert follow_managers() == moved.filter(customer_id="C002").count()
    assert {i.assignee_id for i in moved.filter(customer_id="C002")} == {"AM01"}
    assert follow_managers() == 0


def test_a_customer_without_an_asset_loses_the_open_plan_but_keeps_done_inspections(bank):
    plan_worklist(AS_OF)
    done = scheduled("C001")
    done.done_date = AS_OF
    done.save()
    plan_worklist(AS_OF)  # C001's next scheduled inspection, after the one done
    Loan.objects.filter(customer_id__in=["C001", "C002"]).update(balance=0, status="closed")
    summary = plan_worklist(AS_OF + dt.timedelta(days=1))
    gone = summary.counts["定期检查（客户已无资产，撤销）"]
    assert gone == 2
    open_plan = Inspection.objects.filter(kind=InspectionKind.SCHEDULED, done_date__isnull=True)
    assert set(open_plan.values_list("customer_id", flat=True)) == {"C003"}
    assert Inspection.objects.filter(pk=done.pk, done_date=AS_OF).exists()


def test_it_flags_customers_with_an_asset_but_no_manager_every_day(bank):
    Customer.objects.filter(pk="C002").update(manager=None)
    plan_worklist(AS_OF)
    plan_worklist(AS_OF + dt.timedelta(days=1))
    plan_worklist(AS_OF + dt.timedelta(days=2))
    flag = UnassignedFlag.objects.get(customer_id="C002")
    assert (flag.days_flagged, flag.resolved_on) == (3, None)
    Customer.objects.filter(pk="C002").update(manager_id="AM01")
    plan_worklist(AS_OF + dt.timedelta(days=3))
    flag.refresh_from_db()
    assert flag.resolved_on == AS_OF + dt.timedelta(days=3)


def test_it_plans_the_credit_management_quarterly_check_per_unit(bank):
    plan_worklist(AS_OF)
    checks = DepartmentCheck.objects.all()
    assert {c.branch_id for c in checks} == {"BR01", "SB01", "SB02"}
    assert {c.due_date for c in checks} == {dt.date(2026, 12, 31)}


def test_it_opens_a_collection_case_for_each_overdue_customer(bank):
    summary = plan_worklist(AS_OF)
    assert "尚未运行风险筛查" in summary.notes[0]
    assert not CollectionCase.objects.exists()
    plan_worklist(AS_OF, dpd_by_loan={"L001": 0, "L002": 0, "L003": 41})
    case = CollectionCase.objects.get()
    assert (case.customer_id, case.dpd_at_open, case.owner_id) == ("C003", 41, "AM02")
    assert case.overdue_at_open == Decimal("21750.00")
    plan_worklist(AS_OF, dpd_by_loan={"L003": 50})
    assert CollectionCase.objects.count() == 1
    plan_worklist(AS_OF, dpd_by_loan={"L003": 0})
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED


def test_it_puts_calendar_tasks_on_working_days(bank, settings):
    settings.WORKLIST_HORIZON_DAYS = 60
    Loan.objects.filter(pk="L003").update(maturity_date=dt.date(2026, 12, 3))
    plan_worklist(AS_OF)
    kinds = dict(CalendarTask.objects.filter(loan_id="L003").values_list("kind", "due_date"))
    # Short-term (≤ 1 year): notice one week before → 2026-11-26; funds 3 working days before.
    assert kinds[TaskKind.MATURITY_NOTICE] == dt.date(2026, 11, 26)
    assert kinds[TaskKind.MATURITY_FUNDS] == dt.date(2026, 11, 30)
    # L001 (2 years) matures 2027-10-31, outside the horizon: only the 结息日 funds check.
    (task,) = CalendarTask.objects.filter(loan_id="L001")
    assert (task.kind, task.event_date) == (TaskKind.INTEREST_FUNDS, dt.date(2026, 12, 20))
    assert task.due_date == dt.date(2026, 12, 18)  # the 20th is a Sunday
    # 4,000,000 × 4.35% × 91 days (09-20 → 12-20) ÷ 360
    assert task.amount_due == Decimal("43983.33")


def test_it_drops_the_plan_of_a_customer_who_repaid_everything(bank):
    plan_worklist(AS_OF)
    Loan.objects.filter(pk="L002").update(balance=0, status="settled")
    plan_worklist(AS_OF)
    assert not Inspection.objects.filter(customer_id="C002").exists()


def test_it_schedules_an_ad_hoc_inspection_when_a_red_signal_is_confirmed(bank):
    from types import SimpleNamespace

    from postloan.worklist.actions import schedule_adhoc_inspection

    signal = SimpleNamespace(
        pk=7, customer_id="C003", customer=bank.customers["C003"], loan_id="L003", rule_id="EW-DPD"
    )
    inspection = schedule_adhoc_inspection(signal, acting_user=bank.users["rm_branch"])
    # 5 working days after Saturday 2026-10-31.
    assert (inspection.kind, inspection.due_date) == (InspectionKind.ADHOC, dt.date(2026, 11, 6))
    assert inspection.assignee_id == "AM02" and "EW-DPD" in inspection.reason
    assert schedule_adhoc_inspection(signal) is None
    assert Inspection.objects.filter(kind=InspectionKind.ADHOC).count() == 1


def test_it_plans_from_the_command_line(bank):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("worklist", "plan", "--as-of", "2026-10-31", stdout=out)
    assert "定期检查（新增）：3" in out.getvalue()
    assert Inspection.objects.count() == 3


def _loan_started(loan_id: str, start: dt.date) -> None:
    Loan.objects.create(
        loan_id=loan_id,
        customer_id="C001",
        product="working_capital",
        principal=Decimal("1000000"),
        balance=Decimal("1000000"),
        start_date=start,
        maturity_date=start + dt.timedelta(days=364),
        guarantee_method="credit",
    )


def test_it_puts_no_first_check_overdue_on_the_first_day_with_the_system(bank):
    # Disbursed 2026-09-10: its 15–30-day window closed on 2026-10-10, before the bank's
    # first plan here — no record can say whether it was done, so it is not listed as overdue.
    _loan_started("L005", dt.date(2026, 9, 10))
    summary = plan_worklist(AS_OF)
    plan_worklist(AS_OF + dt.timedelta(days=10))
    assert not Inspection.objects.filter(kind=InspectionKind.FIRST_FOLLOWUP, loan_id="L005")
    assert any("首次跟踪检查" in note for note in summary.notes)
    assert not Inspection.objects.filter(due_date__lt=AS_OF).exists()


def test_it_still_lists_a_missed_first_check_once_the_bank_plans_here(bank):
    plan_worklist(AS_OF - dt.timedelta(days=60))  # the bank started with the system earlier
    _loan_started("L005", dt.date(2026, 9, 10))
    plan_worklist(AS_OF)
    first = Inspection.objects.get(kind=InspectionKind.FIRST_FOLLOWUP, loan_id="L005")
    # Due 30 days after the disbursement (2026-10-10, a 国庆 make-up working day): overdue now.
    assert first.due_date == dt.date(2026, 10, 10) < AS_OF


def test_it_spreads_first_inspections_over_one_cycle_instead_of_one_day():
    from postloan.core.workdays import WorkdayCalendar
    from postloan.worklist.schedule import first_inspection_due

    cal = WorkdayCalendar(dt.date(2026, 1, 1), dt.date(2027, 12, 31))
    old_loan = dt.date(2024, 3, 1)
    dues = {first_inspection_due(cal, f"C{n:04d}", old_loan, AS_OF, 3) for n in range(300)}
    assert len(dues) > 40  # many different days, not one
    assert min(dues) >= dt.date(2026, 11, 2) and max(dues) <= dt.date(2027, 2, 1)
    assert all(cal.is_working_day(d) for d in dues)
    # a recent disbursement keeps its own cycle
    assert first_inspection_due(cal, "C0001", dt.date(2026, 9, 15), AS_OF, 3) == dt.date(
        2026, 12, 15
    )
