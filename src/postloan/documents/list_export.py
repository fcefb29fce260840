"""One way to answer a list page's 导出Excel: the rows the page filtered (all of them, not the
page shown), through `excel.list_workbook` (Chinese headers, labels, 元 as numbers with a number
format, dates as dates), named `<标题>-<业务日期>.xlsx`, with the filters written above the table.

    export_query(request)                the page's query without `page`, for the button's link
    filter_list(request, qs, choices, date_field)  a list page's 类型/状态 selects and its date
                                         range, applied the same way for the page and its export
    respond(title, columns, rows, info)  the download
    respond_sheets(title, sheets, filters)  a page with several tables: one sheet each

The template's button: {% include "_export_button.html" with url=… query=… %}."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.http import HttpResponse

from postloan.core.business_date import calendar_day, current_business_date
from postloan.core.tables import Column
from postloan.documents.excel import list_workbook, sheets_workbook
from postloan.documents.http import XLSX, download


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
    as_of = current_business_date()
    stamp = f"{as_of:%Y%m%d}" if as_of else f"{calendar_day():%Y%m%d}"
    day = f"业务日期：{as_of:%Y-%m-%d}　" if as_of else ""
    info = f"{day}{filters_text(filters)}（与页面筛选条件一致）"
    content = list_workbook(title, title, columns, rows, info)
    return download(content, f"{title}-{stamp}.xlsx", XLSX)


def respond_sheets(
    title: str, sheets: list[tuple[str, list[Column], Iterable[list]]], filters: dict[str, str]
) -> HttpResponse:
    """sheets: (表名, columns, rows) in the page's order; the file and the filters as `respond`."""
    as_of = current_business_date()
    stamp = f"{as_of:%Y%m%d}" if as_of else f"{calendar_day():%Y%m%d}"
    day = f"业务日期：{as_of:%Y-%m-%d}　" if as_of else ""
    info = f"{day}{filters_text(filters)}（与页面筛选条件一致）"
    book = [(f"{title} · {name}", name, columns, rows) for name, columns, rows in sheets]
    return download(sheets_workbook(title, book, info), f"{title}-{stamp}.xlsx", XLSX)


def _day(value: str):
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def filter_list(request, qs, choices: dict, date_field: str, date_word: str = "日期"):
    """Apply a list's filters from the query string, the one way for both page and export.

    choices: {param: (field, TextChoices, 中文名)} — a select; an unknown value is ignored.
    date_field: filtered by `from`/`to` (inclusive; a DateTimeField by its local date).
    Returns (qs, state for the form, {中文名: 标签} for the export, Chinese errors for a bad date);
    state["selects"] feeds templates/_list_filters.html."""
    get = request.GET
    state = {k: get.get(k, "").strip() for k in [*choices, "from", "to"]}
    words: dict[str, str] = {}
    errors: list[str] = []
    state["selects"] = [
        {"name": param, "label": word, "options": options.choices, "value": state[param]}
        for param, (_field, options, word) in choices.items()
    ]
    state["date_word"] = date_word
    for param, (field, options, word) in choices.items():
        if state[param] in options.values:
            qs = qs.filter(**{field: state[param]})
            words[word] = options(state[param]).label
    lookup = date_field
    if qs.model._meta.get_field(date_field).get_internal_type() == "DateTimeField":
        lookup = f"{date_field}__date"
    for key, op, word in (("from", "gte", f"{date_word}自"), ("to", "lte", f"{date_word}至")):
        if not state[key]:
            continue
        day = _day(state[key])
        if day is None:
            errors.append(f"{word}“{state[key]}”不是有效日期（格式：2026-10-31），未按它筛选")
            continue
        qs = qs.filter(**{f"{lookup}__{op}": day})
        words[word] = f"{day:%Y-%m-%d}"
    return qs, state, words, errors
