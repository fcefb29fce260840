"""The bulk write path: COPY on PostgreSQL, executemany on SQLite — values arrive exactly,
unchanged rows are not rewritten, and a failure in the middle of the write keeps nothing."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction

from postloan.core.business_date import current_business_date
from postloan.core.models import AuditEvent
from postloan.ingest import load
from postloan.ingest.models import ImportBatch
from postloan.ingest.service import run_import
from postloan.ingest.stage import Stage
from postloan.portfolio.models import Customer, Loan, Transaction
from tests.ingest.conftest import AWKWARD_NAMES, BANK, write_csv
from tests.ingest.test_import import counts
from tests.portfolio.test_txn_totals import grouped, stored

pytestmark = pytest.mark.django_db

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the COPY path is PostgreSQL's"
)

AWKWARD_TEXT = [
    "a,b",
    'say "hi"',
    "line1\nline2",
    "cr\r\nlf",
    "back\\slash",
    "\\N",
    "\\.",
    "x\n\\.\ny",
    "中文，“引号”、逗号",
    "",
    None,
    "  padded  ",
    "NULL",
    ",",
    '"',
    '""',
]


@pytest.fixture
def stage():
    with Stage() as s:
        yield s


@pytest.fixture
def scratch(db):
    """A plain table (no contract) for `bulk_insert`, gone with the test's transaction."""
    with connection.cursor() as cur:
        cur.execute(
            "CREATE TABLE copy_scratch (id integer PRIMARY KEY, txt varchar(100) NULL,"
            " flag boolean NULL, day date NULL, ratio numeric(12, 6) NULL, fen bigint NULL)"
        )
    return "copy_scratch"


def _scratch_source(stage, rows) -> str:
    stage.con.execute(
        "CREATE TABLE src (id INTEGER, txt VARCHAR, flag BOOLEAN, day DATE,"
        " ratio DECIMAL(12, 6), fen BIGINT)"
    )
    stage.con.executemany("INSERT INTO src VALUES (?, ?, ?, ?, ?, ?)", rows)
    return "SELECT id, txt, flag, day, ratio, fen FROM src ORDER BY id"


def _fetch(sql: str) -> list[tuple]:
    with connection.cursor() as cur:
        cur.execute(sql)
        return cur.fetchall()


def test_it_inserts_awkward_text_exactly(stage, scratch):
    rows = [(i, text, None, None, None, None) for i, text in enumerate(AWKWARD_TEXT)]
    columns = ["id", "txt", "flag", "day", "ratio", "fen"]
    written = load.bulk_insert(stage, scratch, _scratch_source(stage, rows), columns)
    assert written == len(AWKWARD_TEXT)
    assert _fetch("SELECT id, txt FROM copy_scratch ORDER BY id") == [
        (i, text) for i, text in enumerate(AWKWARD_TEXT)
    ]
    assert _fetch("SELECT count(*) FROM copy_scratch WHERE txt IS NULL") == [(1,)]
    assert _fetch("SELECT count(*) FROM copy_scratch WHERE txt = ''") == [(1,)]
    assert not list(stage.workdir.glob("copy-*.csv"))  # the CSV is removed once read


@postgres_only
def test_it_inserts_booleans_dates_decimals_and_fen_exactly(stage, scratch):
    rows = [
        (1, "x", True, dt.date(2024, 2, 29), Decimal("0.043500"), 123_456_789_012),
        (2, "", False, dt.date(1, 1, 1), Decimal("-0.000001"), -5),
        (3, None, None, dt.date(9999, 12, 31), Decimal("999999.999999"), 0),
        (4, None, None, None, None, None),
    ]
    columns = ["id", "txt", "flag", "day", "ratio", "fen"]
    assert load.bulk_insert(stage, scratch, _scratch_source(stage, rows), columns) == 4
    assert _fetch("SELECT * FROM copy_scratch ORDER BY id") == rows


def test_bulk_insert_matches_columns_by_position(stage, scratch):
    stage.con.execute("CREATE TABLE src AS SELECT 7 AS anything, 'seven' AS other")
    assert load.bulk_insert(stage, scratch, "SELECT * FROM src", ["id", "txt"]) == 1
    assert _fetch("SELECT id, txt, flag FROM copy_scratch") == [(7, "seven", None)]
    with pytest.raises(ValueError):
        load.bulk_insert(stage, scratch, "SELECT * FROM src", ["id"])


def test_bulk_insert_keeps_nothing_of_a_call_that_breaks_a_key(stage, scratch):
    sql = _scratch_source(stage, [(1, "a", None, None, None, None)])
    load.bulk_insert(stage, scratch, sql, ["id", "txt", "flag", "day", "ratio", "fen"])
    stage.con.execute("INSERT INTO src VALUES (2, 'b', NULL, NULL, NULL, NULL)")
    with pytest.raises(IntegrityError), transaction.atomic():
        load.bulk_insert(stage, scratch, sql, ["id", "txt", "flag", "day", "ratio", "fen"])
    assert _fetch("SELECT id, txt FROM copy_scratch") == [(1, "a")]


