"""A first load into an empty table re-creates its secondary indexes exactly; a failure inside
the import's transaction brings them back; a non-empty table keeps them throughout."""

import pytest
from django.db import IntegrityError, connection, transaction

from postloan.ingest import indexes
from postloan.ingest.service import run_import

pytestmark = pytest.mark.django_db


def test_a_first_load_ends_with_the_same_indexes(monkeypatch, bank_dir):
    before = indexes.secondary_indexes("transactions")
    assert before, "transactions has a secondary index (account, date)"
    dropped = []
    real = indexes.secondary_indexes

    def spy(table):
        found = real(table)
        dropped.append((table, [name for name, _ in found]))
        return found

    monkeypatch.setattr(indexes, "MIN_ROWS", 1)
    monkeypatch.setattr(indexes, "secondary_indexes", spy)
    assert run_import(bank_dir).ok
    assert ("transactions", [name for name, _ in before]) in dropped
    assert real("transactions") == before
    assert real("loans") and not indexes.table_is_empty("transactions")


def test_a_failed_load_gets_its_indexes_back(monkeypatch):
    monkeypatch.setattr(indexes, "MIN_ROWS", 1)
    before = indexes.secondary_indexes("transactions")
    with (
        pytest.raises(RuntimeError),
        transaction.atomic(),
        indexes.deferred_indexes("transactions", rows=10),
    ):
        assert indexes.secondary_indexes("transactions") == []
        raise RuntimeError("the load failed")
    assert indexes.secondary_indexes("transactions") == before


def test_a_table_with_rows_keeps_its_indexes(monkeypatch, imported):
    monkeypatch.setattr(indexes, "MIN_ROWS", 1)
    before = indexes.secondary_indexes("transactions")
    with indexes.deferred_indexes("transactions", rows=10):
        assert indexes.secondary_indexes("transactions") == before


def _tables_asked(monkeypatch, name: str) -> list[str]:
    """Spy on `indexes.<name>(table)`: the tables it was asked about, in order."""
    real, asked = getattr(indexes, name), []

    def spy(table):
        asked.append(table)
        return real(table)

    monkeypatch.setattr(indexes, name, spy)
    return asked


postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="PostgreSQL's first-load path: foreign keys, unique keys, the pattern index",
)


@postgres_only
def test_a_first_load_of_fresh_tables_checks_foreign_keys_in_one_go(monkeypatch, bank_dir):
    monkeypatch.setattr(indexes, "MIN_ROWS", 1)
    before = indexes.foreign_keys("transactions")
    assert [fk[1] for fk in before] == ["accounts"]
    real, seen = indexes.foreign_keys, _tables_asked(monkeypatch, "foreign_keys")
    assert run_import(bank_dir).ok
    assert "transactions" in seen
    assert real("transactions") == before  # the same constraint, deferrable as before


@postgres_only
def test_a_foreign_key_added_back_checks_every_row(monkeypatch):
    monkeypatch.setattr(indexes, "MIN_ROWS", 1)
    fresh = frozenset({"transactions", "accounts"})
    with (
        pytest.raises(IntegrityError),
        transaction.atomic(),
        indexes.deferred_indexes("transactions", rows=10, fresh=fresh),
        connection.cursor() as cur,
    ):
        assert indexes.foreign_keys("transactions") == []
        cur.execute(
            "INSERT INTO transactions (txn_id, account_id, txn_date, direction, amount,"
            " counterparty_name, counterparty_account, summary, category)"
            " VALUES ('T1', 'NO-SUCH-ACCOUNT', '2026-01-01', 'in', 1, '', '', '', 'other')"
        )
    assert [fk[1] for fk in indexes.foreign_keys("transactions")] == ["accounts"]


@postgres_only
def test_a_table_referring_to_one_with_rows_keeps_its_foreign_key(monkeypatch):
    monkeypatch.setattr(indexes, "MIN_ROWS", 1)
    fresh = frozenset({"transactions"})
    with transaction.atomic(), indexes.deferred_indexes("transactions", rows=10, fresh=fresh):
        assert [fk[1] for fk in indexes.foreign_keys("transactions")] == ["accounts"]


@postgres_only
def test_the_unused_pattern_index_on_the_flow_key_is_gone():
    names = [name for name, _ in indexes.secondary_indexes("transactions")]
    assert "txn_account_date_idx" in names
    assert not [n for n in names if n.startswith("transactions_txn_id_") and n.endswith("_like")]


@postgres_only
def test_a_first_load_drops_and_restores_the_unique_keys_exactly(monkeypatch, bank_dir):
    monkeypatch.setattr(indexes, "MIN_ROWS", 1)
    before = {t: indexes.unique_keys(t) for t in ("transactions", "repayments", "txn_month_totals")}
    assert before["transactions"] == [("transactions_pkey", "PRIMARY KEY (txn_id)")]
    assert ("repayment_key", "UNIQUE (loan_id, due_date)") in before["repayments"]
    real, dropped = indexes.unique_keys, _tables_asked(monkeypatch, "unique_keys")
    assert run_import(bank_dir).ok
    assert {"transactions", "repayments", "txn_month_totals"} <= set(dropped)
    assert {t: real(t) for t in before} == before


@postgres_only
def test_a_key_referenced_by_another_table_stays():
    # loans' primary key carries the foreign keys of repayments, disbursements …
    assert "loans_pkey" not in [name for name, _ in indexes.unique_keys("loans")]
    with connection.cursor() as cur:
        cur.execute(
            "SELECT 1 FROM pg_constraint WHERE conrelid = 'loans'::regclass AND contype = 'p'"
        )
        assert cur.fetchone()


@postgres_only
def test_a_duplicate_key_fails_the_load_when_the_key_comes_back(monkeypatch, imported):
    from postloan.portfolio.models import Transaction

    monkeypatch.setattr(indexes, "MIN_ROWS", 1)
    Transaction.objects.all().delete()  # empty again: the next load is a first load
    flow = (
        "INSERT INTO transactions (txn_id, account_id, txn_date, direction, amount,"
        " counterparty_name, counterparty_account, summary, category)"
        " VALUES ('T1', 'A001', '2026-01-01', 'in', 1, '', '', '', 'other')"
    )
    with (
        pytest.raises(IntegrityError, match="transactions_pkey"),
        transaction.atomic(),
        indexes.deferred_indexes("transactions", rows=10),
        connection.cursor() as cur,
    ):
        assert indexes.unique_keys("transactions") == []
        cur.execute(flow)
        cur.execute(flow)  # accepted while the key is away
        cur.execute("SELECT COUNT(*) FROM transactions WHERE txn_id = 'T1'")
        assert cur.fetchone()[0] == 2
    assert indexes.unique_keys("transactions") == [("transactions_pkey", "PRIMARY KEY (txn_id)")]
