"""Importing whole batches: values land right, bad batches land nothing, re-imports change nothing."""

import csv
import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from postloan.core.business_date import current_business_date
from postloan.core.models import AuditEvent
from postloan.ingest import service
from postloan.ingest.models import ImportBatch
from postloan.ingest.service import run_import
from postloan.ingest.signals import import_completed
from postloan.org.models import Branch, Staff
from postloan.portfolio.models import (
    Account,
    AccountBalance,
    Customer,
    Facility,
    Loan,
    RelatedParty,
    RepaymentInstalment,
    Transaction,
)
from tests.ingest.conftest import BANK, write_bank, write_csv

CONTRACT_TABLES = (
    Branch,
    Staff,
    Customer,
    RelatedParty,
    Facility,
    Loan,
    RepaymentInstalment,
    Account,
    AccountBalance,
    Transaction,
)


def counts() -> dict[str, int]:
    return {m._meta.db_table: m.objects.count() for m in CONTRACT_TABLES}


@pytest.mark.django_db
def test_it_loads_the_tiny_bank_with_exact_values(imported):
    assert imported.rows["transactions"] == 6
    assert imported.batch.outcome == ImportBatch.Outcome.SUCCEEDED
    assert counts() == {
        "branches": 4,
        "staff": 3,
        "customers": 3,
        "related_parties": 2,
        "facilities": 2,
        "loans": 3,
        "repayments": 3,
        "accounts": 3,
        "account_balances": 3,
        "transactions": 6,
    }
    l001 = Loan.objects.get(pk="L001")
    assert l001.principal == Decimal("1000000.00")
    assert l001.interest_rate == Decimal("0.0435")
    assert l001.start_date == dt.date(2025, 6, 1)
    l002 = Loan.objects.get(pk="L002")
    assert l002.balance == Decimal("45000.50")
    assert (l002.guarantee_method, l002.classification, l002.currency) == (
        "credit",
        "normal",
        "CNY",
    )
    assert l002.facility_id is None and l002.restructured is False
    l003 = Loan.objects.get(pk="L003")
    assert (l003.product, l003.classification) == ("working_capital", "special_mention")
    assert Facility.objects.get(pk="F001").limit_amount == Decimal("5000000.00")
    assert Facility.objects.get(pk="F003").status == "active"  # contract default
    c2 = Customer.objects.get(pk="C002")
    assert (c2.type, c2.industry_code, c2.established_date) == ("retail", "", None)
    assert Customer.objects.get(pk="C003").established_date == dt.date(2015, 3, 1)
    assert Staff.objects.get(pk="S02").department == "corporate"
    assert [s.certified for s in Staff.objects.order_by("staff_id")] == [True, False, True]
    assert Account.objects.get(pk="A002").type == "settlement"
    assert AccountBalance.objects.get(
        account_id="A001", balance_date="2026-10-31"
    ).balance == Decimal("1150000.00")
    with connection.cursor() as cur:
        cur.execute("SELECT balance FROM account_balances WHERE account_id = 'A003'")
        assert cur.fetchone()[0] == 3500000  # integer fen in the database


@pytest.mark.django_db
def test_it_derives_missing_transaction_categories(imported):
    categories = dict(Transaction.objects.values_list("txn_id", "category"))
    assert categories == {
        "T001": "sales_proceeds",
        "T002": "purchase",
        "T003": "related_transfer",  # 甲控股集团 is C001's related party
        "T004": "salary",
        "T005": "loan_repayment",
        "T006": "salary",  # given in the file, kept
    }
    assert Transaction.objects.get(pk="T005").direction == "in"


