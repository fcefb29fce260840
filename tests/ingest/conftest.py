"""A tiny bank as contract CSV files: 1 总行, 1 分行, 2 支行, a few staff, customers, loans…"""

import textwrap
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

BANK: dict[str, str] = {
    "branches": """
        branch_code,name,parent_code,level
        HO,总行,,head_office
        BR1,杭州分行,HO,branch
        SB1,西湖支行,BR1,sub_branch
        SB2,滨江支行,BR1,支行
    """,
    "staff": """
        staff_id,name,branch_code,department,position,credit_years,certified
        S01,张伟,SB1,corporate,account_manager,5,是
        S02,王芳,SB2,公司部,客户经理,3,否
        S03,陈静,BR1,risk,risk_manager,8,Y
    """,
    # Chinese headers on purpose.
    "customers": """
        客户编号,客户名称,客户类型,管户机构,管户客户经理,成立日期
        C001,杭州甲制造有限公司,corporate,SB1,S01,2010/05/01
        C002,李娜,零售,SB1,S01,
        C003,杭州乙贸易有限公司,法人,SB2,S02,20150301
    """,
    "related_parties": """
        customer_id,related_name,relation,related_customer_id,related_account
        C001,甲控股集团,shareholder,,6222000099
        C003,丙实业,affiliate,C001,
    """,
    "facilities": """
        facility_id,customer_id,limit_amount,start_date,end_date,status
        F001,C001,"5,000,000.00",2025-01-01,2027-12-31,active
        F003,C003,2000000,2025-03-01,2027-02-28,
    """,
    "loans": """
        loan_id,customer_id,facility_id,product,principal,balance,currency,interest_rate,start_date,maturity_date,guarantee_method,classification,restructured
        L001,C001,F001,working_capital,"1,000,000.00",800000.00,CNY,0.0435,2025-06-01,2026-06-01,guarantee,normal,false
        L002,C002,,personal_consumption,50000,45000.5,,0.06,2025-08-01,2027-08-01,信用,,否
        L003,C003,F003,流动资金贷款,300000,300000,,,2025-09-01,2026-09-01,mortgage,关注,0
    """,
    "repayments": """
        loan_id,due_date,principal_due,interest_due,principal_paid,interest_paid,paid_off_date
        L001,2025-12-01,100000,3625,100000,3625,2025-12-01
        L001,2026-03-01,100000,2800,0,0,
        L002,2025-09-01,5000,250,5000,250,2025-09-01
    """,
    "accounts": """
        account_id,customer_id,type,opened_date
        A001,C001,settlement,2010-06-01
        A002,C002,,
        A003,C003,一般户,2015-03-10
    """,
    "account_balances": """
        account_id,balance_date,balance,frozen
        A001,2026-09-30,1200000.00,false
        A001,2026-10-31,"1,150,000.00",N
        A003,2026-10-30,35000,0
    """,
    "transactions": """
        txn_id,account_id,txn_date,direction,amount,counterparty_name,counterparty_account,summary,category
        T001,A001,2026-10-02,in,250000.00,某某商贸公司,6222111,货款,
        T002,A001,2026-10-05,out,80000,某材料公司,6222333,采购原材料,
        T003,A001,2026-10-10,out,120000,甲控股集团,6222000099,往来款,
        T004,A001,2026-10-25,out,45000,员工,,代发工资,
        T005,A003,2026-10-28,收入,1000,,,利息,
        T006,A002,2026-10-20,out,500,,,,salary
    """,
}


def csv_text(text: str) -> str:
    return textwrap.dedent(text).strip() + "\n"


def write_csv(folder: Path, table: str, text: str, encoding: str = "utf-8") -> Path:
    path = folder / f"{table}.csv"
    path.write_bytes(csv_text(text).encode(encoding))
    return path


def write_bank(folder: Path, tables=None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for table, text in BANK.items():
        if tables is None or table in tables:
            write_csv(folder, table, text)
    return folder


@pytest.fixture
def bank_dir(tmp_path) -> Path:
    return write_bank(tmp_path / "bank")


@pytest.fixture
def imported(db, bank_dir):
    """The tiny bank, imported once."""
    from postloan.ingest.service import run_import

    result = run_import(bank_dir)
    assert result.ok, [str(e) for e in result.errors]
    return result


def _write_parquet(folder, table: str, header: list[str], rows: list[list[str]]) -> None:
    """Parquet: values as they are, NULL included (a CSV cell cannot tell NULL from empty)."""
    columns = {h: pa.array([r[i] for r in rows], pa.string()) for i, h in enumerate(header)}
    pq.write_table(pa.table(columns), folder / f"{table}.parquet")


AWKWARD_NAMES = {
    "C001": '杭州"甲"制造, 有限公司',
    "C002": "李娜\n（个体）",
    "C003": "back\\slash \\N \\.",
}


@pytest.fixture
def awkward_bank(tmp_path):
    folder = write_bank(tmp_path / "awkward")
    (folder / "customers.csv").unlink()
    (folder / "transactions.csv").unlink()
    _write_parquet(
        folder,
        "customers",
        ["customer_id", "name", "type", "branch_code", "manager_id", "industry_code"],
        [
            ["C001", AWKWARD_NAMES["C001"], "corporate", "SB1", "S01", "C13"],
            ["C002", AWKWARD_NAMES["C002"], "retail", "SB1", None, ""],
            ["C003", AWKWARD_NAMES["C003"], "corporate", "SB2", "S02", "F51"],
        ],
    )
    _write_parquet(
        folder,
        "transactions",
        ["txn_id", "account_id", "txn_date", "direction", "amount", "counterparty_name", "summary"],
        [
            ["T001", "A001", "2026-10-02", "in", "1,234,567.89", "某某,商贸", '"货款"'],
            ["T002", "A001", "2026-10-05", "out", "0.01", "", "第一行\n第二行"],
            ["T003", "A003", "2026-10-31", "in", "10", "a\\b", ""],
        ],
    )
    return folder
