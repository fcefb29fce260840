"""Which customers a meeting of a unit on a date must review, and why — computed set-based.

A handful of aggregate queries over the customers the unit reviews (facility limits, balances,
non-performing loans, open orange/red signals, inspection findings, policy events, unfinished
resolutions), then one ranking by the composite risk view (`risk.CustomerRiskView`).
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import F, Min, Sum

from postloan.core.business_date import current_business_date
from postloan.meetings import choices as ch
from postloan.meetings.models import Resolution
from postloan.meetings.rules import settings_for, units_reviewed_by
from postloan.portfolio.models import Customer, Facility, Loan, RepaymentInstalment, RiskEvent
from postloan.risk.choices import OPEN_SIGNAL_STATUSES
from postloan.risk.current import non_performing_customers
from postloan.risk.models import CustomerRiskView, Signal
from postloan.risk.queries import latest_screening
from postloan.risk.whatif import AgendaChange
from postloan.worklist.models import Inspection

ZERO = Decimal("0")


@dataclass
class PlanEntry:
    customer_id: str
    reasons: list[str]
    batch: bool
    rank: int = 0
    credit: Decimal = ZERO
    name: str = ""
    retail: bool = False
    risk_rank: int | None = None
    max_dpd: int = 0
    explanation: str = ""

    def as_json(self) -> dict:
        return {
            "customer_id": self.customer_id,
            "reasons": list(self.reasons),
            "batch": self.batch,
            "rank": self.rank,
        }


@dataclass
class Plan:
    branch: str
    date: dt.date
    kind: str
    customers: list[PlanEntry] = field(default_factory=list)

    def as_json(self) -> dict:
        return {
            "branch": self.branch,
            "date": self.date.isoformat(),
            "kind": self.kind,
            "customers": [c.as_json() for c in self.customers],
        }


def default_kind(branch, date: dt.date) -> str:
    rules = settings_for(branch)
    if date.month in rules.quarter_month_set():
        return ch.MeetingKind.QUARTERLY
    return ch.MeetingKind.MONTHLY


def _credit(customer_ids) -> tuple[dict[str, Decimal], dict[str, Decimal]]:
    """credit per customer (active facility limits; else outstanding balance) and balances."""
    limits = dict(
        Facility.objects.filter(customer_id__in=customer_ids, status="active")
        .values("customer_id")
        .annotate(total=Sum("limit_amount"))
        .values_list("customer_id", "total")
    )
    balances = dict(
        Loan.objects.filter(customer_id__in=customer_ids, status="active")
        .values("customer_id")
        .annotate(total=Sum("balance"))
        .values_list("customer_id", "total")
    )
    credit = {}
    for cid in set(limits) | set(balances):
        credit[cid] = limits[cid] if cid in limits else (balances.get(cid) or ZERO)
    return credit, balances


def _non_performing(customer_ids, as_of: dt.date) -> set[str]:
    """Customers with a non-performing loan by its current class at `as_of` (`risk.current`:
    the latest 认定, else the extract's class, never better than the regulation's floor), so a
    loan 91 days past due is on the agenda as 不良 whether or not its signal is still open."""
    return non_performing_customers(customer_ids, as_of)


def _signals(customer_ids) -> set[str]:
    return set(
        Signal.objects.filter(
            customer_id__in=customer_ids,
            level__in=["orange", "red"],
            status__in=[str(s) for s in OPEN_SIGNAL_STATUSES],
        ).values_list("customer_id", flat=True)
    )


def _events(customer_ids, event_type: str, since: dt.date, until: dt.date) -> set[str]:
    return set(
        RiskEvent.objects.filter(
            customer_id__in=customer_ids,
            type=event_type,
            event_date__gte=since,
            event_date__lte=until,
        ).values_list("customer_id", flat=True)
    )


def _inspection_findings(customer_ids, since: dt.date, until: dt.date) -> set[str]:
    found = _events(customer_ids, "inspection_finding", since, until)
    found |= set(
        Inspection.objects.filter(
            customer_id__in=customer_ids,
            has_problem=True,
            done_date__gte=since,
            done_date__lte=until,
        ).values_list("customer_id", flat=True)
    )
    return found


def _open_resolutions(customer_ids, before: dt.date) -> set[str]:
    return set(
        Resolution.objects.filter(
            customer_id__in=customer_ids,
            decided_on__lt=before,
            status__in=[str(s) for s in ch.UNFINISHED],
            meeting__status=ch.MeetingStatus.SIGNED,
        ).values_list("customer_id", flat=True)
    )


def risk_ranking(customer_ids, as_of: dt.date) -> dict[str, tuple[int, str]]:
    """customer → (rank, explanation) from the latest composite risk view on or before as_of."""
    latest = latest_screening(as_of, CustomerRiskView.objects.all())  # the ranking's own date
    if latest is None:
        return {}
    return {
        cid: (rank, explanation)
        for cid, rank, explanation in CustomerRiskView.objects.filter(
            as_of=latest, customer_id__in=customer_ids
        ).values_list("customer_id", "rank", "explanation")
    }


def max_dpd(customer_ids, as_of: dt.date) -> dict[str, int]:
    """Days past due of each customer's oldest unpaid instalment (fallback ranking)."""
    rows = (
        RepaymentInstalment.objects.filter(
            loan__customer_id__in=customer_ids,
            loan__status="active",
            due_date__lt=as_of,
            paid_off_date__isnull=True,
        )
        .exclude(principal_paid__gte=F("principal_due"), interest_paid__gte=F("interest_due"))
        .values("loan__customer_id")
        .annotate(first=Min("due_date"))
        .values_list("loan__customer_id", "first")
    )
    return {cid: (as_of - first).days for cid, first in rows}


