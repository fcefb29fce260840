"""全行信贷资产质量整体报告 (the meeting's first agenda item), computed once, set-based.

Every figure is an aggregate query over the screening results (`loan_assessments`, one row per
loan per business date: balance, DPD, class on the books) or over the worklist / meetings records,
restricted to the report's scope (the unit's subtree ∩ what the user may see). Nothing is typed in.

Dates
- ``as_of``: the date asked for. ``screened_on``: the latest screening date on or before it — the
  date of every stock figure (balances, classes, buckets, concentration). A report never mixes
  dates: when the asked date has no screening, the stock figures state ``screened_on``.
- ``since``: the comparison date — the screening date on or before the unit's last meeting
  before ``as_of`` (or a date the user chose; else the previous screening date). The migration
  matrix and the NPL flow run from ``since`` to ``screened_on``.
- The period of the flow figures is ``period_start`` … ``as_of``: the day after ``since`` (or
  1 January of the as-of year when there is no comparison date) to the as-of date.

Definitions (the seed's 2021 figures, §4 of domain.md)
- 贷款发放 (disbursed): loans whose 发放日 falls in the period: count and 发放金额 (principal).
- 到期应收 / 收回 / 回收率: `postloan.worklist.rates` (one computation): instalments due in the
  period (principal + interest) / those of them fully paid by the period's end / the ratio.
- 新发生不良 (NPL arisen): balance at ``screened_on`` of loans non-performing then but not at
  ``since`` (including loans new since then).
- 不良处置 (NPL disposed): for loans non-performing at ``since``: their balance then, minus their
  balance at ``screened_on`` if still non-performing (repaid, upgraded, written off or settled
  count as disposed). 不良处置率 = disposed ÷ NPL balance at ``since``.
  Identity (tested): NPL(screened_on) = NPL(since) − disposed + arisen.
- 不良率 (NPL ratio): NPL balance ÷ total balance, classes as on the books (confirmed class,
  else the class found by the screening).
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, F, Max, Q, Sum
from django.db.models.functions import Substr, Upper

from postloan.core.codetables import region_name
from postloan.core.formats import round_half_up
from postloan.meetings import exits
from postloan.meetings.models import ExitEntry, Meeting, Resolution
from postloan.portfolio.choices import CLASS_LABELS, CustomerType, Product
from postloan.portfolio.models import Loan
from postloan.portfolio_risk.concentration import Concentration, concentration
from postloan.portfolio_risk.limits import current_limits
from postloan.reports.industries import section_label
from postloan.reports.scope import Scope
from postloan.risk import choices as rch
from postloan.risk.models import ClassificationDecision, LoanAssessment, Signal
from postloan.risk.queries import (
    CLASSES,
    EFFECTIVE_CLASS,
    EFFECTIVE_NPL,
    Migration,
    family_level_table,
    latest_screening,
    migration_matrix,
)
from postloan.units.oversight import unit_oversight
from postloan.worklist import rates
from postloan.worklist.models import Inspection

ZERO = Decimal("0")
TREND_POINTS = 12
TOP_CUSTOMERS = 10
TOP_INDUSTRIES = 5

# 逾期天数分段 (days past due buckets), both ends included.
OVERDUE_BUCKETS = (
    ("1_30", "1–30天", 1, 30),
    ("31_90", "31–90天", 31, 90),
    ("91_180", "91–180天", 91, 180),
    ("181_360", "181–360天", 181, 360),
    ("gt_360", "360天以上", 361, None),
)


def ratio(part, whole) -> Decimal | None:
    if not whole:
        return None
    return round_half_up(Decimal(part or 0) / Decimal(whole), 4)


def _money(value) -> Decimal:
    return value if value is not None else ZERO


@dataclass
class Row:
    key: str
    label: str
    count: int = 0
    balance: Decimal = ZERO
    npl_balance: Decimal = ZERO
    customers: int = 0
    share: Decimal | None = None

    @property
    def npl_ratio(self) -> Decimal | None:
        return ratio(self.npl_balance, self.balance)


@dataclass
class FlowRow:
    key: str
    label: str
    disbursed_count: int = 0
    disbursed: Decimal = ZERO
    due: Decimal = ZERO
    recovered: Decimal = ZERO
    npl_at_since: Decimal = ZERO
    npl_arisen: Decimal = ZERO
    npl_disposed: Decimal = ZERO
    npl_now: Decimal = ZERO

    @property
    def recovery_rate(self) -> Decimal | None:
        return ratio(self.recovered, self.due)

    @property
    def disposal_rate(self) -> Decimal | None:
        return ratio(self.npl_disposed, self.npl_at_since)


@dataclass
class QualityReport:
    scope: Scope
    screened_on: dt.date | None
    since: dt.date | None
    since_reason: str
    period_start: dt.date
    total: Row = field(default_factory=lambda: Row("total", "合计"))
    by_class: list[Row] = field(default_factory=list)
    segments: dict[str, list[Row]] = field(default_factory=dict)
    trend: list[dict] = field(default_factory=list)
    migration: Migration | None = None
    buckets: list[Row] = field(default_factory=list)
    top_customers: list[Row] = field(default_factory=list)
    top_industries: list[Row] = field(default_factory=list)
    signals_new: list[dict] = field(default_factory=list)
    signals_open: list[dict] = field(default_factory=list)
    signals_new_total: int = 0
    signals_open_total: int = 0
    inspections: dict = field(default_factory=dict)
    class_changes: dict = field(default_factory=dict)
    resolutions: dict | None = None
    flows: list[FlowRow] = field(default_factory=list)
    exits: dict = field(default_factory=dict)  # d2: 潜在风险客户退出名单 (meetings.exits)
    effective_exits: list[dict] = field(default_factory=list)  # 预见性有效退出 per unit, year
    unit_lines: list[str] = field(default_factory=list)  # d2: lower units' 停复牌 (units)
    concentration: Concentration | None = None  # groups, indicators against net capital, HHI

    @property
    def as_of(self) -> dt.date:
        return self.scope.as_of

    @property
    def has_data(self) -> bool:
        return self.screened_on is not None and self.total.count > 0

    def chart_data(self) -> dict:
        """What the page's ECharts read (amounts in 万元 as strings, never floats)."""

        def wan(v):
            return str(round_half_up(_money(v) / 10000))

        return {
            "classes": [
                {"code": r.key, "name": r.label, "balance": wan(r.balance), "count": r.count}
                for r in self.by_class
            ],
            "trend": {
                "dates": [p["as_of"].isoformat() for p in self.trend],
                "ratio": [
                    str(round_half_up(p["ratio"] * 100)) if p["ratio"] is not None else None
                    for p in self.trend
                ],
                "npl": [wan(p["npl"]) for p in self.trend],
            },
            "buckets": {
                "labels": [b.label for b in self.buckets],
                "balance": [wan(b.balance) for b in self.buckets],
                "count": [b.count for b in self.buckets],
            },
            "segments": {
                "labels": [r.label for r in self.segments.get("type", [])],
                "balance": [wan(r.balance) for r in self.segments.get("type", [])],
                "npl": [wan(r.npl_balance) for r in self.segments.get("type", [])],
            },
            "industries": {
                "labels": [r.label for r in self.top_industries],
                "balance": [wan(r.balance) for r in self.top_industries],
            },
            "groups": {
                "labels": [g.label for g in self._groups()],
                "balance": [wan(g.balance) for g in self._groups()],
            },
            "regions": {
                "labels": [r.label for r in self._regions()],
                "balance": [wan(r.balance) for r in self._regions()],
            },
        }

    def _groups(self):
        return self.concentration.groups[:TOP_CUSTOMERS] if self.concentration else []

    def _regions(self):
        return self.concentration.regions[:TOP_CUSTOMERS] if self.concentration else []


