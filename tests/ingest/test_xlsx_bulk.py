"""Excel read in bulk (issue 18, XLSX at the speed of CSV): fastexcel's Arrow columns converted
as whole columns give the raw table the cell-by-cell reader gives — the same text per cell, the
same rows dropped as blank, the same sheet row numbers — so validation and its report are the
same; a sheet the bulk reader cannot read exactly (mixed types, a duplicated header, a header
below row 1, formulas) goes to the cell reader."""

import datetime as dt
import random

import duckdb
import pytest
from openpyxl import Workbook

from postloan.ingest import readers
from postloan.ingest.service import run_import

HEADER = ["客户编号", "客户名称", "客户类型", "管户机构", "管户客户经理", "成立日期", "备注列"]


def raw_rows(path, *, bulk: bool, monkeypatch):
    con = duckdb.connect()
    src = readers.Source(table="customers", path=path, fmt="xlsx", sheet=None)
    with monkeypatch.context() as m:
        if bulk:

            def no_cells(*args, **kwargs):
                raise AssertionError("the cell-by-cell reader was used")

            m.setattr(readers, "_load_xlsx_cells", no_cells)
        else:
            m.setattr(readers, "_load_xlsx_bulk", lambda *a, **k: None)
        loaded = readers.load(con, src, path.parent)
    rows = (
        con.execute(f"SELECT * FROM {loaded.raw_table} ORDER BY _row").fetchall()
        if not loaded.errors
        else []
    )
    return loaded, rows


def falls_back(path) -> bool:
    """The bulk reader declines the sheet (before writing anything)."""
    if not readers.check_workbook(path).starts_at_row_1:
        return True
    src = readers.Source(table="customers", path=path, fmt="xlsx", sheet=None)
    loaded = readers.LoadedFile(src, "raw_customers", [], [], 0, "_row")
    return readers._load_xlsx_bulk(duckdb.connect(), src, loaded) is None


def both(path, monkeypatch, *, bulk_expected=True):
    cells, cell_rows = raw_rows(path, bulk=False, monkeypatch=monkeypatch)
    if bulk_expected:
        bulk, bulk_rows = raw_rows(path, bulk=True, monkeypatch=monkeypatch)
    else:
        assert falls_back(path)
        con = duckdb.connect()
        src = readers.Source(table="customers", path=path, fmt="xlsx", sheet=None)
        bulk = readers.load(con, src, path.parent)
        bulk_rows = (
            con.execute(f"SELECT * FROM {bulk.raw_table} ORDER BY _row").fetchall()
            if not bulk.errors
            else []
        )
    assert [str(e) for e in bulk.errors] == [str(e) for e in cells.errors]
    assert bulk.columns == cells.columns and bulk.ignored_columns == cells.ignored_columns
    assert bulk.rows == cells.rows
    assert bulk_rows == cell_rows
    return cell_rows


def test_typed_columns_blank_rows_and_row_numbers_are_the_cell_readers(tmp_path, monkeypatch):
    rnd = random.Random(7)
    wb = Workbook()
    ws = wb.active
    ws.append(HEADER)
    floats = [1.5, -0.25, 1e-7, 3.0, 123456789.125, 2.5e15, 0.1 + 0.2, 1e20, -7.0]
    for i in range(300):
        ws.append(
            [
                f"C{i:05d}",
                "" if i % 17 == 0 else f"客户{i}",
                floats[i % len(floats)] * (1 + rnd.random()),  # a float column
                12345 + i,  # whole numbers
                bool(i % 2),
                dt.datetime(2026, 1, 1, 0, 0) + dt.timedelta(days=i, hours=(i % 5 == 0) * 3),
                None,
            ]
        )
        if i in (10, 11, 200):
            ws.append([None] * len(HEADER))  # blank rows inside the data: dropped, counted
    ws.append([None] * len(HEADER))  # trailing blank rows
    path = tmp_path / "customers.xlsx"
    wb.save(path)
    rows = both(path, monkeypatch)
    assert len(rows) == 300
    numbers = [r[0] for r in rows]
    assert numbers[:13] == [*range(2, 13), 14, 16]  # sheet rows 13 and 15 are blank
    assert rows[5][6] == "2026-01-06 03:00:00" and rows[1][6] == "2026-01-02"


def test_a_sheet_it_cannot_read_exactly_goes_to_the_cell_reader(tmp_path, monkeypatch):
    cases = {}
    wb = Workbook()
    wb.active.append(HEADER)
    wb.active.append(["C1", "甲", "corporate", "B01", "S01", dt.date(2020, 1, 1), 1])
    wb.active.append(["C2", "乙", "corporate", "B01", "S01", "2020-02-01", "文字"])  # mixed
    cases["mixed"] = wb
    wb = Workbook()
    wb.active.append([*HEADER[:3], "客户编号"])  # a duplicated header: an error, as before
    wb.active.append(["C1", "甲", "corporate", "C1"])
    cases["duplicate"] = wb
    wb = Workbook()
    wb.active["A3"] = "客户编号"  # the header below row 1
    wb.active["A4"] = "C1"
    cases["low_header"] = wb
    for name, wb in cases.items():
        path = tmp_path / f"{name}.xlsx"
        wb.save(path)
        both(path, monkeypatch, bulk_expected=False)


@pytest.mark.django_db
def test_a_bulk_read_sheet_reports_errors_on_the_sheets_rows(tmp_path, settings):
    """The validation's report names the row a clerk sees in Excel, after a blank row."""
    wb = Workbook()
    ws = wb.active
    ws.append(["机构代码", "机构名称", "上级机构代码", "机构层级"])
    ws.append(["B01", "总行", None, "head_office"])
    ws.append([None, None, None, None])
    ws.append(["B02", "分行", "B01", "no_such_level"])
    wb.save(tmp_path / "branches.xlsx")
    result = run_import(tmp_path)
    assert not result.ok
    assert [e.row for e in result.errors] == [4]
