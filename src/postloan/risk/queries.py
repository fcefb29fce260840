"""Read-only questions the risk pages ask: each takes an already-visible queryset.

Those that aggregate over every visible row (screening dates, signal counts) are cached per
query and data version (`postloan.core.cache`).
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Case, Count, Exists, FilteredRelation, Max, OuterRef, Q, Sum, When

from postloan.core.cache import query_key, remember
from postloan.org.visibility import staff_of
from postloan.risk import choices as ch
from postloan.risk import current
from postloan.risk.access import is_risk_department, is_risk_head, manages_customer
from postloan.risk.models import ClassificationDecision, FundUseTrailRow, LoanAssessment, Signal
from postloan.risk.sales_return import ReturnMonth, ratio_over
from postloan.risk.sales_return import return_months as sales_return  # the published read
from postloan.risk.screenings import latest_screening as latest_screening  # the published read

__all__ = [
    "ReturnMonth",
    "dpd_by_loan",
    "fund_use_trail",
    "latest_screening",
    "ratio_over",
    "sales_return",
]

CLASSES = list(ch.LoanClass.values)
NPL = sorted(ch.NON_PERFORMING)

# The class on the books at a date (`risk.current`): the latest binding decision, else the
# extract's class, never better than that date's floor. Every figure below reads these two.
EFFECTIVE_CLASS = current.current_class_expression()
EFFECTIVE_NPL = current.non_performing_q()


def dpd_by_loan(as_of: dt.date, loans=None, customers=None) -> dict[str, int] | None:
    """{loan_id: 逾期天数} as the latest screening on or before `as_of` computed it (the one DPD,
    persisted on `LoanAssessment`); `loans` narrows it to some loan ids, `customers` to the
    loans of some customers (read in bounded `IN` lists). None before the first screening."""
    screened = latest_screening(as_of)
    if screened is None:
        return None
    rows = LoanAssessment.objects.filter(as_of=screened)
    if loans is not None:
        rows = rows.filter(loan_id__in=list(loans))
    if customers is None:
        return dict(rows.values_list("loan_id", "dpd"))
    ids, out = sorted(customers), {}
    for start in range(0, len(ids), 5_000):
        chunk = rows.filter(customer_id__in=ids[start : start + 5_000])
        out.update(chunk.values_list("loan_id", "dpd"))
    return out


def fund_use_trail(loan_id: str, as_of: dt.date) -> dict[tuple, list[FundUseTrailRow]]:
    """The engine's fund-use trail of a loan: (pay_date, payee_name) → its rows (the payment
    first, then the flows by date), each disbursement as the latest screening on or before
    `as_of` that followed it computed it (a screening follows the disbursements of its last
    `fund_use_lookback_days`; the window after one closes within them, so its last trail is
    final). One query; a disbursement no screening followed has no entry."""
    rows = FundUseTrailRow.objects.filter(loan_id=loan_id, as_of__lte=as_of).order_by(
        "pay_date", "payee_name", "-as_of", "-row_kind", "txn_date", "txn_id"
    )
    out: dict[tuple, list[FundUseTrailRow]] = {}
    latest: dict[tuple, dt.date] = {}
    for row in rows:
        key = (row.pay_date, row.payee_name)
        if latest.setdefault(key, row.as_of) == row.as_of:
            out.setdefault(key, []).append(row)
    return out


def latest_as_of(assessments) -> dt.date | None:
    return assessments.aggregate(d=Max("as_of"))["d"]


def screening_dates(assessments) -> list[dt.date]:
    """The latest 60 business dates among `assessments` (any rows with `as_of`), newest first;
    cached."""
    dates = assessments.values_list("as_of", flat=True).distinct().order_by("-as_of")[:60]
    return remember(("risk.screening_dates", query_key(dates)), lambda: list(dates))


@dataclass
class Migration:
    from_date: dt.date
    to_date: dt.date
    counts: dict = field(default_factory=dict)  # (from_class, to_class) -> loans
    balances: dict = field(default_factory=dict)  # (from_class, to_class) -> 期初余额
    exited: dict = field(default_factory=dict)  # from_class -> loans gone by to_date
    entered: dict = field(default_factory=dict)  # to_class -> loans new at to_date
    total_loans: int = 0
    total_balance: Decimal = Decimal("0")

    def rows(self):
        for a in CLASSES:
            cells = [
                (self.counts.get((a, b), 0), self.balances.get((a, b), Decimal("0")))
                for b in CLASSES
            ]
            yield {
                "cls": a,
                "cells": cells,
                "count": sum(c for c, _ in cells),
                "balance": sum((b for _, b in cells), Decimal("0")),
                "downgraded": sum(
                    c for (x, y), c in self.counts.items() if x == a and _worse(y, a)
                ),
                "exited": self.exited.get(a, 0),
            }

    def column_totals(self):
        return [
            (
                sum(self.counts.get((a, b), 0) for a in CLASSES),
                sum((self.balances.get((a, b), Decimal("0")) for a in CLASSES), Decimal("0")),
            )
            for b in CLASSES
        ]


def _worse(a: str, b: str) -> bool:
    return ch.CLASS_ORDER[a] > ch.CLASS_ORDER[b]


def migration_matrix(assessments, from_date: dt.date, to_date: dt.date) -> Migration:
    """迁徙矩阵: loans at both dates by their current class at `from_date` (rows) and at
    `to_date` (columns), by count and by balance at `from_date` (期初余额).

    Each date's class is that date's (its floors, the decisions up to it). Two grouped
    queries, whatever the size of the portfolio."""
    before = assessments.filter(as_of=from_date).annotate(cls=EFFECTIVE_CLASS)
    after = assessments.filter(as_of=to_date).annotate(cls=EFFECTIVE_CLASS)
    m = Migration(from_date, to_date)
    # The same loan's row at `to_date`, joined (not looked up row by row).
    later = FilteredRelation("loan__assessments", condition=Q(loan__assessments__as_of=to_date))
    pairs = (
        before.annotate(later=later)
        .annotate(
            to_cls=Case(
                When(later__isnull=True, then=None),
                default=current.current_class_expression("later__"),
            )
        )
        .values("cls", "to_cls")
        .annotate(n=Count("id"), bal=Sum("balance"))
        .order_by()
    )
    for r in pairs:
        if r["to_cls"] is None:
            m.exited[r["cls"]] = m.exited.get(r["cls"], 0) + r["n"]
            continue
        key = (r["cls"], r["to_cls"])
        m.counts[key] = m.counts.get(key, 0) + r["n"]
        m.balances[key] = m.balances.get(key, Decimal("0")) + (r["bal"] or Decimal("0"))
        m.total_loans += r["n"]
        m.total_balance += r["bal"] or Decimal("0")
    new = (
        after.filter(~Exists(assessments.filter(as_of=from_date, loan_id=OuterRef("loan_id"))))
        .values("cls")
        .annotate(n=Count("id"))
        .order_by()
    )
    m.entered = {r["cls"]: r["n"] for r in new}
    return m


def npl_by_unit(assessments, as_of: dt.date, branches) -> list[dict]:
    """不良率 per unit (the unit and everything below it): on the books and as suggested."""
    per_branch = {
        r["customer__branch_id"]: r
        for r in assessments.filter(as_of=as_of)
        .values("customer__branch_id")
        .annotate(
            loans=Count("id"),
            total=Sum("balance"),
            npl=Sum("balance", filter=EFFECTIVE_NPL),
            suggested_npl=Sum("balance", filter=Q(suggested_class__in=NPL)),
        )
    }
    paths = {b.branch_code: b.path for b in branches}
    rows = []
    for b in branches:
        inside = [r for code, r in per_branch.items() if paths.get(code, "\0").startswith(b.path)]
        total = sum((r["total"] or Decimal("0") for r in inside), Decimal("0"))
        npl = sum((r["npl"] or Decimal("0") for r in inside), Decimal("0"))
        suggested = sum((r["suggested_npl"] or Decimal("0") for r in inside), Decimal("0"))
        rows.append(
            {
                "branch": b,
                "depth": b.path.count("/") - 2,
                "loans": sum(r["loans"] for r in inside),
                "total": total,
                "npl": npl,
                "ratio": (npl / total) if total else None,
                "suggested_npl": suggested,
                "suggested_ratio": (suggested / total) if total else None,
            }
        )
    return rows


def signal_counts(signals) -> dict:
    """Counts by level and by status of a (filtered) signal queryset, in one query; cached."""
    return remember(("risk.signal_counts", query_key(signals)), lambda: _signal_counts(signals))


def _signal_counts(signals) -> dict:
    agg = signals.aggregate(
        total=Count("id"),
        **{f"level_{v}": Count("id", filter=Q(level=v)) for v in ch.SignalLevel.values},
        **{f"status_{v}": Count("id", filter=Q(status=v)) for v in ch.SignalStatus.values},
    )
    return {
        "total": agg["total"],
        "levels": [(v, label, agg[f"level_{v}"]) for v, label in ch.SignalLevel.choices],
        "statuses": [(v, label, agg[f"status_{v}"]) for v, label in ch.SignalStatus.choices],
    }


def family_level_table(signals) -> list[dict]:
    """Open signals by family × level (the 工作台 widget); cached."""
    return remember(("risk.family_level", query_key(signals)), lambda: _family_level(signals))


def _family_level(signals) -> list[dict]:
    cells = {
        (r["family"], r["level"]): r["n"]
        for r in signals.values("family", "level").annotate(n=Count("id"))
    }
    rows = []
    for family, label in ch.SignalFamily.choices:
        counts = [cells.get((family, lv), 0) for lv in ch.SignalLevel.values]
        if any(counts):
            rows.append({"family": family, "label": label, "counts": counts, "total": sum(counts)})
    return rows


def unit_level_table(signals) -> list[dict]:
    """Open signals by unit × level (the 工作台 widget); cached."""
    return remember(("risk.unit_level", query_key(signals)), lambda: _unit_level(signals))


def _unit_level(signals) -> list[dict]:
    cells: dict[tuple, dict] = {}
    for r in signals.values("customer__branch_id", "customer__branch__name", "level").annotate(
        n=Count("id")
    ):
        row = cells.setdefault(
            r["customer__branch_id"],
            {"code": r["customer__branch_id"], "name": r["customer__branch__name"], "levels": {}},
        )
        row["levels"][r["level"]] = r["n"]
    out = []
    for row in sorted(cells.values(), key=lambda x: x["code"]):
        row["counts"] = [row["levels"].get(lv, 0) for lv in ch.SignalLevel.values]
        row["total"] = sum(row["counts"])
        out.append(row)
    return out


def signal_steps_for(user, signal: Signal) -> list[str]:
    """The next steps this user may take on this signal (the forms the signal page shows)."""
    status = signal.status
    steps = []
    if status == ch.SignalStatus.ISSUED and (
        is_risk_department(user) or manages_customer(user, signal.customer)
    ):
        steps.append("handle")
    if status == ch.SignalStatus.HANDLING:
        staff = staff_of(user)
        if user.is_superuser or (staff is not None and signal.owner_id == staff.staff_id):
            steps.append("feedback")
    if status == ch.SignalStatus.FEEDBACK and is_risk_department(user):
        steps.append("confirm")
    if status == ch.SignalStatus.CONFIRMED and is_risk_department(user):
        steps.append("release")
    return steps


def assessment_steps_for(user, assessment: LoanAssessment) -> list[str]:
    """The forms the loan's classification page offers this user: 初分, 认定, 审批, 更正."""
    status = assessment.status
    if status == ch.AssessmentStatus.PENDING_APPROVAL:
        request = pending_request(assessment)
        if is_risk_head(user) and request is not None and request.actor_id != user.pk:
            return ["approve"]
        return []
    if status == ch.AssessmentStatus.CONFIRMED:
        return ["correct"] if is_risk_department(user) else []
    steps = []
    if user.is_superuser or manages_customer(user, assessment.customer):
        steps.append("propose")
    if is_risk_department(user):
        steps.append("confirm")
    return steps


def pending_request(assessment: LoanAssessment) -> ClassificationDecision | None:
    """The 认定 (or 更正) waiting for approval, if the assessment has one."""
    if assessment.status != ch.AssessmentStatus.PENDING_APPROVAL:
        return None
    return (
        ClassificationDecision.objects.filter(
            assessment=assessment, kind=ch.DecisionKind.SUBMISSION
        )
        .select_related("actor__staff")
        .order_by("-id")
        .first()
    )