@pytest.mark.django_db
def test_it_builds_branch_paths_sets_the_business_date_and_records_history(imported):
    assert Branch.objects.get(pk="SB2").path == "/HO/BR1/SB2/"
    assert imported.batch.as_of == dt.date(2026, 10, 31)  # latest txn / balance date
    assert current_business_date() == dt.date(2026, 10, 31)
    created = AuditEvent.objects.filter(action="import.create", batch_id=imported.batch.pk)
    # branches 4 + staff 3 + customers 3 + facilities 2 + loans 3 (history tables only)
    assert created.count() == 15
    ev = created.get(object_type="loans", object_id="L002")
    assert ev.before is None
    assert ev.after["balance"] == "45000.50"
    assert ev.after["start_date"] == "2025-08-01"
    assert ev.after["restructured"] is False and ev.after["facility_id"] is None  # JSON types
    header = BANK["loans"].split()[0].split(",")
    assert set(ev.after) == set(header)  # the file's columns
    assert ev.actor is None and abs(ev.at - timezone.now()) < dt.timedelta(minutes=5)
    assert not AuditEvent.objects.filter(object_type="transactions").exists()


@pytest.mark.django_db
def test_it_sends_import_completed_after_commit(db, bank_dir, django_capture_on_commit_callbacks):
    seen = []

    def receiver(sender, batch, **kwargs):
        seen.append(batch.pk)

    import_completed.connect(receiver, dispatch_uid="test-ingest-receiver")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            result = run_import(bank_dir)
    finally:
        import_completed.disconnect(dispatch_uid="test-ingest-receiver")
    assert result.ok
    assert seen == [result.batch.pk]


@pytest.mark.django_db
def test_a_bad_batch_writes_nothing_and_reports_every_bad_row(tmp_path):
    folder = write_bank(tmp_path / "bad")
    write_csv(
        folder,
        "loans",
        """
        loan_id,customer_id,facility_id,product,principal,balance,start_date,maturity_date,guarantee_method
        L001,C001,F001,working_capital,1000000,800000,2025-06-01,2026-06-01,guarantee
        L002,C999,,personal_consumption,50000,45000,2025-08-01,2027-08-01,credit
        L003,C003,F003,working_capital,300000.123,300000,20240230,2026-09-01,mortgage
        L004,C003,,working_capital,1000,1000,2026-01-01,2025-01-01,
        """,
    )
    write_csv(
        folder,
        "transactions",
        """
        txn_id,account_id,txn_date,direction,amount
        T001,A001,2026-10-02,in,250000.00
        T002,A001,2026-10-05,sideways,80000
        T001,A003,2026-10-06,out,10
        """,
    )
    result = run_import(folder)
    assert not result.ok
    assert counts() == dict.fromkeys(counts(), 0)
    assert not AuditEvent.objects.exists()
    assert current_business_date() is None
    found = {(e.file, e.row, e.column, e.reason) for e in result.errors}
    assert ("loans.csv", 3, "客户编号", "客户编号 C999 不存在") in found
    assert ("loans.csv", 4, "发放金额", "金额最多两位小数") in found
    assert ("loans.csv", 4, "发放日", "日期不存在，请检查年、月、日") in found
    assert ("loans.csv", 5, "到期日", "到期日早于发放日") in found
    assert ("loans.csv", 5, "担保方式", "必填项为空") in found
    assert (
        "transactions.csv",
        3,
        "借贷方向",
        next(e.reason for e in result.errors if e.row == 3 and e.file == "transactions.csv"),
    ) in found
    assert ("transactions.csv", 4, "流水号", "与第 2 行的主键重复") in found
    assert len(result.errors) == 7
    value = {(e.file, e.row, e.column): e.value for e in result.errors}
    assert value[("loans.csv", 4, "发放日")] == "20240230"
    assert value[("loans.csv", 3, "客户编号")] == "C999"
    batch = ImportBatch.objects.get(pk=result.batch.pk)
    assert batch.outcome == "failed" and batch.error_count == 7 and batch.as_of is None
    assert len(batch.report["errors"]) == 7
    with open(batch.report_csv, encoding="utf-8-sig") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == ["级别", "文件", "行号", "列", "值", "原因"]
    assert len(rows) == 1 + 7
    assert ["错误", "loans.csv", "3", "客户编号", "C999", "客户编号 C999 不存在"] in rows


