"""The two files the system writes back (data contract, last section): one code path for the
CLI (`postloan export …`) and the web downloads."""

import datetime as dt
import json
from collections.abc import Iterable, Iterator

from django.db.models import Q, QuerySet

from postloan.core import csvsafe
from postloan.core.tables import DATE, INT, MONEY, TEXT, Column
from postloan.risk import choices as ch
from postloan.risk.catalogue import signal_rules
from postloan.risk.models import LoanAssessment, Signal

CLASSIFICATION_COLUMNS = (
    "loan_id",
    "customer_id",
    "as_of",
    "dpd",
    "current_class",
    "suggested_class",
    "rule_ids",
    "reasons",
)
SIGNAL_COLUMNS = (
    "signal_id",
    "customer_id",
    "loan_id",
    "rule_id",
    "severity",
    "status",
    "raised_on",
    "evidence",
)


def classification_rows(as_of: dt.date, assessments: QuerySet | None = None) -> Iterator[list]:
    qs = LoanAssessment.objects.all() if assessments is None else assessments
    for r in (
        qs.filter(as_of=as_of)
        .order_by("loan_id")
        .values_list(
            "loan_id",
            "customer_id",
            "as_of",
            "dpd",
            "current_class",
            "suggested_class",
            "rule_ids",
            "reasons",
        )
        .iterator(chunk_size=5000)
    ):
        yield [r[0], r[1], r[2].isoformat(), r[3], r[4], r[5], r[6], r[7]]


def signals_on(as_of: dt.date, signals: QuerySet | None = None) -> QuerySet:
    """Signals standing on `as_of`: raised by then and not released before it."""
    qs = Signal.objects.all() if signals is None else signals
    return qs.filter(raised_on__lte=as_of).filter(
        Q(released_on__isnull=True) | Q(released_on__gt=as_of)
    )


def signal_rows(as_of: dt.date, signals: QuerySet | None = None) -> Iterator[list]:
    for r in (
        signals_on(as_of, signals)
        .order_by("id")
        .values_list(
            "id", "customer_id", "loan_id", "rule_id", "level", "status", "raised_on", "evidence"
        )
        .iterator(chunk_size=5000)
    ):
        yield [
            r[0],
            r[1],
            r[2] or "",
            r[3],
            r[4],
            r[5],
            r[6].isoformat(),
            json.dumps(r[7], ensure_ascii=False, sort_keys=True),
        ]


def write_csv(out, columns: Iterable[str], rows: Iterable[list]) -> int:
    writer = csvsafe.writer(out, lineterminator="\n")  # a text cell never runs as a formula
    writer.writerow(columns)
    n = 0
    for row in rows:
        writer.writerow(row)
        n += 1
    return n


def write_classification(out, as_of: dt.date, assessments: QuerySet | None = None) -> int:
    return write_csv(out, CLASSIFICATION_COLUMNS, classification_rows(as_of, assessments))


def write_signals(out, as_of: dt.date, signals: QuerySet | None = None) -> int:
    return write_csv(out, SIGNAL_COLUMNS, signal_rows(as_of, signals))


EXPORTS = {"classification": write_classification, "signals": write_signals}


# --- for people: the list pages' Excel workbooks --------------------------------------------
# Chinese headers, labels instead of codes, money in 元 as numbers, dates as dates, exactly the
# rows the page lists for the same filters, in its order. The CSV files above stay the machines'.

SIGNAL_SHEET = [
    Column("编号", INT, 8),
    Column("级别", TEXT, 6),
    Column("类别", TEXT, 12),
    Column("规则编号", TEXT, 18),
    Column("规则名称", TEXT, 20),
    Column("客户编号", TEXT, 12),
    Column("客户名称", TEXT, 28),
    Column("管户机构", TEXT, 16),
    Column("借据号", TEXT, 18),
    Column("摘要", TEXT, 40),
    Column("状态", TEXT, 8),
    Column("发布日期", DATE, 11),
    Column("最近触发日期", DATE, 12),
    Column("仍在触发", TEXT, 8),
    Column("责任人", TEXT, 10),
    Column("处置期限", DATE, 11),
]

SUGGESTION_SHEET = [
    Column("借据号", TEXT, 18),
    Column("客户编号", TEXT, 12),
    Column("客户名称", TEXT, 28),
    Column("管户机构", TEXT, 16),
    Column("逾期天数", INT, 9),
    Column("余额（元）", MONEY, 16),
    Column("逾期本金（元）", MONEY, 15),
    Column("逾期利息（元）", MONEY, 14),
    Column("当前分类", TEXT, 8),
    Column("建议分类", TEXT, 8),
    Column("变动", TEXT, 8),
    Column("触发规则", TEXT, 24),
    Column("理由", TEXT, 50),
    Column("状态", TEXT, 8),
]


def filters_info(request, as_of: dt.date | None, branch=None) -> str:
    """The line under the title: the date, the unit, and that the rows follow the page's filters."""
    unit = branch.name if branch is not None else "全部可见机构"
    date = f"业务日期：{as_of:%Y-%m-%d}　" if as_of else ""
    return f"{date}机构：{unit}　金额单位：元　（与页面筛选条件一致）"


def signal_sheet_rows(signals: QuerySet) -> Iterator[list]:
    rules = signal_rules()
    levels, families = dict(ch.SignalLevel.choices), dict(ch.SignalFamily.choices)
    statuses = dict(ch.SignalStatus.choices)
    for s in signals.iterator(chunk_size=2000):
        yield [
            s.pk,
            levels.get(s.shown_level, s.shown_level),
            families.get(s.family, s.family),
            s.rule_id,
            rules.get(s.rule_id, ("", ""))[1],
            s.customer_id,
            s.customer.name,
            s.customer.branch.name,
            s.loan_id or "",
            s.summary,
            statuses.get(s.status, s.status),
            s.raised_on,
            s.last_seen_on,
            "是" if s.still_firing else "否",
            s.owner.name if s.owner else "",
            s.due_date,
        ]


def suggestion_sheet_rows(assessments: QuerySet) -> Iterator[list]:
    classes, changes = dict(ch.LoanClass.choices), dict(ch.ClassChange.choices)
    statuses = dict(ch.AssessmentStatus.choices)
    for a in assessments.iterator(chunk_size=2000):
        yield [
            a.loan_id,
            a.customer_id,
            a.customer.name,
            a.customer.branch.name,
            a.dpd,
            a.balance,
            a.overdue_principal,
            a.overdue_interest,
            classes.get(a.current_class, a.current_class),
            classes.get(a.suggested_class, a.suggested_class),
            changes.get(a.change, a.change),
            "、".join(a.rule_list),
            a.reasons,
            statuses.get(a.status, a.status),
        ]
