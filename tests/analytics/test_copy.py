"""The analytical copy: written by the import inside its batch, read by the screening with the
same results as the database, appended to by a delta, rebuilt or refused when behind."""

import csv
import datetime as dt

import pytest
from django.core.management import call_command
from django.db import connection

from postloan.analytics import store
from postloan.analytics.models import Generation
from postloan.analytics.split import split
from postloan.core.models import AuditEvent
from postloan.ingest.service import run_import
from postloan.risk import copy as copy_state
from postloan.risk import copy_verify as verify

pytestmark = pytest.mark.django_db

AS_OF = dt.date(2026, 10, 31)
DAY = dt.date(2026, 10, 30)


@pytest.fixture(scope="session")
def extract(tmp_path_factory):
    """The XS demo bank, and the same cut into a base and the delta of `DAY`."""
    from postloan.demo.generate import generate_bank

    root = tmp_path_factory.mktemp("analytics-xs")
    generate_bank("XS", 1, str(root / "full"), AS_OF)
    rows = split(root / "full", root / "base", root / "delta", DAY)
    assert rows["transactions"] > 0 and rows["repayments"] > 0
    return root


@pytest.fixture(autouse=True)
def var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    settings.POSTLOAN_SCREEN_AFTER_IMPORT = False
    return tmp_path


def _imported(folder, as_of):
    result = run_import(folder, as_of=as_of)
    assert result.ok, result.errors[:3]
    return result


def _db_rows(table):
    with connection.cursor() as cur:
        cur.execute(f"SELECT count(*) FROM {table}")
        return cur.fetchone()[0]


def _copy_rows(table):
    import duckdb

    manifest = copy_state.current_for_screening()
    con = duckdb.connect()
    try:
        return con.execute(
            f"SELECT count(*) FROM ({store.relation_sql(manifest, table)})"
        ).fetchone()[0]
    finally:
        con.close()


def test_an_import_writes_the_copy_and_the_screening_from_it_equals_the_databases(extract):
    result = _imported(extract / "full", AS_OF)
    now = copy_state.state()
    assert now.current and now.generation.batch_id == result.batch.pk
    assert now.generation.kind == Generation.Kind.IMPORT
    for table in store.COPIED:
        assert now.generation.rows[table] == _db_rows(table) == _copy_rows(table) > 0
    assert "analytics" in result.timings
    assert verify.differences(AS_OF) == {}
    assert verify.differences(dt.date(2026, 9, 15)) == {}  # an earlier date: partial months


def test_the_screening_reads_the_copy_not_the_database(extract):
    _imported(extract / "full", AS_OF)
    copy_before, _ = verify.screen_outputs(AS_OF, "copy")
    with connection.cursor() as cur:  # behind the importer's back (never done by the product)
        cur.execute("DELETE FROM repayments")
    copy_after, _ = verify.screen_outputs(AS_OF, "copy")
    database_after, _ = verify.screen_outputs(AS_OF, "database")
    assert copy_after == copy_before
    assert database_after["loan_dpd"] != copy_after["loan_dpd"]


def test_a_daily_delta_is_a_new_part_and_screens_as_the_database(extract):
    _imported(extract / "base", DAY - dt.timedelta(days=1))
    first = copy_state.state().generation
    delta = _imported(extract / "delta", DAY)
    gen = copy_state.state().generation
    assert gen.batch_id == delta.batch.pk and gen.token != first.token
    assert gen.parts["transactions"] == 2 and gen.parts["repayments"] == 2
    for table in store.COPIED:
        assert gen.rows[table] == _db_rows(table) == _copy_rows(table)
    manifest = store.Manifest.read(gen.store, gen.token)
    old = store.Manifest.read(first.store, first.token)
    # the base's part is the same file: nothing of it was rewritten
    assert manifest.tables["transactions"][0].file == old.tables["transactions"][0].file
    assert manifest.tables["transactions"][1].rows == delta.rows["transactions"]
    assert verify.differences(DAY) == {}


def test_a_delta_that_resends_rows_replaces_them_in_the_copy(extract, tmp_path):
    _imported(extract / "full", AS_OF)
    with (extract / "full" / "repayments.csv").open(encoding="utf-8") as f:
        rows = [r for r in csv.DictReader(f) if r["paid_off_date"] == ""][:3]
    folder = tmp_path / "correction"
    folder.mkdir()
    with (folder / "repayments.csv").open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        for r in rows:
            writer.writerow(
                {**r, "principal_paid": r["principal_due"], "paid_off_date": "2026-10-31"}
            )
    _imported(folder, AS_OF)
    gen = copy_state.state().generation
    manifest = store.Manifest.read(gen.store, gen.token)
    last = manifest.tables["repayments"][-1]
    assert last.rows == 3 and last.dropped == 3 and last.drops
    assert gen.rows["repayments"] == _db_rows("repayments") == _copy_rows("repayments")
    import duckdb

    con = duckdb.connect()
    paid = con.execute(
        f"SELECT count(*) FROM ({store.relation_sql(manifest, 'repayments')}) "
        f"WHERE paid_off_date = DATE '2026-10-31' AND loan_id IN ({', '.join(repr(r['loan_id']) for r in rows)})"
    ).fetchone()[0]
    con.close()
    assert paid >= 3
    assert verify.differences(AS_OF) == {}


