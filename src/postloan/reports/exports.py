"""The 报表 pages' tables as Excel sheets, exactly as each page shows them (the same scope and
filters): Chinese headers, labels not codes, money in 元 as numbers with a number format, rates
as percentages, dates as dates. The pages' 导出Excel buttons answer through
`documents.list_export.respond_sheets` (documents/http.py underneath), one sheet a table.

Each function returns [(表名, columns, rows)] from the objects the page renders; nothing is
computed again here."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from postloan.core.tables import DATE, INT, MONEY, PERCENT, TEXT, Column
from postloan.reports.kpis import KPIS

Sheet = tuple[str, list[Column], list[list]]
HUNDRED = Decimal(100)


def _share(value) -> Decimal | None:
    """The pages' 0–100 percentages (85.0 for 85%) as the ratio Excel's percent format wants."""
    return None if value is None else Decimal(value) / HUNDRED


# --- 信贷资产质量整体报告 ----------------------------------------------------------------------

NUMBER = re.compile(r"^-?[\d,]+(\.\d+)?$")


def _number(text: str) -> Decimal | None:
    try:
        return Decimal(text.replace(",", "")) if NUMBER.match(text) else None
    except InvalidOperation:
        return None


def _column_kind(header: str, cells: list[str]) -> str:
    shown = [c for c in cells if c not in ("", "—")]
    if not shown:
        return TEXT
    if all(c.endswith("%") and _number(c[:-1]) is not None for c in shown):
        return PERCENT
    if all(_number(c) is not None for c in shown):
        if "元" in header or any("." in c for c in shown):
            return MONEY
        return INT
    return TEXT


def _cell(text: str, kind: str):
    if text in ("", "—"):
        return None
    if kind == PERCENT:
        return _number(text[:-1]) / HUNDRED
    if kind == MONEY:
        return _number(text)
    if kind == INT:
        return int(_number(text))
    return text


def quality_sheets(sections: list[dict]) -> list[Sheet]:
    """表1 … 表N of the report as the page prints them (amounts in the unit of their header,
    万元 where the report states 万元), numbers as numbers."""
    sheets: list[Sheet] = []
    for section in sections:
        for table in section.get("tables", []):
            headers = [str(h) for h in table["headers"]]
            rows = [[str(v) for v in row] for row in table["rows"]]
            kinds = [_column_kind(h, [r[i] for r in rows]) for i, h in enumerate(headers)]
            columns = [
                Column(h, kind, 24 if i == 0 else 14)
                for i, (h, kind) in enumerate(zip(headers, kinds, strict=True))
            ]
            caption = table.get("caption") or section["title"]
            sheets.append(
                (
                    caption,
                    columns,
                    [[_cell(v, k) for v, k in zip(r, kinds, strict=True)] for r in rows],
                )
            )
    return sheets


# --- 考核指标 ------------------------------------------------------------------------------------


AMOUNT_KPIS = {"collection", "recovery", "npl_disposal"}  # 本息/余额 in 元; the rest count


def _kpi_sheet(name: str, first: str, rows) -> Sheet:
    columns = [Column(first, TEXT, 24)]
    for code, label in KPIS:
        kind, unit = (MONEY, "（元）") if code in AMOUNT_KPIS else (INT, "")
        columns += [
            Column(f"{label}", PERCENT, 12),
            Column(f"{label}·分子{unit}", kind, 14),
            Column(f"{label}·分母{unit}", kind, 14),
        ]
    out = []
    for row in rows:
        values = ["　" * row.depth + row.name]
        for _code, cell in row.ordered():
            if cell.no_data:
                values += ["无数据", None, None]
            else:
                values += [cell.rate, cell.num, cell.den]
        out.append(values)
    return name, columns, out


def kpi_sheets(board) -> list[Sheet]:
    return [
        _kpi_sheet("按机构", "机构", board.units),
        _kpi_sheet("按人员", "人员", board.people),
    ]


# --- 不尽职清单 ----------------------------------------------------------------------------------


def diligence_sheets(report) -> list[Sheet]:
    counts = [Column(str(label), INT, 12) for _code, label in report.labels]
    people = [[f"{r.name}（{r.key}）", r.branch, *r.values(), r.total] for r in report.people]
    units = [[r.name, *r.values(), r.total] for r in report.units]
    units.append(["合计", *report.totals.values(), report.totals.total])
    return [
        ("按人员", [Column("人员", TEXT, 20), Column("机构", TEXT, 18), *counts,
                     Column("合计", INT, 8)], people),
        ("按机构", [Column("机构", TEXT, 20), *counts, Column("合计", INT, 8)], units),
    ]  # fmt: skip


# --- 问责比对 ------------------------------------------------------------------------------------

ACCOUNTABILITY_COLUMNS = [
    Column("责任人", TEXT, 16),
    Column("责任人工号", TEXT, 10),
    Column("责任人机构", TEXT, 18),
    Column("客户编号", TEXT, 12),
    Column("客户名称", TEXT, 26),
    Column("类型", TEXT, 14),
    Column("例会日期", DATE, 11),
    Column("纪要记载", TEXT, 40),
    Column("后续数据日期", DATE, 11),
    Column("借据", TEXT, 16),
    Column("逾期天数", INT, 9),
    Column("后续分类", TEXT, 8),
    Column("余额（元）", MONEY, 16),
    Column("状态", TEXT, 8),
    Column("认定/排除理由", TEXT, 30),
    Column("认定人", TEXT, 10),
    Column("认定日期", DATE, 11),
    Column("处理决定", TEXT, 36),
]


def _consequences(finding) -> str:
    parts = []
    for c in finding.consequences.all():
        text = str(c.get_kind_display())
        if c.points:
            text += f" {c.points}分"
        if c.amount:
            text += f" {c.amount:,.2f}元"
        parts.append(f"{text}：{c.note}" if c.note else text)
    return "；".join(parts)


def accountability_sheets(groups, person_name) -> list[Sheet]:
    """person_name: how the pages name a user (姓名, never the login)."""
    rows = []
    for g in groups:
        staff = g["staff"]
        for f in g["findings"]:
            decided = f.decided_at.date() if f.decided_at else None
            rows.append(
                [
                    staff.name if staff else "未明确责任人",
                    staff.staff_id if staff else "",
                    staff.branch.name if staff else "",
                    f.customer_id,
                    f.customer.name,
                    str(f.get_kind_display()),
                    f.meeting_date,
                    f.minute_text,
                    f.later_as_of,
                    f.loan_id,
                    f.later_dpd,
                    str(f.get_later_class_display()),
                    f.later_balance,
                    str(f.get_status_display()),
                    f.decision_reason,
                    person_name(f.decided_by) if f.decided_by_id else "",
                    decided,
                    _consequences(f),
                ]
            )
    return [("问责事项", ACCOUNTABILITY_COLUMNS, rows)]


# --- 会议效果评估 --------------------------------------------------------------------------------

MEETING_COLUMNS = [
    Column("会议日期", DATE, 11),
    Column("例会类型", TEXT, 12),
    Column("机构", TEXT, 18),
    Column("委员出席", INT, 9),
    Column("委员人数", INT, 9),
    Column("审议客户", INT, 9),
    Column("决议", INT, 8),
    Column("已核实", INT, 8),
    Column("未执行到位", INT, 10),
]


def effectiveness_sheets(meetings) -> list[Sheet]:
    rows = [
        [m.date, str(m.get_kind_display()), m.branch.name, m.n_present, m.n_members, m.n_items,
         m.n_resolutions, m.n_verified, m.n_failed]
        for m in meetings
    ]  # fmt: skip
    return [("已召开例会", MEETING_COLUMNS, rows)]


def meeting_effect_sheets(effect, missed: list[str]) -> list[Sheet]:
    r = effect.resolutions
    summary = [
        ["委员出席", effect.members_present, effect.members, _share(effect.attendance_rate)],
        ["全部出席人员", effect.present, effect.attendees, None],
        ["议程覆盖（按计划）", len(effect.planned_reviewed), len(effect.planned),
         _share(effect.coverage_rate)],
        ["已核实执行/形成决议", r.get("verified", 0), r.get("adopted", 0),
         _share(effect.verified_rate)],
        ["已报告执行（待核实）", r.get("claimed", 0), None, None],
        ["执行中", r.get("open", 0), None, None],
        ["已逾期", r.get("overdue", 0), None, None],
        ["未执行到位", r.get("failed", 0), None, None],
    ]  # fmt: skip
    summary_columns = [
        Column("项目", TEXT, 22),
        Column("数量", INT, 9),
        Column("总数", INT, 9),
        Column("比率", PERCENT, 9),
    ]
    sheets: list[Sheet] = [("出席与决议", summary_columns, summary)]
    sheets.append(("计划内未审议客户", [Column("客户", TEXT, 40)], [[m] for m in missed]))
    columns = [
        Column("组别", TEXT, 10),
        Column("比较筛查日", TEXT, 24),
        Column("客户数", INT, 8),
        Column("会前余额（元）", MONEY, 16),
        Column("会后余额（元）", MONEY, 16),
        Column("压降余额（元）", MONEY, 16),
        Column("余额压降率", PERCENT, 10),
        Column("分类上调客户", INT, 10),
        Column("分类下调客户", INT, 10),
        Column("分类下调率", PERCENT, 10),
        Column("会时未消除预警信号", INT, 12),
        Column("其后已消除", INT, 10),
        Column("消除率", PERCENT, 9),
    ]
    for o in effect.outlooks:
        name = f"会后{o.months}个月"
        if not o.as_of:
            sheets.append((name, [Column("说明", TEXT, 40)], [[o.missing_text]]))
            continue
        compared = f"{effect.baseline:%Y-%m-%d} → {o.as_of:%Y-%m-%d}" if effect.baseline else ""
        rows = [
            [group, compared, g.customers, g.balance_before, g.balance_after, g.balance_reduced,
             _share(g.reduction_rate), g.upgraded, g.downgraded, _share(g.downgrade_rate),
             g.signals_open, g.signals_released, _share(g.release_rate)]
            for group, g in (("上会客户", o.reviewed), ("对照客户", o.peers))
        ]  # fmt: skip
        sheets.append((name, columns, rows))
    return sheets
