"""The list pages' queries read the indexes made for them instead of every row of a date.

Imports and screenings leave statistics behind (`core.dbstats`); a small bank's statistics
would steer SQLite to plans that are right for a small bank only, so these plans are read
without statistics, by shape — what SQLite picks then for this bank it picks at scale M. On
PostgreSQL the planner chooses by statistics; docs/performance.md ("Web pages at M") has its
EXPLAIN review.
"""

import pytest
from django.db import connection

from postloan.portfolio.models import Loan
from postloan.risk.access import visible_assessments, visible_signals
from postloan.web.queries.dpd import overdue_loan_q
from tests.factories import AS_OF

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's plans only"),
]


@pytest.fixture(autouse=True)
def without_statistics(screened_bank):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'")
        if cursor.fetchone():
            cursor.execute("DELETE FROM sqlite_stat1")
            cursor.execute("ANALYZE sqlite_schema")  # makes the planner reload them


def plan(qs) -> str:
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        return "\n".join(str(row[-1]) for row in cursor.fetchall())


def test_it_finds_the_changed_suggestions_of_a_date_by_their_own_index(screened_bank):
    rows = (
        visible_assessments(screened_bank.users["rm_branch"])
        .filter(as_of=AS_OF)
        .exclude(change="same")
        .exclude(status="confirmed")
        .order_by("-dpd", "loan_id")
    )
    assert "assessment_changed_idx" in plan(rows)


def test_it_reads_the_newest_signals_in_index_order(screened_bank):
    rows = (
        visible_signals(screened_bank.users["rm_branch"])
        .exclude(status="released")
        .select_related("customer", "owner")
        .order_by("-raised_on", "-id")[:50]
    )
    text = plan(rows)
    assert "signal_raised_idx" in text and "TEMP B-TREE" not in text


def test_it_starts_the_overdue_count_from_the_few_overdue_assessments(screened_bank):
    text = plan(Loan.objects.filter(overdue_loan_q(AS_OF)))
    assert "assessment_overdue_idx" in text
    assert Loan.objects.filter(overdue_loan_q(AS_OF)).count() == 1
