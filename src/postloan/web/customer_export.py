"""The customer list as an Excel workbook: exactly the rows the page shows for the same filters."""

import datetime as dt
import io
from decimal import Decimal

import xlsxwriter

from postloan.portfolio.choices import CLASS_LABELS, CustomerType
from postloan.reports.industries import section_label
from postloan.web.queries.classes import CLASS_BY_RANK

COLUMNS = (
    ("客户编号", 14),
    ("客户名称", 32),
    ("客户类型", 10),
    ("管户机构", 16),
    ("客户经理", 12),
    ("行业代码", 10),
    ("贷款余额（元）", 18),
    ("最差分类", 10),
    ("逾期贷款数", 11),
    ("所属行业门类", 24),
)
TYPE_LABELS = dict(CustomerType.choices)


def customer_workbook(rows, as_of: dt.date | None) -> bytes:
    """Write `rows` (the annotated customer queryset) to an .xlsx and return its bytes."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "constant_memory": True})
    sheet = book.add_worksheet("客户清单")
    header = book.add_format(
        {"bold": True, "bg_color": "#F0F2F5", "border": 1, "align": "center", "valign": "vcenter"}
    )
    money = book.add_format({"num_format": "#,##0.00"})
    count = book.add_format({"num_format": "0"})
    for col, (title, width) in enumerate(COLUMNS):
        sheet.set_column(col, col, width)
        sheet.write_string(0, col, title, header)
    sheet.freeze_panes(1, 0)

    n = 0
    for n, c in enumerate(rows.iterator(chunk_size=2000), start=1):
        sheet.write_string(n, 0, c.customer_id)
        sheet.write_string(n, 1, c.name)
        sheet.write_string(n, 2, str(TYPE_LABELS.get(c.type, c.type)))
        sheet.write_string(n, 3, c.branch.name)
        sheet.write_string(n, 4, c.manager.name if c.manager else "")
        sheet.write_string(n, 5, c.industry_code)
        # Excel stores numbers as binary floating point; the Decimal is converted only here.
        sheet.write_number(n, 6, float(c.loan_balance or Decimal(0)), money)
        worst = CLASS_BY_RANK.get(c.worst_rank) if c.worst_rank is not None else None
        sheet.write_string(n, 7, CLASS_LABELS.get(worst, "") if worst else "")
        if c.overdue_loans is None:
            sheet.write_blank(n, 8, None)
        else:
            sheet.write_number(n, 8, c.overdue_loans, count)
        sheet.write_string(n, 9, section_label(c.industry_code[:1]) if c.industry_code else "")
    sheet.autofilter(0, 0, max(n, 1), len(COLUMNS) - 1)
    sheet.set_paper(9)  # A4 landscape, one page wide, the header row on every page
    sheet.set_landscape()
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(0)
    if as_of is not None:
        book.set_properties({"title": f"客户清单（业务日期 {as_of:%Y-%m-%d}）"})
    book.close()
    return buffer.getvalue()
