"""A first load into an empty table re-creates its secondary indexes exactly; a failure inside
the import's transaction brings them back; a non-empty table keeps them throughout."""

import pytest
from django.db import transaction

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