def plan_reasons(ids, rules, kind: str, date: dt.date, as_of: dt.date, signals=None):
    """customer → the reason codes that put it on a meeting's agenda, and each one's credit.

    `signals` stands in for the customers with an open orange/red signal (the threshold
    what-if's forecast, `risk.whatif`); by default they are read from the signals."""
    since = as_of - dt.timedelta(days=rules.finding_lookback_days)
    threshold = rules.large_credit_threshold
    credit, _balances = _credit(ids)
    reasons: dict[str, list[str]] = {}

    def add(cids, code):
        for cid in cids:
            reasons.setdefault(cid, []).append(code)

    add([cid for cid, amount in credit.items() if amount >= threshold], ch.Reason.LARGE_CREDIT)
    add(_non_performing(ids, as_of), ch.Reason.NON_PERFORMING)
    add(_signals(ids) if signals is None else set(signals) & set(ids), ch.Reason.RISK_SIGNAL)
    add(_inspection_findings(ids, since, as_of), ch.Reason.INSPECTION_FINDING)
    add(_events(ids, "policy_impact", since, as_of), ch.Reason.POLICY_IMPACT)
    add(_open_resolutions(ids, date), ch.Reason.OPEN_RESOLUTION)
    if kind == ch.MeetingKind.QUARTERLY:
        add(
            [cid for cid, amount in credit.items() if ZERO < amount < threshold],
            ch.Reason.QUARTERLY_REVIEW,
        )
    return reasons, credit


def next_meeting(branch, on: dt.date):
    """(date, kind, words) of the unit's next meeting on or after `on`: the earliest one
    scheduled and not yet held, else this month's by the meeting rules (not yet scheduled)."""
    from postloan.meetings.models import Meeting

    meeting = (
        Meeting.objects.filter(
            branch=branch,
            date__gte=on,
            status__in=[ch.MeetingStatus.PLANNED, ch.MeetingStatus.NOTICED],
        )
        .order_by("date", "pk")
        .first()
    )
    if meeting is not None:
        words = f"{meeting.date:%Y-%m-%d} {meeting.get_kind_display()}"
        return meeting.date, meeting.kind, words
    kind = default_kind(branch, on)
    return on, kind, f"下次{ch.MeetingKind(kind).label}（尚未安排）"