@pytest.mark.django_db
def test_a_missing_required_column_is_one_error_for_the_file(tmp_path):
    folder = write_bank(tmp_path / "b", tables={"branches"})
    write_csv(folder, "staff", "staff_id,name,branch_code,department\nS01,张伟,SB1,corporate\n")
    result = run_import(folder)
    assert not result.ok
    assert [(e.file, e.column, e.reason) for e in result.errors] == [
        ("staff.csv", "岗位", "缺少必填列“岗位”（position）")
    ]
    assert not Branch.objects.exists()


@pytest.mark.django_db
def test_warnings_are_reported_but_do_not_block(tmp_path):
    folder = write_bank(tmp_path / "w")
    write_csv(
        folder,
        "loans",
        """
        loan_id,customer_id,product,principal,balance,start_date,maturity_date,guarantee_method
        L001,C001,working_capital,1000,1200,2025-06-01,2026-06-01,guarantee
        L002,C002,personal_consumption,50000,45000,2025-08-01,2027-08-01,credit
        """,
    )
    write_csv(
        folder,
        "repayments",
        """
        loan_id,due_date,principal_due,interest_due,principal_paid,interest_paid
        L001,2025-12-01,100,10,100,12
        """,
    )
    result = run_import(folder)
    assert result.ok, [str(e) for e in result.errors]
    assert {(w.file, w.row, w.reason) for w in result.warnings} == {
        ("loans.csv", 2, "余额大于发放金额"),
        ("repayments.csv", 2, "已还利息大于应还利息"),
    }
    assert result.batch.warning_count == 2
    assert Loan.objects.get(pk="L001").balance == Decimal("1200.00")


@pytest.mark.django_db
def test_reimporting_the_same_files_changes_nothing(imported, bank_dir):
    events_before = AuditEvent.objects.count()
    with connection.cursor() as cur:
        cur.execute("SELECT * FROM transactions ORDER BY txn_id")
        txns_before = cur.fetchall()
    again = run_import(bank_dir)
    assert again.ok
    assert all(f["written"] == 0 for f in again.batch.files)
    assert AuditEvent.objects.count() == events_before
    assert not AuditEvent.objects.filter(action="import.update").exists()
    with connection.cursor() as cur:
        cur.execute("SELECT * FROM transactions ORDER BY txn_id")
        assert cur.fetchall() == txns_before


@pytest.mark.django_db
def test_an_upsert_updates_a_changed_row_and_records_before_and_after(imported, tmp_path):
    folder = tmp_path / "day2"
    folder.mkdir()
    write_csv(
        folder,
        "loans",
        BANK["loans"].replace(
            "L002,C002,,personal_consumption,50000,45000.5",
            "L002,C002,,personal_consumption,50000,40000",
        ),
    )
    result = run_import(folder, as_of=dt.date(2026, 11, 1))
    assert result.ok
    assert Loan.objects.get(pk="L002").balance == Decimal("40000.00")
    assert Loan.objects.count() == 3
    (update,) = AuditEvent.objects.filter(action="import.update")
    assert (update.object_type, update.object_id, update.batch_id) == (
        "loans",
        "L002",
        result.batch.pk,
    )
    assert update.before["balance"] == "45000.50"
    assert update.after["balance"] == "40000.00"
    assert update.before["customer_id"] == update.after["customer_id"] == "C002"
    assert result.batch.files[0]["updated"] == 1 and result.batch.files[0]["written"] == 1
    assert current_business_date() == dt.date(2026, 11, 1)


@pytest.mark.django_db
def test_a_reference_may_point_at_a_row_already_in_the_database(imported, tmp_path):
    folder = tmp_path / "day2"
    folder.mkdir()
    write_csv(
        folder,
        "transactions",
        """
        流水号,账号,交易日期,借贷方向,金额,摘要
        T100,A003,2026-11-02,支出,"12,000.00",缴纳增值税
        T101,A404,2026-11-02,in,1,
        """,
    )
    result = run_import(folder)
    assert [(e.row, e.column, e.reason) for e in result.errors] == [(3, "账号", "账号 A404 不存在")]
    write_csv(
        folder,
        "transactions",
        '流水号,账号,交易日期,借贷方向,金额,摘要\nT100,A003,2026-11-02,支出,"12,000.00",缴纳增值税\n',
    )
    result = run_import(folder)
    assert result.ok
    assert Transaction.objects.get(pk="T100").category == "tax"
    assert result.batch.as_of == dt.date(2026, 11, 2)


