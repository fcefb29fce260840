"""潜在风险客户退出名单, the risk department's side: put a customer on it (a 风险部门决定, besides
a signed `exit` resolution) or take an entry off with a reason. Atomic and audited."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from postloan.core.business_date import business_today
from postloan.meetings import choices as ch
from postloan.meetings.actions._common import audit, require, snapshot
from postloan.meetings.exits import baseline_of
from postloan.meetings.models import ExitEntry
from postloan.meetings.resolution_kinds.registry import date, money
from postloan.org.visibility import visible
from postloan.portfolio.models import Customer
from postloan.risk.access import is_risk_department


def put_on_exit_list(
    customer: Customer, *, target_date, target_amount=None, reason: str, acting_user
) -> ExitEntry:
    """A risk department decision: the customer goes on the exit list from the business date."""
    require(is_risk_department(acting_user), "只有风险管理部门可以决定客户退出")
    require(
        visible(acting_user, Customer.objects.filter(pk=customer.pk), "").exists(),
        "无权处理该客户",
    )
    reason = (reason or "").strip()
    require(bool(reason), "请写明退出原因", "reason")
    when = date(target_date, "目标退出日期")
    require(when is not None, "请填写目标退出日期", "target_date")
    day = business_today()
    require(when >= day.isoformat(), "目标退出日期不能早于业务日期", "target_date")
    base = baseline_of(customer.pk, day)
    amount = money(target_amount, "计划收回金额")
    try:
        with transaction.atomic():
            entry = ExitEntry.objects.create(
                customer=customer,
                source=ch.ExitSource.RISK_DECISION,
                reason=reason,
                target_date=when,
                target_amount=amount if amount is not None else base["baseline_balance"],
                entered_on=day,
                entered_by=acting_user,
                balance=base["baseline_balance"],
                limit=base["baseline_limit"],
                guarantees=base["baseline_guarantees"],
                **base,
            )
            audit(acting_user, "exit.listed", entry, reason=reason)
    except IntegrityError:
        require(False, "该客户已在退出名单中")
    entry.refresh_from_db()
    return entry


@transaction.atomic
def cancel_exit(entry: ExitEntry, *, reason: str, acting_user) -> ExitEntry:
    require(is_risk_department(acting_user), "只有风险管理部门可以撤销退出")
    require(entry.status in ch.OPEN_EXIT, "该客户已退出或已撤销")
    require(bool((reason or "").strip()), "请写明撤销原因", "reason")
    before = snapshot(entry)
    entry.status = ch.ExitStatus.CANCELLED
    entry.save(update_fields=["status"])
    audit(acting_user, "exit.cancelled", entry, before=before, reason=reason.strip())
    return entry
