"""One way to answer a list page's 导出Excel: the rows the page filtered (all of them, not the
page shown), through `excel.list_workbook` (Chinese headers, labels, 元 as numbers with a number
format, dates as dates), named `<标题>-<业务日期>.xlsx`, with the filters written above the table.

    export_query(request)                the page's query without `page`, for the button's link
    respond(title, columns, rows, info)  the download

The template's button: {% include "_export_button.html" with url=… query=… %}."""

from __future__ import annotations

from collections.abc import Iterable

from django.http import HttpResponse
from django.utils import timezone

from postloan.core.business_date import current_business_date
from postloan.documents.excel import list_workbook
from postloan.reports.tables import Column

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def export_query(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def filters_text(filters: dict[str, str]) -> str:
    """筛选条件：状态：催收中；机构：…  (empty values left out; 全部 when none)."""
    shown = "；".join(f"{k}：{v}" for k, v in filters.items() if v)
    return f"筛选条件：{shown or '全部'}"


def respond(
    title: str, columns: list[Column], rows: Iterable[list], filters: dict[str, str]
) -> HttpResponse:
    from postloan.documents.views import download

    as_of = current_business_date()
    stamp = f"{as_of:%Y%m%d}" if as_of else f"{timezone.localdate():%Y%m%d}"
    day = f"业务日期：{as_of:%Y-%m-%d}　" if as_of else ""
    info = f"{day}{filters_text(filters)}（与页面筛选条件一致）"
    content = list_workbook(title, title, columns, rows, info)
    return download(content, f"{title}-{stamp}.xlsx", XLSX)
