"""Reading the batch's files: encodings, header names, Excel, Parquet, workbooks."""

import datetime as dt
from decimal import Decimal

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from openpyxl import Workbook

from postloan.ingest import readers
from postloan.ingest.service import run_import
from postloan.org.models import Branch
from postloan.portfolio.models import Customer, Loan
from tests.ingest.conftest import BANK, csv_text, write_bank, write_csv

CUSTOMERS_ZH = """
    客户编号,客户名称,客户类型,管户机构,实际控制人
    C001,杭州甲制造有限公司,法人,SB1,张三丰
    C002,李娜,零售,SB1,
"""


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk"])
@pytest.mark.django_db
def test_it_reads_chinese_csv_in_every_accepted_encoding_without_mojibake(tmp_path, encoding):
    folder = write_bank(tmp_path / encoding, tables={"branches", "staff"})
    write_csv(folder, "customers", CUSTOMERS_ZH, encoding=encoding)
    result = run_import(folder)
    assert result.ok, [str(e) for e in result.errors]
    c = Customer.objects.get(pk="C001")
    assert c.name == "杭州甲制造有限公司"
    assert c.actual_controller == "张三丰"
    assert c.type == "corporate"
    assert Branch.objects.get(pk="SB1").name == "西湖支行"
    expected = "utf-8" if encoding.startswith("utf") else "gb18030"
    assert next(f for f in result.batch.files if f["table"] == "customers")["encoding"] == expected


# Excel writes Alt+Enter inside a cell as a line break within a quoted value; the last record
# is short (its trailing empty column left out), which the reader pads with NULL.
CUSTOMERS_MULTILINE = (
    "customer_id,name,type,branch_code,manager_id\r\n"
    'C001,"杭州甲制造有限公司\r\n（原杭州甲厂）",corporate,SB1,S01\r\n'
    'C002,"李娜, ""个体""",retail,SB1,S01\r\n'
    "C003,杭州乙贸易有限公司,法人,SB2\r\n"
)


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gbk"])
@pytest.mark.django_db
def test_a_line_break_inside_a_quoted_value_is_kept(tmp_path, encoding):
    folder = write_bank(tmp_path / "bank", tables={"branches", "staff"})
    (folder / "customers.csv").write_bytes(CUSTOMERS_MULTILINE.encode(encoding))
    result = run_import(folder)
    assert result.ok, [str(e) for e in result.errors]
    assert Customer.objects.get(pk="C001").name == "杭州甲制造有限公司\r\n（原杭州甲厂）"
    assert Customer.objects.get(pk="C002").name == '李娜, "个体"'
    assert Customer.objects.get(pk="C003").manager_id is None


@pytest.mark.django_db
def test_rows_after_a_multiline_value_are_reported_by_their_text_line(tmp_path):
    """C003 is the third record but starts on text line 5 (C001's name spans lines 2-3): the
    report names line 5, the line a text editor shows."""
    folder = write_bank(tmp_path / "bank", tables={"branches", "staff"})
    bad = CUSTOMERS_MULTILINE.replace(
        "C003,杭州乙贸易有限公司,法人", "C003,杭州乙贸易有限公司,神仙"
    )
    (folder / "customers.csv").write_bytes(bad.encode("utf-8"))
    result = run_import(folder)
    assert not result.ok
    assert [(e.file, e.row, e.column) for e in result.errors] == [("customers.csv", 5, "客户类型")]
    assert not Customer.objects.exists()


def test_it_detects_gbk_bytes_that_are_not_utf8(tmp_path):
    p = tmp_path / "x.csv"
    p.write_bytes("客户编号,客户名称\nC1,杭州\n".encode("gbk"))
    assert readers.detect_encoding(p) == "gb18030"
    p.write_bytes("客户编号,客户名称\nC1,杭州\n".encode("utf-8-sig"))
    assert readers.detect_encoding(p) == "utf-8"


def test_it_maps_english_and_chinese_headers_case_insensitively_and_lists_unknown_ones():
    mapping, ignored, duplicates = readers.map_headers(
        "loans", [" Loan_ID ", "客户编号", "PRINCIPAL", "余额*", "备注", "Extra"]
    )
    assert mapping == {
        " Loan_ID ": "loan_id",
        "客户编号": "customer_id",
        "PRINCIPAL": "principal",
        "余额*": "balance",
    }
    assert ignored == ["备注", "Extra"]
    assert duplicates == []
    _, _, dup = readers.map_headers("loans", ["loan_id", "借据号"])
    assert dup == ["loan_id"]