def test_an_import_lands_awkward_values_exactly(awkward_bank):
    result = run_import(awkward_bank)
    assert result.ok, [str(e) for e in result.errors]
    assert {c.pk: c.name for c in Customer.objects.all()} == AWKWARD_NAMES
    c2 = Customer.objects.get(pk="C002")
    assert (c2.manager_id, c2.industry_code) == (None, "")  # NULL and '' stay apart
    t1, t2, t3 = Transaction.objects.order_by("txn_id")
    assert (t1.amount, t1.counterparty_name, t1.summary) == (
        Decimal("1234567.89"),
        "某某,商贸",
        '"货款"',
    )
    assert (t2.amount, t2.counterparty_name, t2.summary) == (Decimal("0.01"), "", "第一行\n第二行")
    assert (t3.txn_date, t3.counterparty_name, t3.summary) == (dt.date(2026, 10, 31), "a\\b", "")
    l001, l002, l003 = Loan.objects.order_by("loan_id")
    assert (l001.interest_rate, l001.restructured, l001.maturity_date) == (
        Decimal("0.0435"),
        False,
        dt.date(2026, 6, 1),
    )
    assert (l002.facility_id, l002.balance, l002.deposit_ratio) == (None, Decimal("45000.50"), None)
    assert l003.interest_rate is None
    with connection.cursor() as cur:
        cur.execute("SELECT amount FROM transactions WHERE txn_id = 'T001'")
        assert cur.fetchone()[0] == 123_456_789  # integer fen
    assert stored() == grouped()  # the month totals written beside the first load


def test_a_reimport_writes_nothing_and_a_later_batch_writes_only_changes(
    imported, bank_dir, tmp_path
):
    assert {f["table"]: f["written"] for f in imported.batch.files} == imported.rows
    again = run_import(bank_dir)
    assert again.ok
    assert {f["table"]: f["written"] for f in again.batch.files} == dict.fromkeys(again.rows, 0)

    later = tmp_path / "later"
    later.mkdir()
    txns = BANK["transactions"].replace(
        "T002,A001,2026-10-05,out,80000", "T002,A001,2026-10-05,out,80000.01"
    )
    write_csv(
        later, "transactions", txns.rstrip() + "\n        T100,A003,2026-11-02,out,12,,,缴税,\n"
    )
    result = run_import(later)
    assert result.ok, [str(e) for e in result.errors]
    assert result.batch.files[0]["written"] == 2  # T002 changed, T100 new, five untouched
    assert Transaction.objects.get(pk="T002").amount == Decimal("80000.01")
    assert Transaction.objects.get(pk="T100").category == "tax"
    assert Transaction.objects.count() == 7
    assert stored() == grouped()  # the triggers kept the totals through the upsert


@postgres_only
def test_a_first_load_copies_straight_into_the_table_and_later_ones_go_through_staging(
    bank_dir,
):
    statements = []

    def spy(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(spy):
        assert run_import(bank_dir).ok
    assert not [s for s in statements if "CREATE TEMPORARY TABLE" in s]
    statements.clear()
    with connection.execute_wrapper(spy):
        assert run_import(bank_dir).ok
    staged = [s for s in statements if "CREATE TEMPORARY TABLE" in s]
    assert len(staged) == len(BANK)  # every table of the batch was already filled
    upserts = [s for s in statements if s.startswith('INSERT INTO "loans"')]
    assert len(upserts) == 1 and 'FROM pg_temp."load_loans"' in upserts[0]


def _refuse(table: str, condition: str) -> None:
    """A database rule the importer's validation does not know about, so the write fails."""
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("SET CONSTRAINTS ALL IMMEDIATE")  # ALTER refuses while FK checks wait
            cur.execute(f"ALTER TABLE {table} ADD CONSTRAINT test_refuse CHECK (NOT ({condition}))")
            cur.execute("SET CONSTRAINTS ALL DEFERRED")
        else:
            for event in ("INSERT", "UPDATE"):
                cur.execute(
                    f"CREATE TRIGGER test_refuse_{event.lower()} BEFORE {event} ON {table}"
                    f" WHEN {condition.replace(table, 'NEW')}"
                    " BEGIN SELECT RAISE(ABORT, 'refused by test'); END"
                )


def _assert_failed_write(result) -> None:
    assert not result.ok
    batch = ImportBatch.objects.get(pk=result.batch.pk)
    assert batch.outcome == ImportBatch.Outcome.FAILED
    assert "写入数据库失败" in batch.report["errors"][0]["reason"]


def test_a_failure_in_the_middle_of_a_first_load_keeps_nothing(bank_dir):
    _refuse("loans", "loans.loan_id = 'L003'")  # loans come after branches, staff, customers…
    result = run_import(bank_dir)
    _assert_failed_write(result)
    assert counts() == dict.fromkeys(counts(), 0)
    assert not AuditEvent.objects.exists()
    assert current_business_date() is None


def test_a_failure_in_the_middle_of_an_upsert_keeps_nothing(imported, tmp_path):
    with connection.cursor() as cur:
        cur.execute("SELECT * FROM customers ORDER BY customer_id")
        customers_before = cur.fetchall()
    events_before = AuditEvent.objects.count()
    folder = tmp_path / "day2"
    folder.mkdir()
    write_csv(folder, "customers", BANK["customers"].replace("李娜", "李娜娜"))
    write_csv(folder, "loans", BANK["loans"].replace("50000,45000.5", "50000,40000"))
    _refuse("loans", "loans.balance = 4000000")
    result = run_import(folder, as_of=dt.date(2026, 11, 1))
    _assert_failed_write(result)
    with connection.cursor() as cur:
        cur.execute("SELECT * FROM customers ORDER BY customer_id")
        assert cur.fetchall() == customers_before  # written before the failure, rolled back
    assert Loan.objects.get(pk="L002").balance == Decimal("45000.50")
    assert AuditEvent.objects.count() == events_before
    assert current_business_date() == dt.date(2026, 10, 31)