def test_a_failed_import_leaves_the_copy_as_before(extract, tmp_path):
    _imported(extract / "full", AS_OF)
    before = copy_state.state().generation
    folder = tmp_path / "bad"
    folder.mkdir()
    (folder / "transactions.csv").write_text(
        "txn_id,account_id,txn_date,direction,amount\nTBAD1,NO-SUCH-ACCOUNT,2026-10-31,in,-5\n",
        encoding="utf-8",
    )
    assert not run_import(folder, as_of=AS_OF).ok
    now = copy_state.state()
    assert now.current and now.generation.pk == before.pk and Generation.objects.count() == 1
    assert store.Manifest.read(before.store, before.token)


def test_a_copy_behind_the_database_is_refused_or_rebuilt(extract, tmp_path, settings):
    from postloan.risk.snapshot import build_snapshot

    _imported(extract / "full", AS_OF)
    with (extract / "full" / "transactions.csv").open(encoding="utf-8") as f:
        first = next(csv.DictReader(f))
    folder = tmp_path / "narrow"
    folder.mkdir()  # a file without some optional columns: the copy cannot follow it
    (folder / "transactions.csv").write_text(
        "txn_id,account_id,txn_date,direction,amount\n"
        f"TNARROW1,{first['account_id']},2026-10-31,out,123.45\n",
        encoding="utf-8",
    )
    _imported(folder, AS_OF)
    assert not copy_state.state().current
    settings.POSTLOAN_ANALYTICS_AUTO_REBUILD = False
    with pytest.raises(store.CopyError, match="分析副本落后于数据库"):
        build_snapshot(AS_OF)
    settings.POSTLOAN_ANALYTICS_AUTO_REBUILD = True
    build_snapshot(AS_OF).close()  # rebuilt first
    now = copy_state.state()
    assert now.current and now.generation.kind == Generation.Kind.REBUILD
    assert now.generation.rows["transactions"] == _db_rows("transactions")
    assert AuditEvent.objects.filter(action="analytics.rebuild").count() == 1
    assert verify.differences(AS_OF) == {}


def test_without_a_copy_the_screening_reads_the_database(extract, settings):
    settings.POSTLOAN_ANALYTICS_COPY = False
    _imported(extract / "full", AS_OF)
    assert not Generation.objects.exists()
    settings.POSTLOAN_ANALYTICS_COPY = True
    assert copy_state.current_for_screening() is None  # none yet: nothing to refuse
    with pytest.raises(store.CopyError, match="尚未建立分析副本"):
        verify.screen_outputs(AS_OF, "copy")


def test_the_command_reports_and_rebuilds(extract, capsys):
    _imported(extract / "full", AS_OF)
    call_command("analytics", "status")
    assert "分析副本为最新" in capsys.readouterr().out
    call_command("analytics", "rebuild")
    out = capsys.readouterr().out
    assert "分析副本已从数据库重建" in out and "transactions" in out
    assert copy_state.state().generation.kind == Generation.Kind.REBUILD


def test_a_copied_row_changed_outside_the_importer_makes_the_copy_stale(extract):
    from decimal import Decimal

    from postloan.portfolio.models import Transaction

    _imported(extract / "full", AS_OF)
    flow = Transaction.objects.filter(direction="out").order_by("txn_id").first()
    flow.amount = flow.amount + Decimal("1000000.00")
    flow.save()  # as the maintenance page (admin) would
    now = copy_state.state()
    assert not now.current and "已失效" in now.describe()
    assert verify.differences(AS_OF) == {}  # the screening rebuilt the copy first
    assert (
        copy_state.state().current and copy_state.state().generation.kind == Generation.Kind.REBUILD
    )


def test_a_first_batch_without_copied_tables_starts_an_empty_copy(extract, tmp_path):
    import shutil

    folder = tmp_path / "masters"
    folder.mkdir()
    for name in ("branches", "staff", "customers"):
        shutil.copy(extract / "full" / f"{name}.csv", folder)
    _imported(folder, AS_OF)
    now = copy_state.state()
    assert now.current and now.generation.rows == {t: 0 for t in store.COPIED}


def test_the_bench_s_delta_day_imports_the_day_after_as_new_rows(extract):
    from postloan.ingest.delta import bench_delta_day
    from postloan.portfolio.models import Transaction

    _imported(extract / "full", AS_OF)
    before = Transaction.objects.count()
    figures = bench_delta_day(extract / "full", AS_OF)
    day_after = AS_OF + dt.timedelta(days=1)
    added = Transaction.objects.filter(txn_date=day_after).count()
    assert added == figures["rows"]["transactions"] > 0
    assert Transaction.objects.count() == before + added
    assert figures["seconds"] > 0
    assert _copy_rows("transactions") == _db_rows("transactions")