# --- the dates ---------------------------------------------------------------------------


def assessments_in(scope: Scope):
    return scope.restrict(LoanAssessment.objects.all())


def last_meeting_date(scope: Scope) -> dt.date | None:
    """The unit's last meeting held before the as-of date."""
    return (
        Meeting.objects.filter(branch=scope.branch, date__lt=scope.as_of)
        .exclude(status__in=["planned", "noticed", "cancelled"])
        .aggregate(d=Max("date"))["d"]
    )


def comparison_date(
    assessments, scope: Scope, screened_on: dt.date | None, chosen: dt.date | None
) -> tuple[dt.date | None, str]:
    if screened_on is None:
        return None, "无筛查数据"
    if chosen is not None:
        d = latest_screening(chosen, assessments)
        if d is not None and d < screened_on:
            return d, f"指定比较日{chosen:%Y-%m-%d}（取其当日或之前最近的筛查日）"
    meeting = last_meeting_date(scope)
    if meeting is not None:
        d = latest_screening(meeting, assessments)
        if d is not None and d < screened_on:
            return d, f"上次例会{meeting:%Y-%m-%d}（取其当日或之前最近的筛查日）"
    d = assessments.filter(as_of__lt=screened_on).aggregate(d=Max("as_of"))["d"]
    if d is not None:
        return d, "上一筛查日（本机构此前无例会）"
    return None, "此前无筛查数据，无法比较"


