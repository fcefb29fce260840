"""贷后管理考核指标 per unit and per person, over a period [start, as_of].

Each KPI is a ratio numerator ÷ denominator, computed by one grouped aggregate query per KPI
(grouped by the customer's branch, rolled up the tree; or by the responsible person):

- 逾期贷款催收率 / 回收率: `postloan.worklist.rates` (one computation; see its definitions).
- 不良处置率: `postloan.reports.quality.npl_flow` between the screening date on or before the
  day before `start` and the latest screening date on or before `as_of`.
- 检查按时完成率: inspections due in the period done by their due date ÷ inspections due.
- 预警按时处置率: signals whose handling deadline (due_date) falls in the period and that left
  发布 (first step from 'issued') by the deadline ÷ those signals.
- 分类按时认定率: screening suggestions that change a class (as_of in the period) confirmed
  within `REPORTS_CONFIRM_WORKING_DAYS` working days (default 5) of their date ÷ those suggestions.
- 决议按时核实率: resolutions with a deadline in the period verified by data on or before it
  (checked_on <= deadline) ÷ those resolutions.
- 投诉按时处理率 (客户投诉处理及时率): complaints (contract table `complaints`) whose time limit
  — received + `POSTLOAN_COMPLAINT_DAYS` calendar days (default 15) — falls in the period, plus
  those resolved in the period before a limit still ahead, resolved by their limit ÷ those
  complaints. An open complaint past its limit on the business date counts late. The unit is
  the complaint's 受理机构 (else the customer's branch), the person the customer's account
  manager. 无数据 while the scope has no complaint at all.
People: the customer's account manager (inspections, signals, classification, rates, NPL), the
resolution's responsible person (resolutions).
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, DateTimeField, F, Min, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from postloan.core.formats import round_half_up
from postloan.core.workdays import add_working_days
from postloan.meetings.models import Resolution
from postloan.org.models import Branch, Staff
from postloan.portfolio.models import Complaint
from postloan.reports.quality import (
    assessments_in,
    npl_flow,
    ratio,
)
from postloan.reports.scope import Scope
from postloan.risk.models import LoanAssessment, Signal, SignalStep
from postloan.risk.queries import latest_screening
from postloan.worklist import rates
from postloan.worklist.models import Inspection

ZERO = Decimal("0")

KPIS = (
    ("collection", "逾期贷款催收率"),
    ("recovery", "到期贷款回收率"),
    ("npl_disposal", "不良贷款处置率"),
    ("inspection", "检查按时完成率"),
    ("signal", "预警按时处置率"),
    ("classification", "分类按时认定率"),
    ("resolution", "决议按时核实率"),
    ("complaint", "投诉按时处理率"),
)
KPI_LABELS = dict(KPIS)


@dataclass
class Cell:
    num: Decimal | int = 0
    den: Decimal | int = 0
    no_data: bool = False

    @property
    def rate(self) -> Decimal | None:
        return None if self.no_data else ratio(self.num, self.den)


@dataclass
class KpiRow:
    key: str
    name: str
    depth: int = 0
    cells: dict[str, Cell] = field(default_factory=dict)

    def ordered(self) -> list[tuple[str, Cell]]:
        return [(code, self.cells.get(code, Cell())) for code, _ in KPIS]


@dataclass
class KpiBoard:
    scope: Scope
    start: dt.date
    npl_from: dt.date | None
    npl_to: dt.date | None
    units: list[KpiRow]
    people: list[KpiRow]

    def chart_data(self) -> dict:
        def pct(cell):
            r = cell.rate
            return None if r is None else str(round_half_up(r * 100, 1))

        def series(rows):
            return {
                "names": [r.name for r in rows],
                "kpis": [
                    {"code": code, "label": label, "values": [pct(r.cells[code]) for r in rows]}
                    for code, label in KPIS
                ],
            }

        return {"units": series(self.units), "people": series(self.people)}


def confirm_working_days() -> int:
    return int(getattr(settings, "REPORTS_CONFIRM_WORKING_DAYS", 5))


def _counts(qs, key: str, on_time: Q) -> dict[str, tuple[int, int]]:
    return {
        r[key]: (r["num"], r["den"])
        for r in qs.values(key).annotate(num=Count("id", filter=on_time), den=Count("id"))
    }


def inspection_counts(scope: Scope, start: dt.date, key: str) -> dict:
    due = scope.restrict(Inspection.objects.filter(due_date__gte=start, due_date__lte=scope.as_of))
    return _counts(due, key, Q(done_date__isnull=False, done_date__lte=F("due_date")))


def signal_counts(scope: Scope, start: dt.date, key: str) -> dict:
    first_handled = (
        SignalStep.objects.filter(signal=OuterRef("pk"), from_status="issued")
        .values("signal")
        .annotate(m=Min("at"))
        .values("m")
    )
    due = scope.restrict(
        Signal.objects.filter(due_date__gte=start, due_date__lte=scope.as_of)
    ).annotate(handled_at=Subquery(first_handled, output_field=DateTimeField()))
    return _counts(due, key, Q(handled_at__date__lte=F("due_date")))


def classification_counts(scope: Scope, start: dt.date, key: str) -> dict:
    needing = scope.restrict(
        LoanAssessment.objects.filter(as_of__gte=start, as_of__lte=scope.as_of)
    ).exclude(change="same")
    dates = sorted(set(needing.values_list("as_of", flat=True)))
    if not dates:
        return {}
    days = confirm_working_days()
    on_time = Q(pk__in=[])
    for d in dates:
        on_time |= Q(as_of=d, status="confirmed", confirmed_at__date__lte=add_working_days(d, days))
    return _counts(needing, key, on_time)


def resolution_counts(scope: Scope, start: dt.date, key: str) -> dict:
    due = scope.restrict(Resolution.objects.filter(deadline__gte=start, deadline__lte=scope.as_of))
    return _counts(due, key, Q(status="verified", checked_on__lte=F("deadline")))


def complaint_days() -> int:
    return int(getattr(settings, "POSTLOAN_COMPLAINT_DAYS", 15))


def complaint_counts(scope: Scope, start: dt.date, key: str) -> dict:
    """(resolved on time, due) per `key` — "unit" (受理机构, else the customer's branch) or a
    customer path such as "customer__manager_id"; dates are business dates, never the clock."""
    days = dt.timedelta(days=complaint_days())
    limit = F("received_date") + days
    as_of = scope.as_of
    due = scope.restrict(
        Complaint.objects.filter(
            Q(received_date__gte=start - days, received_date__lte=as_of - days)
            | Q(
                resolved_date__gte=start,
                resolved_date__lte=as_of,
                received_date__gt=as_of - days,
            )
        )
    ).annotate(unit=Coalesce("branch_id", "customer__branch_id"))
    on_time = Q(resolved_date__lte=as_of) & Q(resolved_date__lte=limit)
    return {
        r[key]: (r["num"], r["den"])
        for r in due.values(key).annotate(num=Count("pk", filter=on_time), den=Count("pk"))
    }


def _npl(scope: Scope, key: str, npl_from, npl_to) -> dict:
    if npl_to is None:
        return {}
    flow = npl_flow(assessments_in(scope), npl_from, npl_to, key)
    return {k: (disposed, at_since) for k, (at_since, _, disposed, _) in flow.items()}


def _rates(scope: Scope, start: dt.date, key: str) -> tuple[dict, dict]:
    ids = list(scope.customers().values_list("customer_id", flat=True))
    sums = rates.sums_by(key, start, scope.as_of, ids)
    collection = {k: (v[1], v[0]) for k, v in sums.items()}
    recovery = {k: (v[3], v[2]) for k, v in sums.items()}
    return collection, recovery


def _fill(rows_by_key: dict[str, KpiRow], code: str, values: dict, paths=None):
    """Add grouped (num, den) into rows; with `paths` the keys are branch codes rolled up."""
    for row_key, row in rows_by_key.items():
        num, den = ZERO, ZERO
        for k, (n, d) in values.items():
            if paths is None:
                hit = k == row_key
            else:
                hit = paths.get(k, "\0").startswith(paths.get(row_key, "\1"))
            if hit:
                num, den = num + n, den + d
        row.cells[code] = Cell(num, den)


def kpi_board(scope: Scope, start: dt.date | None = None) -> KpiBoard:
    start = start or dt.date(scope.as_of.year, 1, 1)
    branches = list(Branch.objects.filter(path__startswith=scope.branch.path).order_by("path"))
    paths = {b.branch_code: b.path for b in branches}
    units = {
        b.branch_code: KpiRow(
            b.branch_code, b.name, b.path.count("/") - scope.branch.path.count("/")
        )
        for b in branches
    }
    manager_ids = set(
        scope.customers().exclude(manager__isnull=True).values_list("manager_id", flat=True)
    )
    assessments = assessments_in(scope)
    npl_to = latest_screening(scope.as_of, assessments)
    npl_from = latest_screening(start - dt.timedelta(days=1), assessments)
    res_people = resolution_counts(scope, start, "responsible_id")
    people_ids = manager_ids | set(res_people)
    people = {
        s.staff_id: KpiRow(s.staff_id, s.name)
        for s in Staff.objects.filter(pk__in=people_ids).order_by("branch_id", "staff_id")
    }
    for key, rows, rollup in (
        ("customer__branch_id", units, paths),
        ("customer__manager_id", people, None),
    ):
        collection, recovery = _rates(
            scope, start, "branch_code" if rollup is not None else "manager_id"
        )
        _fill(rows, "collection", collection, rollup)
        _fill(rows, "recovery", recovery, rollup)
        _fill(rows, "npl_disposal", _npl(scope, key, npl_from, npl_to), rollup)
        _fill(rows, "inspection", inspection_counts(scope, start, key), rollup)
        _fill(rows, "signal", signal_counts(scope, start, key), rollup)
        _fill(rows, "classification", classification_counts(scope, start, key), rollup)
    _fill(units, "resolution", resolution_counts(scope, start, "customer__branch_id"), paths)
    _fill(people, "resolution", res_people)
    if scope.restrict(Complaint.objects.all()).exists():
        _fill(units, "complaint", complaint_counts(scope, start, "unit"), paths)
        _fill(people, "complaint", complaint_counts(scope, start, "customer__manager_id"))
    else:
        for row in [*units.values(), *people.values()]:
            row.cells["complaint"] = Cell(no_data=True)
    return KpiBoard(scope, start, npl_from, npl_to, list(units.values()), list(people.values()))
