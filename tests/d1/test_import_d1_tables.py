"""Importing 审批条件, 信贷档案 and 客户投诉: values land, bad rows are named, nothing half-loaded."""

import datetime as dt
from decimal import Decimal

import pytest

from postloan.ingest.service import run_import
from postloan.portfolio.models import Complaint, Covenant, CreditFile
from tests.ingest.conftest import write_bank, write_csv

COVENANTS = """
    covenant_id,customer_id,loan_id,facility_id,type,threshold,frequency,due_date,text
    K1,C001,,F001,debt_ratio_max,0.70,annual,,资产负债率不高于70%
    K2,C001,L001,,流动比率下限,1.2,按季,,流动比率不低于1.2
    K3,C003,L003,,collateral_registered_by,,once,2025-10-31,抵押登记于放款后两月内办妥
    K4,C003,,F003,free_text,,,2026-12-31,实际控制人追加个人连带责任保证
"""
FILES = """
    loan_id,item,state,location,state_date,note
    L001,loan_contract,received,档案室A-01,2025-06-01,
    L001,approval,已归档,档案室A-01,2025-06-01,
    L003,mortgage_registration,lost,,2026-09-01,搬迁遗失
"""
COMPLAINTS = """
    complaint_id,customer_id,branch_code,received_date,resolved_date,channel,category,text
    Q1,C002,SB1,2026-09-01,2026-09-05,phone,催收行为,催收电话过于频繁
    Q2,C003,,2026-10-01,,counter,loan_process,放款进度慢
"""


@pytest.mark.django_db
def test_the_three_tables_import_with_their_values(tmp_path):
    folder = write_bank(tmp_path / "bank")
    write_csv(folder, "covenants", COVENANTS)
    write_csv(folder, "credit_files", FILES)
    write_csv(folder, "complaints", COMPLAINTS)
    result = run_import(folder)
    assert result.ok, [str(e) for e in result.errors]
    k2 = Covenant.objects.get(pk="K2")
    assert (k2.type, k2.threshold, k2.frequency, k2.loan_id) == (
        "current_ratio_min",
        Decimal("1.2"),
        "quarterly",
        "L001",
    )
    assert Covenant.objects.get(pk="K1").frequency == "annual"
    assert Covenant.objects.get(pk="K4").frequency == "once"  # the contract default
    assert Covenant.objects.get(pk="K3").due_date == dt.date(2025, 10, 31)
    assert CreditFile.objects.get(loan_id="L001", item="approval").state == "received"
    assert CreditFile.objects.get(loan_id="L003").state == "lost"
    q1 = Complaint.objects.get(pk="Q1")
    assert (q1.category, q1.branch_id, q1.resolved_date) == (
        "collection",
        "SB1",
        dt.date(2026, 9, 5),
    )
    # loading the same files again changes nothing
    again = run_import(folder)
    assert again.ok
    assert Covenant.objects.count() == 4 and CreditFile.objects.count() == 3


@pytest.mark.django_db
def test_bad_covenants_files_and_complaints_are_refused_with_the_row_named(tmp_path):
    folder = write_bank(tmp_path / "bank")
    write_csv(
        folder,
        "covenants",
        """
        covenant_id,customer_id,loan_id,type,threshold,due_date,text
        K1,C001,L001,debt_ratio_max,0.7,,
        K2,C001,L001,interest_cover_min,3,,利息保障倍数
        K3,C001,L001,current_ratio_min,,,流动比率不低于1.2
        K4,C001,L001,销售资金归行率下限,六成,,
        K5,C003,L003,collateral_registered_by,,,抵押登记
        K6,C009,,free_text,,,
        """,
    )
    write_csv(
        folder,
        "credit_files",
        """
        loan_id,item,state
        L001,loan_contract,received
        L001,loan_contract,missing
        L001,approval,burnt
        """,
    )
    write_csv(
        folder,
        "complaints",
        """
        complaint_id,customer_id,received_date,resolved_date
        Q1,C002,2026-09-10,2026-09-01
        """,
    )
    result = run_import(folder)
    assert not result.ok
    found = {(e.file, e.row, e.column) for e in result.errors}
    assert ("covenants.csv", 3, "条件类型") in found  # unknown type
    assert ("covenants.csv", 4, "阈值") in found  # ratio type without a threshold
    assert ("covenants.csv", 5, "阈值") in found  # a threshold that is not a number
    assert ("covenants.csv", 6, "落实期限") in found  # registration without a due date
    assert ("covenants.csv", 7, "客户编号") in found  # unknown customer
    assert not any(e.file == "covenants.csv" and e.row == 2 for e in result.errors)
    assert ("credit_files.csv", 3, "借据号+档案项目") in found  # duplicate key
    assert ("credit_files.csv", 4, "档案状态") in found
    assert ("complaints.csv", 2, "办结日期") in found
    reasons = {e.row: e.reason for e in result.errors if e.file == "covenants.csv"}
    assert "须填写数值阈值" in reasons[4] and "流动比率下限" in reasons[4]
    assert Covenant.objects.count() == 0 and CreditFile.objects.count() == 0
    assert Complaint.objects.count() == 0


@pytest.mark.django_db
def test_the_database_refuses_a_ratio_covenant_without_threshold(bank):
    from django.db import IntegrityError, transaction

    customer = bank.customers["C001"]
    with pytest.raises(IntegrityError), transaction.atomic():
        Covenant.objects.create(covenant_id="X", customer=customer, type="debt_ratio_max")
