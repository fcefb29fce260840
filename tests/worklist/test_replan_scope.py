"""The worklist re-plans only the customers whose inputs changed (issue 18 part 3), and the result
is the full re-plan's: on the demo generator's bank (XS), a delta batch of two customers'
flows, screened, then planned — scoped inside a savepoint, compared with a full re-plan of the
same state."""

import datetime as dt
from pathlib import Path

import duckdb
import pytest
from django.db import transaction

from postloan.demo.generate import generate_bank
from postloan.ingest.models import ImportBatch
from postloan.ingest.service import run_import
from postloan.portfolio.models import Customer, Loan
from postloan.risk.actions.screening import run_screening
from postloan.worklist.models import CalendarTask, CollectionCase, Inspection, UnassignedFlag
from postloan.worklist.planning import plan_worklist
from tests.factories import AS_OF

pytestmark = pytest.mark.django_db


class Rollback(Exception):
    pass


def worklist_state() -> dict:
    """Every row the plan writes, without ids and timestamps."""
    return {
        "inspections": sorted(
            Inspection.objects.values_list(
                "customer_id", "loan_id", "kind", "reason", "assignee_id", "due_date", "done_date"
            ),
            key=str,
        ),
        "calendar": sorted(
            CalendarTask.objects.values_list(
                "kind", "loan_id", "customer_id", "event_date", "due_date", "amount_due"
            ),
            key=str,
        ),
        "flags": sorted(
            UnassignedFlag.objects.values_list(
                "customer_id", "first_flagged_on", "last_flagged_on", "days_flagged", "resolved_on"
            ),
            key=str,
        ),
        "cases": sorted(
            CollectionCase.objects.values_list(
                "customer_id", "status", "opened_on", "closed_on", "dpd_at_open"
            ),
            key=str,
        ),
    }


def scoped_then_full(as_of: dt.date):
    """(scoped summary, state after it, full summary, state after it) from the same state."""
    try:
        with transaction.atomic():
            scoped = plan_worklist(as_of, scoped=True)
            scoped_state = worklist_state()
            raise Rollback
    except Rollback:
        pass
    full = plan_worklist(as_of, full=True)
    return scoped, scoped_state, full, worklist_state()


def two_customers_flows(extract: Path, out: Path, day: dt.date, on: dt.date) -> list[str]:
    """A delta batch: the flows of `day` of two customers' accounts, again (new ids), dated
    `on`. Returns the two customers."""
    out.mkdir()
    con = duckdb.connect()
    src = f"read_csv('{(extract / 'transactions.csv').as_posix()}', all_varchar = true)"
    accounts = f"read_csv('{(extract / 'accounts.csv').as_posix()}', all_varchar = true)"
    loans = f"read_csv('{(extract / 'loans.csv').as_posix()}', all_varchar = true)"
    chosen = [
        c
        for (c,) in con.execute(
            f"SELECT DISTINCT a.customer_id FROM {src} t JOIN {accounts} a USING (account_id) "
            f"WHERE t.txn_date = '{day}' AND a.customer_id IN "
            f"(SELECT customer_id FROM {loans} WHERE status = 'active') ORDER BY 1 LIMIT 2"
        ).fetchall()
    ]
    assert len(chosen) == 2
    con.execute(
        f"COPY (SELECT t.* REPLACE ('{on}' AS txn_date, 'D' || t.txn_id AS txn_id) FROM {src} t "
        f"JOIN {accounts} a USING (account_id) WHERE t.txn_date = '{day}' "
        f"AND a.customer_id IN ('{chosen[0]}', '{chosen[1]}')) "
        f"TO '{(out / 'transactions.csv').as_posix()}' (HEADER, DELIMITER ',')"
    )
    return chosen


@pytest.fixture
def planned_bank(tmp_path, settings):
    settings.POSTLOAN_SCREEN_AFTER_IMPORT = False  # the test runs the day's steps itself
    # No 结息日 (12-20) enters a 30-day horizon over the first days of November: the calendar
    # step's own scope (the loans whose tasks the moving horizon reaches) is what runs.
    settings.WORKLIST_HORIZON_DAYS = 30
    extract = tmp_path / "xs"
    generate_bank("XS", 1, extract, AS_OF)
    assert run_import(extract, as_of=AS_OF).ok
    run_screening(AS_OF)
    # one customer without a manager: flagged (人户合一) by the first plan, counted every day
    Customer.objects.filter(
        pk=Customer.objects.filter(loans__status="active").order_by("-pk").values("pk")[:1]
    ).update(manager=None)
    first = plan_worklist(AS_OF, scoped=True)
    assert first.scope.full  # the first plan has nothing to compare with
    return extract


