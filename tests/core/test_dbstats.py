"""After a bulk write the planner has statistics for the written tables."""

import pytest
from django.db import connection

from postloan.core import dbstats

pytestmark = pytest.mark.django_db(transaction=True)


def stamp(table: str):
    """SQLite: how many statistics rows the table has; PostgreSQL: when it was last analysed."""
    with connection.cursor() as cur:
        if connection.vendor == "sqlite":
            cur.execute("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'")
            if cur.fetchone() is None:
                return 0
            cur.execute("SELECT count(*) FROM sqlite_stat1 WHERE tbl = %s", [table])
        else:
            cur.execute(
                "SELECT coalesce(last_analyze, 'epoch'::timestamptz) FROM pg_stat_user_tables"
                " WHERE relname = %s",
                [table],
            )
        return cur.fetchone()[0]


def forget(table: str):
    """Remove SQLite's statistics of the table (an earlier test may have made them)."""
    if connection.vendor == "sqlite" and stamp(table):
        with connection.cursor() as cur:
            cur.execute("DELETE FROM sqlite_stat1 WHERE tbl = %s", [table])
    return stamp(table)


def test_refresh_analyses_the_tables(bank):
    before = {t: forget(t) for t in ("loans", "customers")}
    dbstats.refresh(["loans", "customers"])
    assert all(stamp(t) > before[t] for t in before)


def test_a_screening_leaves_statistics_for_its_results(bank):
    from postloan.risk.actions.screening import run_screening
    from tests.factories import AS_OF

    before = forget("loan_assessments")
    run_screening(AS_OF)
    assert stamp("loan_assessments") > before
