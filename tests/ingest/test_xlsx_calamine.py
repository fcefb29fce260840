"""Excel read by calamine (issue 18 part 6): the same cells as the openpyxl reader gave, and the
values a bank's clerk types — dates, numbers kept as text, empty cells, leading zeros."""

import datetime as dt
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook

from postloan.ingest import readers
from postloan.ingest.service import run_import
from postloan.portfolio.models import Customer, Loan
from tests.ingest.conftest import write_bank

CUSTOMER_HEADER = ["客户编号", "客户名称", "客户类型", "管户机构", "管户客户经理", "成立日期"]


def _openpyxl_texts(path):
    wb = load_workbook(path, read_only=True, data_only=True)
    ws = wb.worksheets[0]
    ws.reset_dimensions()
    rows = [[readers.cell_text(v) for v in row] for row in ws.iter_rows(values_only=True)]
    wb.close()
    return rows


def _calamine_texts(path):
    return [[readers.cell_text(v) for v in row] for row in readers._calamine_rows(path, None)]


def _trimmed(rows):
    """Rows without trailing empty cells and without trailing empty rows (the two readers
    disagree only on how far an empty area reaches)."""
    out = []
    for row in rows:
        row = list(row)
        while row and row[-1] is None:
            row.pop()
        out.append(row)
    while out and not out[-1]:
        out.pop()
    return out


def test_calamine_gives_the_cells_openpyxl_gave(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws["B3"] = "编号"  # the data starts at B3: two empty rows, one empty column
    ws["C3"] = "日期"
    ws.append([None, "007", dt.date(2026, 1, 2), dt.datetime(2026, 1, 2, 3, 4), 1.5, 3, None])
    ws.append([None, "0012345", "2026-03-31", None, "1000000.00", 12345678, True])
    ws.append([None, None, None, None, None, None, None])  # an empty line inside the data
    ws.append([None, 42, dt.date(2025, 12, 31), None, -0.25, 0, False])
    path = tmp_path / "cells.xlsx"
    wb.save(path)
    expected = _trimmed(_openpyxl_texts(path))
    assert _trimmed(_calamine_texts(path)) == expected
    assert expected[3][1:4] == ["007", "2026-01-02", "2026-01-02T03:04:00".replace("T", " ")]
    assert expected[4][1] == "0012345" and expected[4][4] == "1000000.00"


def _bank_with_customer_sheet(tmp_path, rows):
    """The tiny bank with its customers as `customers.xlsx` holding `rows` under the header."""
    folder = write_bank(
        tmp_path / "x", tables={"branches", "staff", "facilities", "loans", "customers"}
    )
    (folder / "customers.csv").unlink()
    wb = Workbook()
    ws = wb.active
    ws.title = "customers"
    for values in [CUSTOMER_HEADER, *rows]:
        ws.append(values)
    wb.save(folder / "customers.xlsx")
    return folder


@pytest.mark.django_db
def test_dates_text_numbers_empty_cells_and_leading_zeros_import_as_typed(tmp_path):
    folder = _bank_with_customer_sheet(
        tmp_path,
        [
            ["C001", "杭州甲制造有限公司", "法人", "SB1", "S01", dt.date(2010, 5, 1)],
            ["C002", "李娜", "零售", "SB1", "S01", None],  # an empty cell
            ["C003", "杭州乙贸易有限公司", "法人", "SB2", "S02", "2015-03-01"],  # date as text
            ["0000123", "杭州丙科技有限公司", "法人", "SB2", "S02", dt.datetime(2019, 7, 8)],
        ],
    )
    result = run_import(folder)
    assert result.ok, [str(e) for e in result.errors]
    assert Customer.objects.get(pk="0000123").name == "杭州丙科技有限公司"  # zeros kept
    assert Customer.objects.get(pk="C001").established_date == dt.date(2010, 5, 1)
    assert Customer.objects.get(pk="C002").established_date is None
    assert Customer.objects.get(pk="C003").established_date == dt.date(2015, 3, 1)
    assert Customer.objects.get(pk="0000123").established_date == dt.date(2019, 7, 8)


@pytest.mark.django_db
def test_a_sheet_that_starts_in_column_b_and_a_number_typed_as_text(tmp_path):
    folder = write_bank(tmp_path / "x", tables={"branches", "staff", "customers", "facilities"})
    wb = Workbook()
    ws = wb.active
    header = ["loan_id", "customer_id", "product", "principal", "balance", "interest_rate"]
    header += ["start_date", "maturity_date", "guarantee_method"]
    row = ["L010", "C001", "working_capital", "1000000.00", "999,999.99", "0.0435"]
    row += ["2025-01-01", dt.date(2026, 1, 1), "信用"]
    for c, (h, v) in enumerate(zip(header, row, strict=True), start=2):
        ws.cell(row=1, column=c, value=h)
        ws.cell(row=2, column=c, value=v)
    wb.save(folder / "loans.xlsx")
    result = run_import(folder)
    assert result.ok, [str(e) for e in result.errors]
    loan = Loan.objects.get(pk="L010")
    assert loan.principal == Decimal("1000000.00")
    assert loan.balance == Decimal("999999.99")
    assert loan.maturity_date == dt.date(2026, 1, 1)


@pytest.mark.django_db
def test_a_bad_date_in_an_excel_row_is_named_with_its_excel_row_number(tmp_path):
    folder = _bank_with_customer_sheet(
        tmp_path,
        [
            ["C001", "杭州甲制造有限公司", "法人", "SB1", "S01", None],
            [None, None, None, None, None, None],
            ["C002", "李娜", "零售", "SB1", "S01", "2015-13-45"],
            ["C003", "杭州乙贸易有限公司", "法人", "SB2", "S02", None],
        ],
    )
    result = run_import(folder)
    assert not result.ok
    errors = [e for e in result.errors if e.row is not None]
    assert [e.row for e in errors] == [4], [str(e) for e in result.errors]
    assert "2015-13-45" in str(errors[0])