def agenda_reasons(customer_ids, alerts_before: set[str], alerts_after: set[str], on: dt.date):
    """The customers among `customer_ids` whose place on their unit's next agenda differs when
    the customers with an open orange/red signal are `alerts_before` or `alerts_after`: each
    with its unit, the meeting and the reasons either way (`risk.whatif.AgendaChange`). `on`
    stands in for the business date when none is set."""
    from postloan.core.business_date import current_business_date
    from postloan.meetings.rules import reviewing_units
    from postloan.org.models import Branch
    from postloan.portfolio.models import Customer

    today = current_business_date() or on
    reviewer = reviewing_units()
    groups: dict[str, dict[str, str]] = {}
    for cid, name, unit in Customer.objects.filter(pk__in=list(customer_ids)).values_list(
        "customer_id", "name", "branch_id"
    ):
        if unit in reviewer:
            groups.setdefault(reviewer[unit], {})[cid] = name
    units = Branch.objects.in_bulk(list(groups))
    changes = []
    for code in sorted(groups):
        branch = units[code]
        date, kind, words = next_meeting(branch, today)
        ids = sorted(groups[code])
        rules = settings_for(branch)
        as_of = min(date, today)
        before, _ = plan_reasons(ids, rules, kind, date, as_of, signals=alerts_before)
        after, _ = plan_reasons(ids, rules, kind, date, as_of, signals=alerts_after)
        for cid in ids:
            if bool(before.get(cid)) == bool(after.get(cid)):
                continue

            def labels(codes):
                return [
                    str(ch.Reason(c).label) for c in sorted(set(codes), key=ch.REASON_ORDER.index)
                ]

            changes.append(
                AgendaChange(
                    customer_id=cid,
                    name=groups[code][cid],
                    unit=branch.name,
                    meeting=words,
                    reasons_before=labels(before.get(cid, [])),
                    reasons_after=labels(after.get(cid, [])),
                )
            )
    return changes


def build_plan(branch, date: dt.date, kind: str | None = None) -> Plan:
    rules = settings_for(branch)
    kind = kind or default_kind(branch, date)
    plan = Plan(branch=branch.branch_code, date=date, kind=kind)
    units = units_reviewed_by(branch.branch_code)
    customers = dict(
        (cid, (name, ctype))
        for cid, name, ctype in Customer.objects.filter(branch_id__in=units).values_list(
            "customer_id", "name", "type"
        )
    )
    if not customers:
        return plan
    ids = list(customers)
    as_of = min(date, current_business_date() or date)
    reasons, credit = plan_reasons(ids, rules, kind, date, as_of)
    ranking = risk_ranking(list(reasons), as_of)
    dpd = max_dpd(list(reasons), as_of)
    entries = []
    for cid, codes in reasons.items():
        codes = sorted(set(codes), key=ch.REASON_ORDER.index)
        retail = customers[cid][1] == "retail"
        risk = ranking.get(cid)
        entries.append(
            PlanEntry(
                customer_id=cid,
                reasons=[str(c) for c in codes],
                batch=retail and codes == [ch.Reason.QUARTERLY_REVIEW],
                credit=credit.get(cid, ZERO),
                name=customers[cid][0],
                retail=retail,
                risk_rank=risk[0] if risk else None,
                explanation=risk[1] if risk else "",
                max_dpd=dpd.get(cid, 0),
            )
        )
    # Individual reviews first, ranked by the composite risk view; customers the view does not
    # (yet) cover follow, by days past due and credit; the retail batch comes last.
    entries.sort(
        key=lambda e: (
            e.batch,
            e.risk_rank is None,
            e.risk_rank or 0,
            -e.max_dpd,
            -e.credit,
            e.customer_id,
        )
    )
    for n, entry in enumerate(entries, start=1):
        entry.rank = n
    plan.customers = entries
    return plan
