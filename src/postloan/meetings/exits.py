"""潜在风险客户退出名单 (d2): who is on it, and their progress measured from the data.

Every day's resolution verification (`actions.follow_up.run_verification`) first lists the
signed `exit` resolutions not on it yet, then measures every open entry with three grouped
queries for all of them: the active balance, the active facilities' limits, the guarantees in
force (on the customer's active loans or facilities, not ended). 已收回 = the balance when
listed less today's (never negative). An entry with no balance and no active facility is
退出 on that day; 收回全部贷款 when none of the customer's loans was written off (核销) — the
seed's "预见性有效退出…收回全部贷款". Past its target date and not out: 逾期未退出.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, Q, Sum

from postloan.core.audit import record_many
from postloan.core.models import AuditEvent
from postloan.meetings import choices as ch
from postloan.meetings.models import ExitEntry
from postloan.portfolio.models import Facility, Guarantee, Loan

ZERO = Decimal("0")


def balances(ids) -> dict[str, Decimal]:
    return dict(
        Loan.objects.filter(customer_id__in=ids, status="active")
        .values("customer_id")
        .annotate(t=Sum("balance"))
        .values_list("customer_id", "t")
    )


def limits(ids) -> dict[str, Decimal]:
    return dict(
        Facility.objects.filter(customer_id__in=ids, status="active")
        .values("customer_id")
        .annotate(t=Sum("limit_amount"))
        .values_list("customer_id", "t")
    )


def guarantees_in_force(ids, as_of: dt.date) -> dict[str, int]:
    live = Q(end_date__isnull=True) | Q(end_date__gte=as_of)
    out: dict[str, int] = defaultdict(int)
    for path in ("loan", "facility"):
        active = {f"{path}__status": "active", f"{path}__customer_id__in": ids}
        rows = (
            Guarantee.objects.filter(live, **active)
            .values(f"{path}__customer_id")
            .annotate(n=Count("guarantee_id"))
            .values_list(f"{path}__customer_id", "n")
        )
        for cid, n in rows:
            out[cid] += n
    return out


def written_off(ids) -> set[str]:
    return set(
        Loan.objects.filter(customer_id__in=ids, status="written_off").values_list(
            "customer_id", flat=True
        )
    )


def baseline_of(customer_id: str, as_of: dt.date) -> dict:
    ids = [customer_id]
    return {
        "baseline_balance": balances(ids).get(customer_id) or ZERO,
        "baseline_limit": limits(ids).get(customer_id) or ZERO,
        "baseline_guarantees": guarantees_in_force(ids, as_of).get(customer_id, 0),
    }


def list_resolutions(as_of: dt.date, in_force) -> int:
    """Signed `exit` resolutions not yet on the list go on it (the customer's open entry, if
    any, is kept). Returns how many were listed."""
    listed = set(
        ExitEntry.objects.filter(resolution__isnull=False).values_list("resolution_id", flat=True)
    )
    open_customers = set(
        ExitEntry.objects.filter(status__in=ch.OPEN_EXIT).values_list("customer_id", flat=True)
    )
    todo = [
        r
        for r in in_force.filter(type="exit").exclude(status="cancelled").order_by("pk")
        if r.pk not in listed and r.customer_id not in open_customers
    ]
    if not todo:
        return 0
    ids = list({r.customer_id for r in todo})
    lim, guar = limits(ids), guarantees_in_force(ids, as_of)
    new = []
    for r in todo:
        if r.customer_id in open_customers:
            continue
        open_customers.add(r.customer_id)
        p = r.params or {}
        base = Decimal((r.baseline or {}).get("balance") or "0")
        new.append(
            ExitEntry(
                customer_id=r.customer_id,
                source=ch.ExitSource.RESOLUTION,
                resolution=r,
                reason=r.text or "",
                target_date=dt.date.fromisoformat(p["exit_date"])
                if p.get("exit_date")
                else r.deadline,
                target_amount=Decimal(p["exit_amount"]) if p.get("exit_amount") else base,
                entered_on=r.decided_on,
                baseline_balance=base,
                baseline_limit=lim.get(r.customer_id) or ZERO,
                baseline_guarantees=guar.get(r.customer_id, 0),
                balance=base,
            )
        )
    ExitEntry.objects.bulk_create(new)
    return len(new)


def measure(as_of: dt.date, *, acting_user=None, batch_id=None) -> dict[str, int]:
    """Measure every open entry against the data of `as_of` (set-based)."""
    entries = list(ExitEntry.objects.filter(status__in=ch.OPEN_EXIT, entered_on__lte=as_of))
    counts = {"exits_open": 0, "exits_done": 0}
    if not entries:
        return counts
    ids = list({e.customer_id for e in entries})
    bal, lim, guar, lost = (
        balances(ids),
        limits(ids),
        guarantees_in_force(ids, as_of),
        written_off(ids),
    )
    events = []
    actor = acting_user if getattr(acting_user, "is_authenticated", False) else None
    for e in entries:
        e.balance = bal.get(e.customer_id) or ZERO
        e.limit = lim.get(e.customer_id) or ZERO
        e.guarantees = guar.get(e.customer_id, 0)
        e.recovered = max(e.baseline_balance - e.balance, ZERO)
        e.measured_on = as_of
        before = e.status
        if e.balance == ZERO and e.limit == ZERO:
            e.status, e.exited_on = ch.ExitStatus.EXITED, as_of
            e.fully_recovered = e.customer_id not in lost
            counts["exits_done"] += 1
        else:
            e.status = ch.ExitStatus.OVERDUE if as_of > e.target_date else ch.ExitStatus.IN_PROGRESS
            counts["exits_open"] += 1
        if e.status != before:
            events.append(
                AuditEvent(
                    actor=actor,
                    action="meetings.exit.measured",
                    object_type="meetings.exitentry",
                    object_id=str(e.pk),
                    before={"status": before},
                    after={
                        "status": e.status,
                        "balance": str(e.balance),
                        "recovered": str(e.recovered),
                        "as_of": as_of.isoformat(),
                    },
                    batch_id=batch_id,
                )
            )
    fields = ["balance", "limit", "guarantees", "recovered", "measured_on", "status"]
    with transaction.atomic():
        ExitEntry.objects.bulk_update(entries, [*fields, "exited_on", "fully_recovered"], 500)
        record_many(events)
    return counts


def run(as_of: dt.date, in_force, *, acting_user=None, batch_id=None) -> dict[str, int]:
    listed = list_resolutions(as_of, in_force)
    counts = measure(as_of, acting_user=acting_user, batch_id=batch_id)
    counts["exits_listed"] = listed
    return counts


def summary(entries) -> dict:
    """The list's figures over `entries` (a queryset in scope): customers, target, recovered,
    out, out with every loan recovered."""
    agg = entries.exclude(status=ch.ExitStatus.CANCELLED).aggregate(
        n=Count("id"),
        target=Sum("target_amount"),
        recovered=Sum("recovered"),
        exited=Count("id", filter=Q(status=ch.ExitStatus.EXITED)),
        full=Count("id", filter=Q(status=ch.ExitStatus.EXITED, fully_recovered=True)),
        overdue=Count("id", filter=Q(status=ch.ExitStatus.OVERDUE)),
    )
    return {
        k: (v if v is not None else (ZERO if k in ("target", "recovered") else 0))
        for k, v in agg.items()
    }


def effective_exits_by_year(entries) -> list[dict]:
    """预见性有效退出 per unit and year: entries out with every loan recovered, the year they left."""
    rows = (
        entries.filter(status=ch.ExitStatus.EXITED, fully_recovered=True)
        .values("customer__branch_id", "customer__branch__name", "exited_on__year")
        .annotate(n=Count("id"), recovered=Sum("recovered"))
        .order_by("exited_on__year", "customer__branch_id")
    )
    return [
        {
            "year": r["exited_on__year"],
            "branch": r["customer__branch__name"],
            "branch_code": r["customer__branch_id"],
            "customers": r["n"],
            "recovered": r["recovered"] or ZERO,
        }
        for r in rows
    ]
