"""Checking resolutions' execution against the data, set-based, and the reminders around them.

One pass reads, for all resolutions in force, the customers' balances, their latest new loan and
disbursement, their guarantees, litigation events, loan classes and monthly sales proceeds vs
invoices (a few grouped queries), then decides each resolution's status:

- reduce_exposure: verified once the balance is at or below the target; failed when the target
  date has passed with the balance above it;
- stop_new_credit: failed on any loan or disbursement after the decision; verified at the deadline;
- add_collateral: verified by a guarantee not on the books at the decision (meeting the amount /
  guarantor named); failed when the deadline passed without one;
- tighten_monitoring: at the deadline, 销售资金归行率 since the decision ≥ the minimum → verified,
  else failed; without a minimum ratio it needs the person's claim;
- legal_action: verified by a litigation event after the decision or a recorded filing;
- exit / recall: verified when the balance is nil (exit: no active facility either);
- reclassify: verified when every active loan carries the new class.
Past the deadline without proof: failed where the data disproves it, else overdue.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Max, Q, Sum
from django.db.models.functions import TruncMonth

from postloan.core.audit import record_many
from postloan.core.formats import yuan_text
from postloan.core.models import AuditEvent
from postloan.meetings import choices as ch
from postloan.meetings.choices import ResolutionStatus as S
from postloan.meetings.choices import ResolutionType as T
from postloan.meetings.models import CommitteeMember, Notification, Resolution
from postloan.meetings.rules import settings_for
from postloan.portfolio.models import (
    Disbursement,
    Facility,
    Guarantee,
    Loan,
    RiskEvent,
    TaxInvoice,
    Transaction,
)

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


@dataclass
class Facts:
    balance: dict
    facility: set
    last_loan: dict
    last_disb: dict
    guarantees: dict
    litigation: dict
    classes: dict
    sales_in: dict
    revenue: dict


def gather(customer_ids, as_of: dt.date) -> Facts:
    ids = list(customer_ids)
    active = Loan.objects.filter(customer_id__in=ids, status="active")
    balance = dict(
        active.values("customer_id").annotate(t=Sum("balance")).values_list("customer_id", "t")
    )
    classes = defaultdict(set)
    for cid, cls in active.values_list("customer_id", "classification"):
        classes[cid].add(cls)
    facility = set(
        Facility.objects.filter(customer_id__in=ids, status="active").values_list(
            "customer_id", flat=True
        )
    )
    last_loan = dict(
        Loan.objects.filter(customer_id__in=ids)
        .values("customer_id")
        .annotate(d=Max("start_date"))
        .values_list("customer_id", "d")
    )
    last_disb = dict(
        Disbursement.objects.filter(loan__customer_id__in=ids)
        .values("loan__customer_id")
        .annotate(d=Max("pay_date"))
        .values_list("loan__customer_id", "d")
    )
    litigation = dict(
        RiskEvent.objects.filter(customer_id__in=ids, type="litigation", event_date__lte=as_of)
        .values("customer_id")
        .annotate(d=Max("event_date"))
        .values_list("customer_id", "d")
    )
    sales_in = defaultdict(dict)
    for cid, month, total in (
        Transaction.objects.filter(
            account__customer_id__in=ids,
            direction="in",
            category="sales_proceeds",
            txn_date__lte=as_of,
        )
        .annotate(m=TruncMonth("txn_date"))
        .values("account__customer_id", "m")
        .annotate(t=Sum("amount"))
        .values_list("account__customer_id", "m", "t")
    ):
        sales_in[cid][month] = total
    revenue = defaultdict(dict)
    for cid, month, total in (
        TaxInvoice.objects.filter(customer_id__in=ids, month__lte=as_of)
        .values("customer_id", "month")
        .annotate(t=Sum("amount"))
        .values_list("customer_id", "month", "t")
    ):
        revenue[cid][month] = total
    return Facts(
        balance=balance,
        facility=facility,
        last_loan=last_loan,
        last_disb=last_disb,
        guarantees=guarantee_rows(ids),
        litigation=litigation,
        classes=classes,
        sales_in=sales_in,
        revenue=revenue,
    )


def _window_ratio(facts: Facts, cid: str, since: dt.date) -> Decimal | None:
    start = since.replace(day=1)
    rev = sum((v for m, v in facts.revenue[cid].items() if _as_date(m) >= start), ZERO)
    got = sum((v for m, v in facts.sales_in[cid].items() if _as_date(m) >= start), ZERO)
    return got / rev if rev else None


def _as_date(value) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def judge(res, facts: Facts, as_of: dt.date) -> tuple[str, str]:
    """(new status, explanation) of one resolution under the facts; status unchanged if unproven."""
    cid, p = res.customer_id, res.params or {}
    past_deadline = as_of > res.deadline
    bal = facts.balance.get(cid) or ZERO
    keep = S.OVERDUE if past_deadline and res.status == S.OPEN else res.status
    if res.type == T.REDUCE_EXPOSURE:
        target = Decimal(p["target_balance"])
        target_date = dt.date.fromisoformat(p.get("target_date") or res.deadline.isoformat())
        if bal <= target:
            return S.VERIFIED, f"{as_of}余额{yuan_text(bal)}，已压降至目标{yuan_text(target)}以内"
        if as_of > target_date:
            return (
                S.FAILED,
                f"压降期限{target_date}已过，{as_of}余额{yuan_text(bal)}仍高于目标{yuan_text(target)}",
            )
        return keep, f"{as_of}余额{yuan_text(bal)}，目标{yuan_text(target)}"
    if res.type == T.STOP_NEW_CREDIT:
        new = [
            d
            for d in (facts.last_loan.get(cid), facts.last_disb.get(cid))
            if d and d > res.decided_on
        ]
        if new:
            return S.FAILED, f"决议后仍有新增用信（{max(new)}）"
        if as_of >= res.deadline:
            return S.VERIFIED, f"决议日至{as_of}无新增借据或放款"
        return res.status, f"决议日至{as_of}无新增借据或放款，观察至{res.deadline}"
    if res.type == T.ADD_COLLATERAL:
        before = set((res.baseline or {}).get("guarantee_ids", []))
        new = [g for g in facts.guarantees.get(cid, []) if g["id"] not in before]
        if p.get("guarantor"):
            new = [g for g in new if p["guarantor"] in g["guarantor"] or not g["guarantor"]]
        total = sum((g["amount"] or ZERO for g in new), ZERO)
        if new and total >= Decimal(p.get("amount") or "0"):
            ids = "、".join(g["id"] for g in new)
            return S.VERIFIED, f"新增担保{ids}，担保金额合计{yuan_text(total)}"
        if past_deadline:
            return S.FAILED, f"期限{res.deadline}已过，未见符合要求的新增担保"
        return keep, "尚未见新增担保记录"
    if res.type == T.TIGHTEN_MONITORING and p.get("min_return_ratio"):
        ratio = _window_ratio(facts, cid, res.decided_on)
        minimum = Decimal(p["min_return_ratio"])
        shown = f"{ratio * 100:.1f}%" if ratio is not None else "无法计算（无开票数据）"
        if as_of >= res.deadline and ratio is not None:
            if ratio >= minimum:
                return S.VERIFIED, f"决议以来销售资金归行率{shown}，达到{minimum * 100:.1f}%"
            return S.FAILED, f"决议以来销售资金归行率{shown}，低于{minimum * 100:.1f}%"
        return keep, f"决议以来销售资金归行率{shown}"
    if res.type == T.LEGAL_ACTION:
        filed = facts.litigation.get(cid)
        if filed and filed >= res.decided_on:
            return S.VERIFIED, f"{filed}已有涉诉事件记录"
        return keep, "尚未见诉讼记录"
    if res.type in (T.EXIT, T.RECALL):
        if bal == ZERO and (res.type == T.RECALL or cid not in facts.facility):
            return S.VERIFIED, f"{as_of}用信余额为零" + (
                "且无有效授信" if res.type == T.EXIT else ""
            )
        if past_deadline:
            return S.FAILED, f"期限已过，{as_of}余额{yuan_text(bal)}"
        return keep, f"{as_of}余额{yuan_text(bal)}"
    if res.type == T.RECLASSIFY:
        classes = facts.classes.get(cid, set())
        if classes and classes == {p.get("new_class")}:
            return S.VERIFIED, "借据分类已调整"
        return keep, "借据分类尚未调整"
    return keep, res.check_detail or "需责任人报告执行情况"


def verify(as_of: dt.date, *, acting_user=None, batch_id: int | None = None) -> dict[str, int]:
    """Re-check every unproven resolution in force; returns counts per new status."""
    todo = list(in_force().filter(status__in=[str(s) for s in CHECKED]))
    counts: dict[str, int] = defaultdict(int)
    if not todo:
        return dict(counts)
    facts = gather({r.customer_id for r in todo}, as_of)
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
