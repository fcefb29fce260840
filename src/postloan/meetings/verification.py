"""Checking resolutions' execution against the data, set-based, and the reminders around them.

One pass reads, for all resolutions in force, the facts their types need (`LOADERS`: balances,
latest new loan and disbursement, guarantees, litigation events, current loan classes, the
monthly 归行率 the screening persisted, read through `risk.queries.sales_return`; a few
grouped queries for all customers), then asks each
resolution's type (`resolution_kinds`, one module per type, each with its rule) for a verdict.
Past the deadline without proof: failed where the data disproves it, else overdue.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.db.models import Max, Q, Sum

from postloan.core.audit import record_many
from postloan.core.models import AuditEvent
from postloan.meetings import choices as ch
from postloan.meetings.choices import ResolutionStatus as S
from postloan.meetings.models import CommitteeMember, Notification, Resolution
from postloan.meetings.resolution_kinds import registry
from postloan.meetings.rules import settings_for
from postloan.portfolio.models import (
    Disbursement,
    Facility,
    Guarantee,
    Loan,
    RiskEvent,
)
from postloan.risk.current import loans_with_current_class
from postloan.risk.queries import ratio_over
from postloan.risk.queries import sales_return as return_months

ZERO = Decimal("0")
CHECKED = (S.OPEN, S.OVERDUE, S.CLAIMED)


def in_force():
    """Resolutions that were signed and so are to be executed."""
    return Resolution.objects.filter(
        Q(amendment__isnull=True, meeting__status=ch.MeetingStatus.SIGNED)
        | Q(amendment__signed_at__isnull=False)
    )


def guarantee_rows(customer_ids):
    rows = Guarantee.objects.filter(
        Q(loan__customer_id__in=customer_ids) | Q(facility__customer_id__in=customer_ids)
    ).values_list(
        "guarantee_id",
        "loan__customer_id",
        "facility__customer_id",
        "secured_amount",
        "guarantor_name",
        "guarantor_customer__name",
        "collateral__appraised_value",
    )
    out = defaultdict(list)
    for gid, c1, c2, secured, gname, gcust, appraised in rows:
        out[c1 or c2].append(
            {
                "id": gid,
                "amount": secured if secured is not None else (appraised or ZERO),
                "guarantor": gcust or gname or "",
            }
        )
    return out


def baseline(customer_id: str) -> dict:
    balance = Loan.objects.filter(customer_id=customer_id, status="active").aggregate(
        t=Sum("balance")
    )["t"]
    return {
        "balance": str(balance or ZERO),
        "guarantee_ids": sorted(g["id"] for g in guarantee_rows([customer_id])[customer_id]),
    }


def _balance(ids, as_of):
    from postloan.portfolio.models import Loan

    active = Loan.objects.filter(customer_id__in=ids, status="active")
    return dict(
        active.values("customer_id").annotate(t=Sum("balance")).values_list("customer_id", "t")
    )


def _classes(ids, as_of):
    """customer → the current classes (risk.current) of its active loans at `as_of`."""
    from postloan.portfolio.models import Loan

    classes = defaultdict(set)
    active = loans_with_current_class(
        Loan.objects.filter(customer_id__in=ids, status="active"), as_of
    )
    for cid, cls in active.values_list("customer_id", "current_cls"):
        classes[cid].add(cls)
    return classes


def _facility(ids, as_of):

    return set(
        Facility.objects.filter(customer_id__in=ids, status="active").values_list(
            "customer_id", flat=True
        )
    )


def _last_loan(ids, as_of):
    from postloan.portfolio.models import Loan

    return dict(
        Loan.objects.filter(customer_id__in=ids)
        .values("customer_id")
        .annotate(d=Max("start_date"))
        .values_list("customer_id", "d")
    )


def _last_disb(ids, as_of):

    return dict(
        Disbursement.objects.filter(loan__customer_id__in=ids)
        .values("loan__customer_id")
        .annotate(d=Max("pay_date"))
        .values_list("loan__customer_id", "d")
    )


def _litigation(ids, as_of):

    return dict(
        RiskEvent.objects.filter(customer_id__in=ids, type="litigation", event_date__lte=as_of)
        .values("customer_id")
        .annotate(d=Max("event_date"))
        .values_list("customer_id", "d")
    )


def _guarantees(ids, as_of):
    return guarantee_rows(ids)


# Each fact a resolution type may read (`ResolutionKind.facts`), and the grouped query loading it
# for all customers at once; a fact no type in the batch needs is not queried.
LOADERS = {
    "balance": _balance,
    "classes": _classes,
    "facility": _facility,
    "last_loan": _last_loan,
    "last_disb": _last_disb,
    "litigation": _litigation,
    "guarantees": _guarantees,
}


@dataclass
class Facts:
    balance: dict = field(default_factory=dict)
    facility: set = field(default_factory=set)
    last_loan: dict = field(default_factory=dict)
    last_disb: dict = field(default_factory=dict)
    guarantees: dict = field(default_factory=dict)
    litigation: dict = field(default_factory=dict)
    classes: dict = field(default_factory=dict)
    return_months: dict = field(default_factory=dict)  # customer → [risk.sales_return months]

    def return_ratio_since(self, cid: str, since: dt.date) -> Decimal | None:
        """销售资金归行率 from the month of `since` on (the one figure, `risk.sales_return`)."""
        start = since.replace(day=1)
        return ratio_over(m for m in self.return_months.get(cid, []) if m.month >= start)


def gather(customer_ids, as_of: dt.date, needed=None, since: dt.date | None = None) -> Facts:
    """The facts of these customers as of `as_of` (only those `needed`, default all); the
    monthly 归行率 from the month of `since` (default: twelve months back)."""
    ids = list(customer_ids)
    wanted = set(LOADERS) | {"return_ratio_since"} if needed is None else set(needed)
    facts = Facts(**{name: LOADERS[name](ids, as_of) for name in LOADERS if name in wanted})
    if "return_ratio_since" in wanted:
        start = since or (as_of.replace(day=1) - dt.timedelta(days=335)).replace(day=1)
        facts.return_months = return_months(ids, start, as_of)
    return facts


def _as_date(value) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def judge(res, facts: Facts, as_of: dt.date) -> tuple[str, str]:
    """(new status, explanation) of one resolution under the facts; status unchanged if unproven.

    The verdict is the resolution type's (`resolution_kinds`); unproven, an open resolution past
    its deadline is overdue."""
    verdict, detail = registry.judge(res, facts, as_of)
    if verdict is registry.VERIFIED:
        return S.VERIFIED, detail
    if verdict is registry.FAILED:
        return S.FAILED, detail
    if as_of > res.deadline and res.status == S.OPEN:
        return S.OVERDUE, detail
    return res.status, detail


def verify(as_of: dt.date, *, acting_user=None, batch_id: int | None = None) -> dict[str, int]:
    """Re-check every unproven resolution in force; returns counts per new status."""
    todo = list(in_force().filter(status__in=[str(s) for s in CHECKED]))
    counts: dict[str, int] = defaultdict(int)
    if not todo:
        return dict(counts)
    needed = {fact for r in todo for fact in registry.facts_of(r.type)}
    since = min(r.decided_on for r in todo)
    facts = gather({r.customer_id for r in todo}, as_of, needed, since)
    changed, events = [], []
    for res in todo:
        status, detail = judge(res, facts, as_of)
        counts[str(status)] += 1
        if status == res.status and detail == res.check_detail and res.checked_on == as_of:
            continue
        before = res.status
        res.status, res.check_detail, res.checked_on = status, detail, as_of
        if status in (S.VERIFIED, S.FAILED) and res.closed_on is None:
            res.closed_on = as_of
        changed.append(res)
        if before != status:
            events.append(
                AuditEvent(
                    actor=acting_user if getattr(acting_user, "is_authenticated", False) else None,
                    action="meetings.resolution.checked",
                    object_type="meetings.resolution",
                    object_id=str(res.pk),
                    before={"status": before},
                    after={"status": status, "detail": detail, "as_of": as_of.isoformat()},
                    batch_id=batch_id,
                )
            )
    with transaction.atomic():
        Resolution.objects.bulk_update(
            changed, ["status", "check_detail", "checked_on", "closed_on"], batch_size=500
        )
        record_many(events)
    return dict(counts)


def follow_up(as_of: dt.date) -> dict[str, int]:
    """Remind responsible people before the deadline; after it, tell the chair (once each)."""
    open_rows = list(
        in_force()
        .filter(status__in=[S.OPEN, S.OVERDUE, S.FAILED, S.CLAIMED])
        .select_related("meeting__branch", "customer", "responsible")
    )
    rules_cache, chairs = {}, {}
    notes, reminded, escalated = [], [], []
    for res in open_rows:
        branch = res.meeting.branch
        if branch.pk not in rules_cache:
            rules_cache[branch.pk] = settings_for(branch)
            chairs[branch.pk] = (
                CommitteeMember.objects.filter(
                    committee__branch=branch, role=ch.MemberRole.CHAIR, active=True
                )
                .values_list("staff_id", flat=True)
                .first()
            )
        days = rules_cache[branch.pk].reminder_days
        label = f"{res.customer.name}：{res.describe()}"
        if (
            res.status in (S.OPEN, S.CLAIMED)
            and res.reminded_on is None
            and res.deadline - dt.timedelta(days=days) <= as_of <= res.deadline
        ):
            notes.append(
                Notification(
                    recipient_id=res.responsible_id,
                    kind=ch.NotificationKind.REMINDER,
                    recipient_role=ch.RecipientRole.RESPONSIBLE,
                    meeting=res.meeting,
                    resolution=res,
                    title=f"例会决议将于{res.deadline}到期",
                    body=label,
                    sent_on=as_of,
                )
            )
            res.reminded_on = as_of
            reminded.append(res)
        if (
            res.status in (S.OPEN, S.OVERDUE, S.FAILED)
            and res.escalated_on is None
            and as_of > res.deadline
        ):
            for staff_id, role in (
                (chairs[branch.pk], ch.RecipientRole.CHAIR),
                (res.responsible_id, ch.RecipientRole.RESPONSIBLE),
            ):
                if staff_id:
                    notes.append(
                        Notification(
                            recipient_id=staff_id,
                            kind=ch.NotificationKind.ESCALATION,
                            recipient_role=role,
                            meeting=res.meeting,
                            resolution=res,
                            title=f"例会决议已过期限{res.deadline}未落实（{res.get_status_display()}）",
                            body=f"{label}；责任人{res.responsible.name}",
                            sent_on=as_of,
                        )
                    )
            if res.status == S.OPEN:
                res.status = S.OVERDUE
            res.escalated_on = as_of
            escalated.append(res)
    with transaction.atomic():
        Notification.objects.bulk_create(notes)
        Resolution.objects.bulk_update(
            list({r.pk: r for r in reminded + escalated}.values()),
            ["reminded_on", "escalated_on", "status"],
        )
    return {"reminded": len(reminded), "escalated": len(escalated)}
