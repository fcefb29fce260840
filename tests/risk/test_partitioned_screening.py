"""Screening past one machine (`risk.partition`): the S demo bank screened as two partitions by
unit subtree — two workers, each with its own snapshot and DuckDB — merges into exactly the
result one run gives, table by table."""

import datetime as dt

import pytest

from postloan.demo.generate import generate_bank
from postloan.ingest.service import run_import
from postloan.org.models import Branch
from postloan.portfolio.models import Customer
from postloan.risk import partition
from postloan.risk.actions import persist_result
from postloan.risk.actions.screening import add_workflow_inputs
from postloan.risk.engine.screen import screen
from postloan.risk.models import CustomerRiskView, LoanAssessment
from postloan.risk.snapshot import build_snapshot
from postloan.risk.thresholds import current_thresholds

AS_OF = dt.date(2026, 10, 31)


def rows(table) -> list[str]:
    """A table's rows in a canonical order (column order and row order do not matter)."""
    if table is None or not table.num_columns:
        return []
    names = sorted(table.column_names)
    return sorted(repr(tuple(row[c] for c in names)) for row in table.to_pylist())


@pytest.fixture
def s_bank_db(db, tmp_path):
    generate_bank("S", 1, tmp_path, AS_OF)
    assert run_import(tmp_path, as_of=AS_OF).ok


def test_two_partitions_by_unit_subtree_give_the_result_of_one_run(s_bank_db):
    units = partition.unit_partitions(2)
    assert all(units) and not set(units[0]) & set(units[1])
    assert set(units[0]) | set(units[1]) == set(Branch.objects.values_list("pk", flat=True))

    con = build_snapshot(AS_OF, current_thresholds())
    try:
        add_workflow_inputs(con)
        one = screen(con, AS_OF, current_thresholds()).tables()
    finally:
        con.close()
    shares, sizes = zip(
        *(partition.screen_partition(AS_OF, k, 2, units) for k in range(2)), strict=True
    )
    merged = partition.merge_results(list(shares))

    customers = Customer.objects.count()
    assert sum(s["own_customers"] for s in sizes) == customers
    assert all(0 < s["own_customers"] < customers for s in sizes)
    assert all(s["customers"] < customers for s in sizes)  # each worker reads a part only
    assert one["loan_classification"].num_rows > 1000 and one["signals"].num_rows > 10
    for name in partition.RESULT_TABLES:
        assert rows(merged[name]) == rows(one[name]), name
    ranks = merged["risk_view"].column("rank").to_pylist()
    assert ranks == list(range(1, len(ranks) + 1))

    counts = persist_result(merged, AS_OF)  # persisted as any screening's result
    assert counts["loans"] == one["loan_classification"].num_rows
    assert LoanAssessment.objects.filter(as_of=AS_OF).count() == counts["loans"]
    assert CustomerRiskView.objects.filter(as_of=AS_OF, rank=1).count() == 1