def test_a_delta_batch_of_two_customers_re_plans_exactly_those(planned_bank, tmp_path):
    chosen = two_customers_flows(planned_bank, tmp_path / "delta", AS_OF, AS_OF)
    result = run_import(tmp_path / "delta", as_of=AS_OF)
    assert result.ok, result.errors
    assert ImportBatch.objects.get(pk=result.batch.pk).customers_touched == chosen
    run_screening(AS_OF)  # the correction re-screens the date

    scoped, scoped_state, full, full_state = scoped_then_full(AS_OF)

    assert not scoped.scope.full
    assert scoped.scope.customers == frozenset(chosen)
    their_loans = Loan.objects.filter(customer_id__in=chosen, status="active", balance__gt=0)
    assert scoped.read["positions"] == their_loans.count()
    assert full.read["positions"] == Loan.objects.filter(status="active", balance__gt=0).count()
    assert full.read["positions"] > 10 * scoped.read["positions"]
    assert scoped.read["calendar_loans"] <= Loan.objects.filter(customer_id__in=chosen).count()
    assert scoped.read["dpd"] <= Loan.objects.filter(customer_id__in=chosen).count()
    assert scoped_state == full_state


def test_a_changed_manager_is_followed_by_a_scoped_re_plan(planned_bank, tmp_path):
    """A master-data change in the batch (the customer's manager) reaches the re-plan."""
    customer = (
        Customer.objects.filter(loans__status="active", manager__isnull=False)
        .order_by("pk")
        .first()
    )
    other = Customer.objects.exclude(manager=customer.manager).exclude(manager=None).first()
    folder = tmp_path / "master"
    folder.mkdir()
    con = duckdb.connect()
    con.execute(
        f"COPY (SELECT * REPLACE ('{other.manager_id}' AS manager_id) FROM "
        f"read_csv('{(planned_bank / 'customers.csv').as_posix()}', all_varchar = true) "
        f"WHERE customer_id = '{customer.pk}') TO '{(folder / 'customers.csv').as_posix()}' "
        "(HEADER, DELIMITER ',')"
    )
    assert run_import(folder, as_of=AS_OF).ok
    run_screening(AS_OF)

    scoped, scoped_state, _, full_state = scoped_then_full(AS_OF)

    assert scoped.scope.customers == frozenset({customer.pk})
    assert set(
        Inspection.objects.filter(customer=customer, done_date__isnull=True).values_list(
            "assignee_id", flat=True
        )
    ) == {other.manager_id}
    assert scoped_state == full_state


def test_the_next_date_re_plans_the_changed_and_equals_a_full_re_plan(planned_bank, tmp_path):
    day = AS_OF + dt.timedelta(days=3)
    chosen = two_customers_flows(planned_bank, tmp_path / "delta", AS_OF, day)
    assert run_import(tmp_path / "delta", as_of=day).ok
    run = run_screening(day)
    assert run.changed_customers is not None  # compared with the previous date, by customer
    before = worklist_state()

    scoped, scoped_state, full, full_state = scoped_then_full(day)

    assert not scoped.scope.full
    assert scoped.scope.customers >= frozenset(chosen) | frozenset(run.changed_customers)
    assert len(scoped.scope.customers) < Customer.objects.count() // 2
    assert scoped.read["positions"] < full.read["positions"]
    assert scoped.read["calendar_loans"] < full.read["calendar_loans"]
    # the moving horizon brought tasks of loans whose customers' inputs did not change
    added = set(scoped_state["calendar"]) - set(before["calendar"])
    assert {t[2] for t in added} - scoped.scope.customers
    assert [f for f in full_state["flags"] if f[3] > 1]  # a day counted for the flagged one
    assert scoped_state == full_state


def test_plan_all_and_a_settings_change_re_plan_everyone(planned_bank, settings):
    assert plan_worklist(AS_OF, scoped=True).scope.customers == frozenset()  # nothing changed
    assert plan_worklist(AS_OF, scoped=True, full=True).scope.full
    assert plan_worklist(AS_OF).scope.full  # a direct call plans everyone
    settings.WORKLIST_HORIZON_DAYS = 60
    summary = plan_worklist(AS_OF, scoped=True)
    assert summary.scope.full
    assert "参数" in summary.scope.reason


def test_a_scoped_re_plan_is_a_full_one_every_week(planned_bank, settings):
    day = AS_OF
    for _ in range(6):
        day += dt.timedelta(days=1)
        assert not plan_worklist(day, scoped=True).scope.full
    summary = plan_worklist(day + dt.timedelta(days=1), scoped=True)
    assert summary.scope.full and "定期" in summary.scope.reason