# --- stock figures at the screening date ------------------------------------------------


def _stock_aggregates():
    return {
        "n": Count("id"),
        "bal": Sum("balance"),
        "npl": Sum("balance", filter=EFFECTIVE_NPL),
        "cust": Count("customer", distinct=True),
    }


def totals(at) -> Row:
    agg = at.aggregate(**_stock_aggregates())
    return Row(
        "total",
        "合计",
        agg["n"],
        _money(agg["bal"]),
        _money(agg["npl"]),
        agg["cust"],
    )


def by_class(at, total: Row) -> list[Row]:
    cells = {
        r["cls"]: r
        for r in at.annotate(cls=EFFECTIVE_CLASS)
        .values("cls")
        .annotate(n=Count("id"), bal=Sum("balance"), cust=Count("customer", distinct=True))
    }
    rows = []
    for code in CLASSES:
        r = cells.get(code, {})
        balance = _money(r.get("bal"))
        rows.append(
            Row(
                code,
                CLASS_LABELS[code],
                r.get("n", 0),
                balance,
                balance if code in rch.NON_PERFORMING else ZERO,
                r.get("cust", 0),
                ratio(balance, total.balance),
            )
        )
    return rows


def _region_label(code: str) -> str:
    """330106 → 浙江省杭州市西湖区（330106）; empty stays empty (未填写)."""
    return f"{region_name(code)}（{code}）" if code else ""


SEGMENTS = {
    "type": ("客户类型", "customer__type", dict(CustomerType.choices).get),
    "product": ("产品", "loan__product", dict(Product.choices).get),
    "industry": ("行业（GB/T 4754门类）", "industry", section_label),
    "region": ("地区（GB/T 2260）", "customer__region_code", _region_label),
}


def segment(at, name: str, total: Row) -> list[Row]:
    _, column, labeller = SEGMENTS[name]
    qs = at
    if name == "industry":
        qs = at.annotate(industry=Upper(Substr("customer__industry_code", 1, 1)))
    rows = [
        Row(
            r[column] or "",
            (labeller(r[column] or "") if labeller else r[column]) or r[column] or "未填写",
            r["n"],
            _money(r["bal"]),
            _money(r["npl"]),
            r["cust"],
            ratio(r["bal"], total.balance),
        )
        for r in qs.values(column).annotate(**_stock_aggregates())
    ]
    return sorted(rows, key=lambda r: (-r.balance, r.key))


def overdue_buckets(at, total: Row) -> list[Row]:
    """Loans by days past due; a loan with 0 DPD is in 未逾期 (so the rows add up to the total)."""
    aggs = {"current_n": Count("id", filter=Q(dpd=0)), "current_b": Sum("balance", filter=Q(dpd=0))}
    for key, _, low, high in OVERDUE_BUCKETS:
        q = Q(dpd__gte=low) if high is None else Q(dpd__gte=low, dpd__lte=high)
        aggs[f"{key}_n"] = Count("id", filter=q)
        aggs[f"{key}_b"] = Sum("balance", filter=q)
    agg = at.aggregate(**aggs)
    rows = [Row("current", "未逾期", agg["current_n"], _money(agg["current_b"]))]
    rows += [
        Row(key, label, agg[f"{key}_n"], _money(agg[f"{key}_b"]))
        for key, label, _, _ in OVERDUE_BUCKETS
    ]
    for r in rows:
        r.share = ratio(r.balance, total.balance)
    return rows


def top_customers(at, total: Row, limit: int = TOP_CUSTOMERS) -> list[Row]:
    rows = (
        at.values("customer_id", "customer__name")
        .annotate(n=Count("id"), bal=Sum("balance"), npl=Sum("balance", filter=EFFECTIVE_NPL))
        .order_by("-bal", "customer_id")[:limit]
    )
    return [
        Row(
            r["customer_id"],
            r["customer__name"],
            r["n"],
            _money(r["bal"]),
            _money(r["npl"]),
            1,
            ratio(r["bal"], total.balance),
        )
        for r in rows
    ]