@pytest.mark.django_db
def test_unknown_columns_are_ignored_and_reported(tmp_path):
    folder = write_bank(tmp_path / "u", tables={"branches"})
    write_csv(
        folder,
        "staff",
        "staff_id,name,branch_code,department,position,备注\nS01,张伟,SB1,corporate,staff,新员工\n",
    )
    result = run_import(folder)
    assert result.ok
    staff_file = next(f for f in result.batch.files if f["table"] == "staff")
    assert staff_file["ignored_columns"] == ["备注"]


def _sheet(wb: Workbook, title: str, text: str, first: bool = False):
    ws = wb.active if first else wb.create_sheet()
    ws.title = title
    for line in csv_text(text).splitlines():
        ws.append(line.split(","))
    return ws


@pytest.mark.django_db
def test_it_imports_one_workbook_with_a_sheet_per_table(tmp_path):
    wb = Workbook()
    _sheet(wb, "branches", BANK["branches"], first=True)
    _sheet(wb, "staff", BANK["staff"])
    ws = _sheet(wb, "客户", "customer_id,name,type,branch_code,established_date")
    ws.append(["C001", "杭州甲制造有限公司", "corporate", "SB1", dt.datetime(2010, 5, 1)])
    ws.append([None, None, None, None, None])  # a blank row Excel leaves behind
    ws.append(["C002", "李娜", "retail", "SB9", None])
    _sheet(wb, "说明", "这是说明页")
    path = tmp_path / "extract.xlsx"
    wb.save(path)
    result = run_import(path)
    # SB9 is reported at the row number the user sees in Excel (row 4, after the blank row 3).
    assert [(e.file, e.row, e.reason) for e in result.errors] == [
        ("extract.xlsx[客户]", 4, "机构代码 SB9 不存在")
    ]
    ws.cell(row=4, column=4, value="SB1")
    wb.save(path)
    result = run_import(path)
    assert result.ok, [str(e) for e in result.errors]
    assert Customer.objects.get(pk="C001").established_date == dt.date(2010, 5, 1)
    assert result.rows == {"branches": 4, "staff": 3, "customers": 2}


@pytest.mark.django_db
def test_it_imports_an_xlsx_file_in_a_folder_with_numeric_cells(tmp_path):
    folder = write_bank(tmp_path / "x", tables={"branches", "staff", "customers", "facilities"})
    wb = Workbook()
    ws = wb.active
    ws.append(
        [
            "loan_id",
            "customer_id",
            "product",
            "principal",
            "balance",
            "interest_rate",
            "start_date",
            "maturity_date",
            "guarantee_method",
            "restructured",
        ]
    )
    ws.append(
        [
            "L009",
            "C001",
            "working_capital",
            1000000,
            999999.99,
            0.0435,
            dt.date(2025, 1, 1),
            "2026-01-01",
            "信用",
            True,
        ]
    )
    wb.save(folder / "loans.xlsx")
    result = run_import(folder)
    assert result.ok, [str(e) for e in result.errors]
    loan = Loan.objects.get(pk="L009")
    assert loan.principal == Decimal("1000000.00")
    assert loan.balance == Decimal("999999.99")
    assert loan.interest_rate == Decimal("0.0435")
    assert loan.start_date == dt.date(2025, 1, 1)
    assert loan.restructured is True


@pytest.mark.django_db
def test_it_imports_parquet(tmp_path):
    folder = write_bank(tmp_path / "p", tables={"branches", "staff", "customers", "facilities"})
    table = pa.table(
        {
            "loan_id": ["L007", "L008"],
            "customer_id": ["C001", "C003"],
            "product": ["working_capital", "mortgage"],
            "principal": pa.array([Decimal("1000.10"), Decimal("2000.00")], pa.decimal128(18, 2)),
            "balance": [500.5, 2000.0],
            "start_date": pa.array([dt.date(2025, 1, 1), dt.date(2025, 2, 1)], pa.date32()),
            "maturity_date": pa.array(
                [dt.datetime(2026, 1, 1), dt.datetime(2026, 2, 1)], pa.timestamp("s")
            ),
            "guarantee_method": ["credit", "mortgage"],
            "restructured": [False, True],
        }
    )
    pq.write_table(table, folder / "loans.parquet")
    result = run_import(folder)
    assert result.ok, [str(e) for e in result.errors]
    l7, l8 = Loan.objects.order_by("loan_id")
    assert (l7.principal, l7.balance) == (Decimal("1000.10"), Decimal("500.50"))
    assert l8.maturity_date == dt.date(2026, 2, 1)
    assert l8.restructured is True


@pytest.mark.django_db
def test_two_files_for_one_table_are_an_error(tmp_path):
    folder = write_bank(tmp_path / "d", tables={"branches"})
    wb = Workbook()
    _sheet(wb, "branches", BANK["branches"], first=True)
    wb.save(folder / "机构.xlsx")
    result = run_import(folder)
    assert not result.ok
    assert "出现多次" in result.errors[0].reason
