"""A unit's indicators on a business date, for every unit at once (set-based).

Each figure is one grouped query per source over the whole bank, by the customer's (or the
meeting's) unit; a unit's value covers its subtree (the branch paths roll the groups up —
units are tens, the loans are never looped over):

- 不良贷款率 = non-performing balance ÷ balance (the loans' current class, `risk.current`, at
  the latest screening on or before the date);
- 近12个月新发放贷款不良率 = the same over loans that started in the 12 months before the date;
- 逾期贷款率 = balance of loans with DPD > 0 ÷ balance;
- 预警信号按时处置率 = signals whose handling deadline fell in the 90 days before the date and
  that were not left open past it ÷ those signals;
- 贷后检查按时完成率 = inspections due in those 90 days done by their due date ÷ those due;
- 例会决议执行率 = resolutions of the unit's signed meetings due by the date and verified ÷ due.

A unit without data for a figure has None there (no breach).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.db.models import Count, F, Q, Sum

from postloan.meetings.models import Resolution
from postloan.org.models import Branch
from postloan.portfolio.models import Loan
from postloan.risk.choices import OPEN_SIGNAL_STATUSES
from postloan.risk.models import LoanAssessment, Signal
from postloan.risk.queries import EFFECTIVE_NPL
from postloan.risk.screenings import latest_screening
from postloan.units import choices as ch
from postloan.worklist.models import Inspection

WINDOW_DAYS = 90
FIELDS = (
    "bal",
    "npl",
    "overdue",
    "new_bal",
    "new_npl",
    "sig_due",
    "sig_late",
    "ins_due",
    "ins_on_time",
    "res_due",
    "res_done",
)


def _merge(out, rows, key, mapping):
    for r in rows:
        for target, source in mapping.items():
            out[r[key]][target] += r[source] or 0


def own_figures(as_of: dt.date) -> tuple[dict[str, dict], dt.date | None]:
    """Per unit, its own customers' (and meetings') raw counts and sums."""
    out: dict[str, dict] = defaultdict(lambda: dict.fromkeys(FIELDS, 0))
    screened = latest_screening(as_of)
    if screened is not None:
        since = as_of - dt.timedelta(days=365)
        new = Q(loan__start_date__gt=since)
        rows = (
            LoanAssessment.objects.filter(as_of=screened, balance__gt=0)
            .values("customer__branch_id")
            .annotate(
                b=Sum("balance"),
                n=Sum("balance", filter=EFFECTIVE_NPL),
                o=Sum("balance", filter=Q(dpd__gt=0)),
                nb=Sum("balance", filter=new),
                nn=Sum("balance", filter=new & EFFECTIVE_NPL),
            )
        )
        _merge(
            out,
            rows,
            "customer__branch_id",
            {"bal": "b", "npl": "n", "overdue": "o", "new_bal": "nb", "new_npl": "nn"},
        )
    start = as_of - dt.timedelta(days=WINDOW_DAYS)
    signals = (
        Signal.objects.filter(due_date__gte=start, due_date__lt=as_of)
        .values("customer__branch_id")
        .annotate(d=Count("id"), late=Count("id", filter=Q(status__in=OPEN_SIGNAL_STATUSES)))
    )
    _merge(out, signals, "customer__branch_id", {"sig_due": "d", "sig_late": "late"})
    inspections = (
        Inspection.objects.filter(due_date__gte=start, due_date__lt=as_of)
        .values("customer__branch_id")
        .annotate(
            d=Count("id"),
            ok=Count("id", filter=Q(done_date__isnull=False, done_date__lte=F("due_date"))),
        )
    )
    _merge(out, inspections, "customer__branch_id", {"ins_due": "d", "ins_on_time": "ok"})
    resolutions = (
        Resolution.objects.filter(meeting__status="signed", deadline__lte=as_of)
        .values("meeting__branch_id")
        .annotate(d=Count("id"), ok=Count("id", filter=Q(status="verified")))
    )
    _merge(out, resolutions, "meeting__branch_id", {"res_due": "d", "res_done": "ok"})
    return out, screened


def _share(part, whole) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(Decimal("0.0001"))


def values_from(f: dict) -> dict[str, str | None]:
    """The indicators of one unit from its (rolled-up) raw figures; JSON-safe strings."""
    values = {
        "npl_ratio": _share(f["npl"], f["bal"]),
        "new_npl_ratio": _share(f["new_npl"], f["new_bal"]),
        "overdue_rate": _share(f["overdue"], f["bal"]),
        "signals_on_time": _share(f["sig_due"] - f["sig_late"], f["sig_due"]),
        "inspections_on_time": _share(f["ins_on_time"], f["ins_due"]),
        "resolution_rate": _share(f["res_done"], f["res_due"]),
    }
    return {k: (str(v) if v is not None else None) for k, v in values.items()}


def unit_indicators(as_of: dt.date) -> tuple[list[tuple[Branch, dict, dict]], dt.date | None]:
    """(unit, indicator values, raw figures) for every unit below the head office."""
    own, screened = own_figures(as_of)
    units = list(Branch.objects.filter(parent__isnull=False).order_by("path"))
    paths = {b.pk: b.path for b in Branch.objects.only("branch_code", "path")}
    out = []
    for unit in units:
        rolled = dict.fromkeys(FIELDS, 0)
        for code, figures in own.items():
            if paths.get(code, "").startswith(unit.path):
                for k in FIELDS:
                    rolled[k] += figures[k]
        out.append((unit, values_from(rolled), rolled))
    return out, screened


def new_business_in_suspension(as_of: dt.date, suspensions) -> dict[int, int]:
    """Loans that started in a suspended unit's subtree and product line on or after the
    suspension (one grouped count per suspension in force)."""
    counts = {}
    for s in suspensions:
        loans = Loan.objects.filter(
            customer__branch__path__startswith=s.branch.path,
            start_date__gte=s.suspended_on,
            start_date__lte=as_of,
        )
        if s.product != ch.ALL_PRODUCTS:
            loans = loans.filter(product=s.product)
        counts[s.pk] = loans.count()
    return counts