def npl_trend(assessments, until: dt.date, points: int = TREND_POINTS) -> list[dict]:
    rows = list(
        assessments.filter(as_of__lte=until)
        .values("as_of")
        .annotate(tot=Sum("balance"), npl=Sum("balance", filter=EFFECTIVE_NPL))
        .order_by("-as_of")[:points]
    )
    return [
        {
            "as_of": r["as_of"],
            "total": _money(r["tot"]),
            "npl": _money(r["npl"]),
            "ratio": ratio(r["npl"], r["tot"]),
        }
        for r in reversed(rows)
    ]


# --- flows over the period ---------------------------------------------------------------


def npl_flow(assessments, since: dt.date | None, until: dt.date, group: str | None = None):
    """{group key: (npl at since, arisen, disposed, npl now)}; see the module's definitions."""

    def grouped(qs, total_field="balance"):
        if group is None:
            return {"all": _money(qs.aggregate(t=Sum(total_field))["t"])}
        return {r[group]: _money(r["t"]) for r in qs.values(group).annotate(t=Sum(total_field))}

    now = assessments.filter(as_of=until).filter(EFFECTIVE_NPL)
    if since is None:
        return {k: (ZERO, ZERO, ZERO, v) for k, v in grouped(now).items()}
    before = assessments.filter(as_of=since).filter(EFFECTIVE_NPL)
    before_ids = before.values("loan_id")
    at_since = grouped(before)
    remaining = grouped(now.filter(loan_id__in=before_ids))
    arisen = grouped(now.exclude(loan_id__in=before_ids))
    npl_now = grouped(now)
    keys = set(at_since) | set(arisen) | set(npl_now)
    return {
        k: (
            at_since.get(k, ZERO),
            arisen.get(k, ZERO),
            at_since.get(k, ZERO) - remaining.get(k, ZERO),
            npl_now.get(k, ZERO),
        )
        for k in keys
    }


def flows_by_type(
    scope: Scope, assessments, since, screened_on, period_start: dt.date
) -> list[FlowRow]:
    labels = dict(CustomerType.choices)
    rows = {k: FlowRow(k, v) for k, v in labels.items()}
    for r in (
        scope.restrict(
            Loan.objects.filter(start_date__gte=period_start, start_date__lte=scope.as_of)
        )
        .values("customer__type")
        .annotate(n=Count("loan_id"), t=Sum("principal"))
    ):
        row = rows[r["customer__type"]]
        row.disbursed_count, row.disbursed = r["n"], _money(r["t"])
    ids = list(scope.customers().values_list("customer_id", flat=True))
    # One computation of 回收率: the worklist's instalment-based definition, by customer type.
    for key, (_, _, due, recovered) in rates.sums_by(
        "type", period_start, scope.as_of, ids
    ).items():
        rows[key].due, rows[key].recovered = due, recovered
    if screened_on is not None:
        for key, (at_since, arisen, disposed, now) in npl_flow(
            assessments, since, screened_on, "customer__type"
        ).items():
            row = rows[key]
            row.npl_at_since, row.npl_arisen, row.npl_disposed, row.npl_now = (
                at_since,
                arisen,
                disposed,
                now,
            )
    out = list(rows.values())
    total = FlowRow("total", "合计")
    for r in out:
        for f in (
            "disbursed_count",
            "disbursed",
            "due",
            "recovered",
            "npl_at_since",
            "npl_arisen",
            "npl_disposed",
            "npl_now",
        ):
            setattr(total, f, getattr(total, f) + getattr(r, f))
    return [*out, total]


def signals_tables(scope: Scope, period_start: dt.date) -> tuple[list, int, list, int]:
    signals = scope.restrict(Signal.objects.filter(raised_on__lte=scope.as_of))
    new = signals.filter(raised_on__gte=period_start)
    open_ = signals.exclude(status=rch.SignalStatus.RELEASED)
    new_rows, open_rows = family_level_table(new), family_level_table(open_)
    return (
        new_rows,
        sum(r["total"] for r in new_rows),
        open_rows,
        sum(r["total"] for r in open_rows),
    )


def inspections_on_time(scope: Scope, period_start: dt.date) -> dict:
    """Inspections due in the period: done by the due date / done late / not done yet."""
    due = scope.restrict(
        Inspection.objects.filter(due_date__gte=period_start, due_date__lte=scope.as_of)
    )
    agg = due.aggregate(
        total=Count("id"),
        on_time=Count("id", filter=Q(done_date__isnull=False, done_date__lte=F("due_date"))),
        late=Count("id", filter=Q(done_date__isnull=False, done_date__gt=F("due_date"))),
        missing=Count("id", filter=Q(done_date__isnull=True) | Q(done_date__gt=scope.as_of)),
    )
    agg["rate"] = ratio(agg["on_time"], agg["total"])
    return agg


