"""SQLite side files (`ingest.side`): the big tables reach the database through files the
`sqlite3` shell writes before the import's transaction. Values must arrive exactly as the
`executemany` path binds them, and a failing shell must fail the batch and keep nothing.

These tests need a database with no transaction open (the shell works beside the importer),
hence `transactional_db`."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection, transaction

from postloan.core import sqlite_shell
from postloan.ingest import indexes, load, side
from postloan.ingest.service import run_import
from postloan.ingest.stage import Stage
from postloan.portfolio.models import Customer, Transaction
from tests.ingest.conftest import AWKWARD_NAMES
from tests.ingest.test_copy_load import AWKWARD_TEXT
from tests.portfolio.test_txn_totals import grouped, stored

pytestmark = [
    pytest.mark.skipif(connection.vendor != "sqlite", reason="side files are SQLite's path"),
    pytest.mark.skipif(sqlite_shell.path() is None, reason="needs the sqlite3 shell"),
]

SCRATCH_COLUMNS = ["id", "txt", "flag", "day", "ratio", "fen"]


@pytest.fixture
def every_table_by_side(monkeypatch):
    """Send every table of a batch, however small, through a side file."""
    monkeypatch.setattr(side, "MIN_ROWS", 0)
    monkeypatch.setattr(side, "MAX_FILES", 10)


@pytest.fixture
def spied():
    """The SQL statements the Django connection runs."""
    statements: list[str] = []

    def spy(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(spy):
        yield statements


@pytest.fixture
def scratch_tables(transactional_db):
    with connection.cursor() as cur:
        for name in ("side_scratch", "many_scratch"):
            cur.execute(
                f"CREATE TABLE {name} (id integer PRIMARY KEY, txt varchar(100) NULL,"
                " flag bool NULL, day date NULL, ratio decimal NULL, fen bigint NULL)"
            )
    yield
    with connection.cursor() as cur:
        for name in ("side_scratch", "many_scratch"):
            cur.execute(f"DROP TABLE {name}")


def _typed_rows(table: str) -> list[tuple]:
    """Every value with its SQLite storage class, so that 1 and '1' differ."""
    cols = ", ".join(f"{c}, typeof({c})" for c in SCRATCH_COLUMNS)
    with connection.cursor() as cur:
        cur.execute(f"SELECT {cols} FROM {table} ORDER BY id")
        return cur.fetchall()


def test_values_arrive_as_the_executemany_path_binds_them(scratch_tables):
    rows = [(i, text, None, None, None, None) for i, text in enumerate(AWKWARD_TEXT)]
    rows += [
        (100, "x", True, dt.date(2024, 2, 29), Decimal("0.043500"), 123_456_789_012),
        (101, "", False, dt.date(1, 1, 1), Decimal("-0.000001"), -5),
        (102, None, None, dt.date(9999, 12, 31), Decimal("999999.999999"), 0),
        (103, "12", True, None, Decimal("100.000000"), None),
    ]
    with Stage() as stage:
        stage.con.execute(
            "CREATE TABLE src (id INTEGER, txt VARCHAR, flag BOOLEAN, day DATE,"
            " ratio DECIMAL(12, 6), fen BIGINT)"
        )
        stage.con.executemany("INSERT INTO src VALUES (?, ?, ?, ?, ?, ?)", rows)
        select = "SELECT * FROM src ORDER BY id DESC"  # the side file sorts by `order`
        files = side.SideFiles(stage)
        files.add("side_scratch", select, order=[1], not_null=frozenset({0}))
        with files.active(), transaction.atomic():
            written = load.bulk_insert(stage, "side_scratch", select, SCRATCH_COLUMNS)
        load.bulk_insert(stage, "many_scratch", select, SCRATCH_COLUMNS)  # executemany
        assert not list(stage.workdir.glob("side-*"))  # CSV and side file are gone
    assert written == len(rows)
    assert _typed_rows("side_scratch") == _typed_rows("many_scratch")
    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM side_scratch WHERE txt IS NULL")
        assert cur.fetchone()[0] == 2  # NULL came back; '' and 'NULL' stayed text
        cur.execute("SELECT txt FROM side_scratch WHERE id = 1")
        assert cur.fetchone()[0] == AWKWARD_TEXT[1]
        cur.execute("PRAGMA database_list")
        assert not [r[1] for r in cur.fetchall() if r[1].startswith("side_")]  # detached again


@pytest.mark.parametrize("first_by_side", [True, False])
def test_side_and_executemany_imports_store_the_same_values(
    transactional_db,
    awkward_bank,
    monkeypatch,
    first_by_side,
):
    """A re-import of the same batch rewrites only rows whose stored values differ; through the
    other path it must rewrite none — for awkward text, NULLs, booleans, decimals and dates."""

    def run(by_side: bool):
        monkeypatch.setattr(side, "MIN_ROWS", 0 if by_side else 10**12)
        monkeypatch.setattr(side, "MAX_FILES", 10)
        result = run_import(awkward_bank)
        assert result.ok, [str(e) for e in result.errors]
        return {f["table"]: f["written"] for f in result.batch.files}

    first = run(first_by_side)
    assert first["customers"] == 3 and first["transactions"] == 3
    again = run(not first_by_side)
    assert again == dict.fromkeys(first, 0)
    assert {c.pk: c.name for c in Customer.objects.all()} == AWKWARD_NAMES
    c2 = Customer.objects.get(pk="C002")
    assert (c2.manager_id, c2.industry_code) == (None, "")
    assert Transaction.objects.get(pk="T002").summary == "第一行\n第二行"
    assert stored() == grouped()


def test_a_first_load_by_side_files_builds_totals_and_indexes(
    transactional_db,
    awkward_bank,
    every_table_by_side,
    spied,
    monkeypatch,
):
    monkeypatch.setattr(indexes, "MIN_ROWS", 0)  # defer the secondary indexes too, as at scale
    result = run_import(awkward_bank)
    assert result.ok, [str(e) for e in result.errors]
    assert "prepare" in result.timings
    copies = [s for s in spied if s.startswith("INSERT INTO") and ".rows" in s]
    assert any('"transactions"' in s for s in copies)
    assert any('"txn_month_totals"' in s for s in copies)
    assert not [s for s in spied if "VALUES" in s and '"transactions"' in s]
    assert stored() == grouped()
    assert Transaction.objects.count() == 3
    assert "txn_account_date_idx" in dict(indexes.secondary_indexes("transactions"))
    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM sqlite_master WHERE type = 'trigger'")
        assert cur.fetchone()[0] >= 3  # the totals' triggers are back
    t = Transaction.objects.create(
        txn_id="T900",
        account_id="A001",
        txn_date=dt.date(2026, 11, 1),
        direction="in",
        amount=Decimal("1.00"),
    )
    assert stored() == grouped(), t  # and they work


def test_a_failing_shell_fails_the_batch_in_chinese_and_writes_nothing(
    transactional_db,
    awkward_bank,
    every_table_by_side,
    monkeypatch,
):
    monkeypatch.setattr(sqlite_shell, "path", lambda: "/bin/false")
    result = run_import(awkward_bank)
    assert not result.ok
    assert any("sqlite3" in e.reason and "失败" in e.reason for e in result.errors)
    assert Customer.objects.count() == 0
    assert Transaction.objects.count() == 0
    with connection.cursor() as cur:
        cur.execute("PRAGMA database_list")
        assert not [r[1] for r in cur.fetchall() if r[1].startswith("side_")]


def test_a_null_where_the_target_refuses_one_fails_the_export(scratch_tables):
    with Stage() as stage:
        stage.con.execute("CREATE TABLE src AS SELECT 1 AS id, CAST(NULL AS VARCHAR) AS txt")
        files = side.SideFiles(stage)
        files.add("side_scratch", "SELECT id, txt FROM src", order=[1], not_null=frozenset({1}))
        with (
            pytest.raises(side.SideFileError, match="第 2 列出现空值"),
            files.active(),
            transaction.atomic(),
        ):
            load.bulk_insert(stage, "side_scratch", "SELECT id, txt FROM src", ["id", "txt"])
    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM side_scratch")
        assert cur.fetchone()[0] == 0


def test_inside_a_transaction_everything_goes_through_executemany(db, awkward_bank):
    assert not side.SideFiles.available()  # the test's own transaction is open
    assert run_import(awkward_bank).ok
    assert Customer.objects.count() == 3
