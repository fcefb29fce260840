"""The snapshot's fast reads (sqlite3 shell / PostgreSQL COPY) give the engine exactly what the
cursor gives, and the shell is used only where it can see the data."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection

from postloan.portfolio.models import Account, Customer, Transaction
from postloan.risk.engine import Thresholds, inputs, screen
from postloan.risk.snapshot import build_snapshot
from postloan.risk.snapshot_io import _can_use_shell, _inline, literal, shell

AS_OF = date(2026, 10, 31)


def typed(con) -> dict[str, list]:
    """Every engine input of a snapshot, cast to the contract's types, rows sorted."""
    present = inputs.existing_relations(con)
    out = {}
    for name in inputs.input_names():
        if name in present:
            rows = con.execute(inputs.normalised_select(con, name, True)).fetchall()
            out[name] = sorted(rows, key=repr)
    return out


def add_awkward_text(bank) -> None:
    """Values a CSV round trip could mangle: commas, quotes, newlines, backslashes, empty."""
    branch = next(iter(bank.branches.values()))
    customer = Customer.objects.create(
        customer_id="IO1", name='逗号,引号"换行\n反斜杠\\', type="corporate", branch=branch
    )
    account = Account.objects.create(account_id="IOA1", customer=customer)
    for i, summary in enumerate(["", "货款,含逗号", 'say "hi"', "a\\Nb", "多行\n摘要"]):
        Transaction.objects.create(
            txn_id=f"IOT{i}",
            account=account,
            txn_date=date(2026, 10, 1 + i),
            direction="out",
            amount=Decimal("1234567.89"),
            counterparty_name=summary,
            summary=summary,
        )


@pytest.mark.django_db(transaction=True)
def test_fast_and_cursor_snapshots_are_identical(bank):
    add_awkward_text(bank)
    assert not connection.in_atomic_block
    fast = build_snapshot(AS_OF, Thresholds())
    slow = build_snapshot(AS_OF, Thresholds(), fast=False)
    fast_inputs, slow_inputs = typed(fast), typed(slow)
    assert fast_inputs == slow_inputs
    assert fast_inputs["customers"] and fast_inputs["txn_detail"] and fast_inputs["txn_monthly"]
    assert any('逗号,引号"换行\n反斜杠\\' in row for row in fast_inputs["customers"])
    a, b = screen(fast, AS_OF), screen(slow, AS_OF)
    for table in ("loan_classification", "signals", "risk_view"):
        key = repr
        assert sorted(getattr(a, table).to_pylist(), key=key) == sorted(
            getattr(b, table).to_pylist(), key=key
        )


@pytest.mark.django_db(transaction=True)
def test_sqlite_uses_the_shell_only_outside_a_transaction():
    from django.db import transaction

    expected = connection.vendor == "sqlite" and shell() is not None
    assert _can_use_shell(connection) is expected
    with transaction.atomic():
        # another process could not see rows written in this transaction
        assert _can_use_shell(connection) is False


@pytest.mark.django_db
def test_uncommitted_rows_are_in_the_snapshot(bank):
    add_awkward_text(bank)  # written inside the test's transaction
    con = build_snapshot(AS_OF, Thresholds())
    assert con.execute("SELECT count(*) FROM txn_detail WHERE txn_id LIKE 'IOT%'").fetchall() == [
        (5,)
    ]


def test_parameters_become_sqlite_literals():
    assert literal(None) == "NULL"
    assert literal(True) == "1" and literal(False) == "0"
    assert literal(12) == "12" and literal(Decimal("1.50")) == "1.50"
    assert literal(date(2026, 1, 2)) == "'2026-01-02'"
    assert literal("it's") == "'it''s'"
    assert _inline("SELECT %s, %s", [1, "x"]) == "SELECT 1, 'x'"
    with pytest.raises(ValueError):
        _inline("SELECT %s", [])


@pytest.mark.django_db(transaction=True)
def test_a_failing_fast_read_raises():
    import duckdb
    from django.db import DatabaseError

    from postloan.risk import snapshot_io

    with pytest.raises((RuntimeError, DatabaseError)) as failure:
        snapshot_io.load_all(duckdb.connect(), connection, {"x": ("SELECT * FROM no_such", [])})
    if _can_use_shell(connection):
        assert "sqlite3 读取失败" in str(failure.value)


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="side-by-side reads on one exported snapshot are PostgreSQL's path",
)
@pytest.mark.django_db(transaction=True)
def test_postgresql_reads_side_by_side_on_one_snapshot(bank, monkeypatch):
    """A customer committed while the snapshot is being read is in none of its tables: every
    reader sees the database as it was when the snapshot was taken."""
    import threading

    from postloan.risk import snapshot_io

    add_awkward_text(bank)
    branch = next(iter(bank.branches.values()))
    real_copy, readers, late = snapshot_io._copy_to_file, set(), []

    first = threading.Lock()

    def copy_after_a_late_commit(cursor, sql, params, path):
        readers.add(threading.current_thread().name)
        if first.acquire(blocking=False):  # the first read: another session commits a customer
            try:
                customer = Customer.objects.create(
                    customer_id="LATE1", name="快照之后的客户", type="corporate", branch=branch
                )
                account = Account.objects.create(account_id="LATEA1", customer=customer)
                Transaction.objects.create(
                    txn_id="LATET1",
                    account=account,
                    txn_date=date(2026, 10, 30),
                    direction="out",
                    amount=Decimal("900000.00"),
                )
                late.append(customer.pk)
            finally:
                connection.close()  # this thread's own connection (autocommit: committed)
        real_copy(cursor, sql, params, path)

    monkeypatch.setattr(snapshot_io, "_copy_to_file", copy_after_a_late_commit)
    con = build_snapshot(AS_OF, Thresholds())

    assert late == ["LATE1"] and Customer.objects.filter(pk="LATE1").exists()
    assert not any(name.startswith("MainThread") for name in readers)
    for table, column in (("customers", "customer_id"), ("accounts", "customer_id")):
        found = con.execute(f"SELECT count(*) FROM {table} WHERE {column} = 'LATE1'").fetchall()
        assert found == [(0,)], table
    assert con.execute("SELECT count(*) FROM txn_detail WHERE txn_id = 'LATET1'").fetchall() == [
        (0,)
    ]
    assert con.execute("SELECT count(*) FROM txn_detail WHERE txn_id LIKE 'IOT%'").fetchall() == [
        (5,)
    ]