def classification_changes(scope: Scope, at, period_start: dt.date) -> dict:
    """Decisions by people in the period that changed a class (上调/下调), and the screening's
    suggestions at the screening date still waiting for confirmation."""
    decisions = (
        scope.restrict(
            ClassificationDecision.objects.filter(
                as_of__gte=period_start, as_of__lte=scope.as_of
            ).exclude(from_class=F("to_class")),
            "loan__customer__",
        )
        .values("from_class", "to_class")
        .annotate(n=Count("id"), b=Sum("loan__balance"))
    )
    up = down = 0
    for r in decisions:
        if rch.CLASS_ORDER[r["to_class"]] > rch.CLASS_ORDER[r["from_class"]]:
            down += r["n"]
        else:
            up += r["n"]
    pending = at.exclude(status=rch.AssessmentStatus.CONFIRMED).aggregate(
        downgrade=Count("id", filter=Q(change=rch.ClassChange.DOWNGRADE)),
        upgrade=Count("id", filter=Q(change=rch.ClassChange.UPGRADE)),
    )
    return {
        "decided_down": down,
        "decided_up": up,
        "pending_down": pending["downgrade"],
        "pending_up": pending["upgrade"],
    }


def resolution_execution(scope: Scope) -> dict | None:
    """Resolutions of the unit's (and lower units') meetings on customers in scope whose
    deadline has come: verified by data / reported / not done; 执行率 = verified ÷ due."""
    rs = scope.restrict(
        Resolution.objects.filter(meeting__branch__path__startswith=scope.branch.path)
    )
    agg = rs.aggregate(
        total=Count("id"),
        due=Count("id", filter=Q(deadline__lte=scope.as_of)),
        verified=Count("id", filter=Q(deadline__lte=scope.as_of, status="verified")),
        claimed=Count("id", filter=Q(deadline__lte=scope.as_of, status="claimed")),
        failed=Count("id", filter=Q(deadline__lte=scope.as_of, status__in=["failed", "overdue"])),
        open=Count("id", filter=Q(deadline__lte=scope.as_of, status="open")),
    )
    agg["rate"] = ratio(agg["verified"], agg["due"])
    return agg


# --- the report --------------------------------------------------------------------------


def quality_report(scope: Scope, since: dt.date | None = None) -> QualityReport:
    assessments = assessments_in(scope)
    screened_on = latest_screening(scope.as_of, assessments)
    cmp_date, reason = comparison_date(assessments, scope, screened_on, since)
    period_start = cmp_date + dt.timedelta(days=1) if cmp_date else dt.date(scope.as_of.year, 1, 1)
    report = QualityReport(scope, screened_on, cmp_date, reason, period_start)
    if screened_on is not None:
        at = assessments.filter(as_of=screened_on)
        report.total = totals(at)
        report.by_class = by_class(at, report.total)
        report.segments = {name: segment(at, name, report.total) for name in SEGMENTS}
        report.buckets = overdue_buckets(at, report.total)
        report.top_customers = top_customers(at, report.total)
        report.top_industries = [r for r in report.segments["industry"] if r.key][:TOP_INDUSTRIES]
        report.trend = npl_trend(assessments, screened_on)
        report.concentration = concentration(at, screened_on, current_limits())
        report.class_changes = classification_changes(scope, at, period_start)
        if cmp_date is not None:
            report.migration = migration_matrix(assessments, cmp_date, screened_on)
    else:
        report.class_changes = classification_changes(scope, assessments.none(), period_start)
    (
        report.signals_new,
        report.signals_new_total,
        report.signals_open,
        report.signals_open_total,
    ) = signals_tables(scope, period_start)
    report.inspections = inspections_on_time(scope, period_start)
    report.resolutions = resolution_execution(scope)
    report.flows = flows_by_type(scope, assessments, cmp_date, screened_on, period_start)
    exit_entries = scope.restrict(ExitEntry.objects.all())
    report.exits = exits.summary(exit_entries)
    report.effective_exits = exits.effective_exits_by_year(exit_entries)
    report.unit_lines = unit_oversight(scope.branch, scope.as_of).lines()
    return report


SEGMENT_TITLES = {name: title for name, (title, _, _) in SEGMENTS.items()}
