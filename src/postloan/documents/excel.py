"""Report tables as one Excel workbook (xlsxwriter): a sheet per table, Chinese headers, number
formats, frozen header rows, a 合计 row and the notes under the table. Renders, never computes."""

import datetime as dt
import io
import re
from collections.abc import Iterable

import xlsxwriter
from django.utils import timezone

from postloan.core.tables import DATE, DATETIME, INT, MONEY, MONTH, PERCENT, Column, Table

TITLE_ROW, INFO_ROW, HEADER_ROW = 0, 1, 3
SHEET_BANNED = re.compile(r"[\[\]:*?/\\]")  # characters Excel refuses in a sheet name


def _formats(book) -> dict:
    base = {"font_name": "宋体", "font_size": 10, "border": 1, "valign": "vcenter"}
    return {
        "title": book.add_format({"font_name": "黑体", "font_size": 14, "bold": True}),
        "info": book.add_format({"font_name": "宋体", "font_size": 10, "italic": True}),
        "header": book.add_format(
            {**base, "bold": True, "bg_color": "#D9E1F2", "align": "center", "text_wrap": True}
        ),
        MONEY: book.add_format({**base, "num_format": "#,##0.00"}),
        INT: book.add_format({**base, "num_format": "#,##0"}),
        PERCENT: book.add_format({**base, "num_format": "0.00%"}),
        DATE: book.add_format({**base, "num_format": "yyyy-mm-dd", "align": "center"}),
        MONTH: book.add_format({**base, "num_format": "yyyy-mm", "align": "center"}),
        DATETIME: book.add_format({**base, "num_format": "yyyy-mm-dd hh:mm", "align": "center"}),
        "text": book.add_format({**base, "text_wrap": True}),
        "total": book.add_format({**base, "bold": True, "bg_color": "#F2F2F2"}),
        "total_money": book.add_format(
            {**base, "bold": True, "bg_color": "#F2F2F2", "num_format": "#,##0.00"}
        ),
        "total_int": book.add_format(
            {**base, "bold": True, "bg_color": "#F2F2F2", "num_format": "#,##0"}
        ),
        "total_percent": book.add_format(
            {**base, "bold": True, "bg_color": "#F2F2F2", "num_format": "0.00%"}
        ),
        "note": book.add_format({"font_name": "宋体", "font_size": 9, "text_wrap": False}),
    }


def _write(sheet, row, col, value, kind, fmt):
    if value is None or value == "":
        sheet.write_blank(row, col, None, fmt)
    elif kind == DATETIME and isinstance(value, dt.datetime):
        local = timezone.localtime(value) if timezone.is_aware(value) else value
        sheet.write_datetime(row, col, local.replace(tzinfo=None), fmt)
    elif kind in (DATE, MONTH) and isinstance(value, dt.date):
        sheet.write_datetime(row, col, value, fmt)
    elif kind in (MONEY, INT, PERCENT) and not isinstance(value, str):
        sheet.write_number(row, col, float(value), fmt)  # Excel cells hold IEEE doubles
    else:
        sheet.write_string(row, col, str(value), fmt)


def write_table(book, formats, table: Table, info: str):
    sheet = book.add_worksheet(table.sheet[:31])
    sheet.write_string(TITLE_ROW, 0, table.title, formats["title"])
    sheet.write_string(INFO_ROW, 0, info, formats["info"])
    for col, column in enumerate(table.columns):
        sheet.set_column(col, col, column.width)
        sheet.write_string(HEADER_ROW, col, column.label, formats["header"])
    sheet.set_row(HEADER_ROW, 30)
    sheet.freeze_panes(HEADER_ROW + 1, 0)
    row = HEADER_ROW + 1
    if table.is_empty:
        sheet.merge_range(row, 0, row, len(table.columns) - 1, table.empty_text, formats["text"])
        row += 1
    for values in table.rows:
        for col, (value, column) in enumerate(zip(values, table.columns, strict=True)):
            fmt = formats.get(column.kind, formats["text"])
            _write(sheet, row, col, value, column.kind, fmt)
        row += 1
    if table.total and not table.is_empty:
        for col, (value, column) in enumerate(zip(table.total, table.columns, strict=True)):
            fmt = formats.get(f"total_{column.kind}", formats["total"])
            kind = column.kind if col else "text"
            _write(sheet, row, col, value, kind, fmt)
        row += 1
    for note in table.notes:
        row += 1
        sheet.write_string(row, 0, f"注：{note}", formats["note"])
    sheet.set_paper(9)  # A4
    sheet.set_landscape()
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(HEADER_ROW)
    return sheet


def workbook(tables: list[Table], info: str) -> bytes:
    """`info`: the line under each title (customer, as-of date, unit: 元)."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    formats = _formats(book)
    for table in tables:
        write_table(book, formats, table, info)
    book.close()
    return buffer.getvalue()


def list_workbook(
    title: str, sheet_name: str, columns: list[Column], rows: Iterable[list], info: str
) -> bytes:
    """A list page's export for people: one sheet, the title and `info` (the filters, the date)
    above Chinese headers, labels not codes, money in 元 as numbers with separators, dates as
    dates, an autofilter. Rows are streamed (constant memory), in the order the page shows them."""
    return sheets_workbook(title, [(title, sheet_name, columns, rows)], info)


def sheets_workbook(
    title: str, sheets: list[tuple[str, str, list[Column], Iterable[list]]], info: str
) -> bytes:
    """A page with several tables: one sheet a table (its title, sheet name, columns, rows), each
    laid out as `list_workbook`'s, in the order the page shows them."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "constant_memory": True})
    formats = _formats(book)
    used: set[str] = set()
    for sheet_title, sheet_name, columns, rows in sheets:
        sheet_name = SHEET_BANNED.sub("-", sheet_name)  # 表4 按行业（GB/T 4754门类）
        name = sheet_name[:31]
        n = 2
        while name in used:  # sheet names are unique in a workbook
            name = f"{sheet_name[:28]}({n})"
            n += 1
        used.add(name)
        _list_sheet(book, formats, sheet_title, name, columns, rows, info)
    book.set_properties({"title": title})
    book.close()
    return buffer.getvalue()


def _list_sheet(book, formats, title, sheet_name, columns, rows, info) -> None:
    sheet = book.add_worksheet(sheet_name)
    sheet.write_string(TITLE_ROW, 0, title, formats["title"])
    sheet.write_string(INFO_ROW, 0, info, formats["info"])
    for col, column in enumerate(columns):
        sheet.set_column(col, col, column.width)
        sheet.write_string(HEADER_ROW, col, column.label, formats["header"])
    sheet.set_row(HEADER_ROW, 30)
    sheet.freeze_panes(HEADER_ROW + 1, 0)
    row = HEADER_ROW
    for values in rows:
        row += 1
        for col, (value, column) in enumerate(zip(values, columns, strict=True)):
            _write(sheet, row, col, value, column.kind, formats.get(column.kind, formats["text"]))
    sheet.autofilter(HEADER_ROW, 0, max(row, HEADER_ROW + 1), len(columns) - 1)
    sheet.set_paper(9)
    sheet.set_landscape()
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(HEADER_ROW)