@pytest.mark.django_db
def test_a_guarantee_needs_a_loan_or_a_facility(imported, tmp_path):
    folder = tmp_path / "g"
    folder.mkdir()
    write_csv(
        folder,
        "guarantees",
        """
        guarantee_id,loan_id,facility_id,kind,guarantor_name
        G1,L001,,guarantor,某担保公司
        G2,,,guarantor,某担保公司
        """,
    )
    result = run_import(folder)
    assert [(e.row, e.reason) for e in result.errors] == [(3, "借据号、授信编号至少填写一项")]


@pytest.mark.django_db
def test_files_that_are_not_contract_tables_are_listed_as_ignored(tmp_path):
    folder = write_bank(tmp_path / "x", tables={"branches"})
    (folder / "readme.txt").write_text("说明", encoding="utf-8")
    (folder / "loans_old.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    result = run_import(folder)
    assert result.ok
    assert sorted(result.batch.ignored_files) == ["loans_old.csv", "readme.txt"]
    assert result.rows == {"branches": 4}


@pytest.mark.django_db
def test_a_missing_path_raises(tmp_path):
    with pytest.raises(FileNotFoundError):
        run_import(tmp_path / "nowhere")


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "sqlite", reason="SQLite's page limit stands in for a full disk"
)
def test_a_full_disk_is_reported_as_such_and_loses_nothing(bank_dir, monkeypatch):
    """An L import once filled the disk of a PostgreSQL server; the report must say so. The
    disk is full for the batch's rows; the failed batch's small record still fits (as the
    rollback's freed space let it on that server)."""
    flows = [f"T{i:05d},A001,2026-10-{1 + i % 28:02d},in,{i + 1}.00,,,,salary" for i in range(3000)]
    header = "txn_id,account_id,txn_date,direction,amount,counterparty_name,counterparty_account"
    (bank_dir / "transactions.csv").write_text(
        f"{header},summary,category\n" + "\n".join(flows) + "\n", encoding="utf-8"
    )

    def page_limit(pages: int | None) -> None:
        with connection.cursor() as cur:
            cur.execute(f"PRAGMA max_page_count = {pages or 1073741823}")

    with connection.cursor() as cur:
        cur.execute("VACUUM")  # no free pages left by earlier tests' flushes
        cur.execute("PRAGMA page_count")
        page_limit(cur.fetchone()[0] + 2)
    finish = service._finish

    def finish_with_room(*args, **kwargs):
        page_limit(None)
        return finish(*args, **kwargs)

    monkeypatch.setattr(service, "_finish", finish_with_room)
    try:
        result = run_import(bank_dir)
    finally:
        page_limit(None)
    assert not result.ok
    [error] = result.errors
    assert error.reason.startswith("数据库磁盘空间不足，本批次未导入任何数据")
    assert not Customer.objects.exists() and not Loan.objects.exists()
    assert run_import(bank_dir).ok


def test_the_reason_names_a_full_disk_on_postgresql_too():
    import psycopg
    from django.db import OperationalError

    from postloan.ingest.service import write_failure

    exc = OperationalError('could not extend file "base/16384/18656.2"')
    exc.__cause__ = psycopg.errors.DiskFull('could not extend file "base/16384/18656.2"')
    assert write_failure(exc).startswith("数据库磁盘空间不足")
    assert write_failure(OperationalError("deadlock detected")).startswith("写入数据库失败")


def test_a_failure_after_the_commit_leaves_the_batch_imported(db, bank_dir, monkeypatch):
    from django.db import OperationalError

    from postloan.core import dbstats

    def full(tables):
        raise OperationalError("database or disk is full")

    monkeypatch.setattr(dbstats, "refresh", full)
    result = run_import(bank_dir)
    assert result.ok and result.batch.outcome == ImportBatch.Outcome.SUCCEEDED
    assert Customer.objects.count() == 3
