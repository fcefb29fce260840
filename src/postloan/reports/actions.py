"""State changes of 问责: detect (store new findings), confirm/dismiss, record consequences.

Each takes acting_user and writes the audit trail; deciding is the risk department's
(role risk_manager) and always needs a written reason.
"""

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from postloan.core.audit import record, record_many
from postloan.core.errors import DomainError
from postloan.core.models import AuditEvent
from postloan.org.roles import has_role
from postloan.reports.accountability import candidates, window_days
from postloan.reports.models import (
    AccountabilityConsequence,
    AccountabilityFinding,
    ConsequenceKind,
    FindingStatus,
)

RISK_ROLE = "risk_manager"


def _require_risk(user) -> None:
    if not (has_role(user, RISK_ROLE) or getattr(user, "is_superuser", False)):
        raise PermissionDenied(gettext("只有风险管理部门可以认定问责事项"))


def _require_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("请填写理由")
    return reason


@transaction.atomic
def detect_findings(as_of: dt.date, *, acting_user, branch_path: str = "") -> int:
    """Store the findings the data supports that are not stored yet; returns how many are new."""
    days = window_days()
    found = candidates(as_of, branch_path, days)
    stored = set(AccountabilityFinding.objects.values_list("kind", "item_id", "resolution_id"))
    new = [
        AccountabilityFinding(
            kind=c.kind,
            meeting_id=c.meeting_id,
            item_id=c.item_id,
            resolution_id=c.resolution_id,
            customer_id=c.customer_id,
            responsible_id=c.responsible_id,
            meeting_date=c.meeting_date,
            minute_text=c.minute_text,
            recorded_class=c.recorded_class,
            later_as_of=c.later.as_of,
            loan_id=c.later.loan_id,
            later_dpd=c.later.dpd,
            later_class=c.later.cls,
            later_balance=c.later.balance,
            window_days=days,
            found_on=as_of,
        )
        for c in found
        if c.key not in stored
    ]
    created = AccountabilityFinding.objects.bulk_create(new)
    actor = acting_user if getattr(acting_user, "is_authenticated", False) else None
    record_many(
        AuditEvent(
            actor=actor,
            action="reports.finding_detected",
            object_type="reports.accountabilityfinding",
            object_id=str(f.pk),
            after={
                "kind": f.kind,
                "customer": f.customer_id,
                "responsible": f.responsible_id,
                "later_as_of": f.later_as_of.isoformat(),
                "loan": f.loan_id,
                "dpd": f.later_dpd,
                "class": f.later_class,
            },
        )
        for f in created
        if f.pk is not None
    )
    return len(created)


@transaction.atomic
def decide_finding(finding, *, confirm: bool, reason: str, acting_user) -> AccountabilityFinding:
    _require_risk(acting_user)
    reason = _require_reason(reason)
    finding = AccountabilityFinding.objects.select_for_update().get(pk=finding.pk)
    if finding.status != FindingStatus.OPEN:
        raise DomainError("该问责事项已认定，不能重复办理")
    before = {"status": finding.status}
    finding.status = FindingStatus.CONFIRMED if confirm else FindingStatus.DISMISSED
    finding.decision_reason = reason
    finding.decided_by = acting_user
    finding.decided_at = timezone.now()
    finding.save(update_fields=["status", "decision_reason", "decided_by", "decided_at"])
    record(
        actor=acting_user,
        action="reports.finding_confirmed" if confirm else "reports.finding_dismissed",
        obj=finding,
        before=before,
        after={"status": finding.status},
        reason=reason,
    )
    return finding


def _number(value, label: str, kind) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = kind(str(value).replace(",", ""))
    except (ValueError, InvalidOperation) as exc:
        raise DomainError(f"{label}格式不正确") from exc
    if number <= 0:
        raise DomainError(f"{label}须大于零")
    return number


@transaction.atomic
def add_consequence(
    finding, *, kind: str, note: str, acting_user, points=None, amount=None
) -> AccountabilityConsequence:
    """Record a consequence (积分处理/经济处罚/通报批评/纪律处分) of a confirmed finding."""
    _require_risk(acting_user)
    note = _require_reason(note)
    if kind not in ConsequenceKind.values:
        raise DomainError("处理方式不正确")
    finding.refresh_from_db()
    if finding.status != FindingStatus.CONFIRMED:
        raise DomainError("只有已认定的问责事项才能作出处理")
    points = _number(points, "扣分", int)
    amount = _number(amount, "罚款金额", Decimal)
    if kind == ConsequenceKind.POINTS and points is None:
        raise DomainError("积分处理须填写扣分")
    if kind == ConsequenceKind.FINE and amount is None:
        raise DomainError("经济处罚须填写罚款金额")
    consequence = AccountabilityConsequence.objects.create(
        finding=finding,
        kind=kind,
        points=points,
        amount=amount,
        note=note,
        decided_by=acting_user,
    )
    record(
        actor=acting_user,
        action="reports.consequence_recorded",
        obj=consequence,
        after={
            "finding": finding.pk,
            "kind": kind,
            "points": points,
            "amount": str(amount) if amount is not None else None,
            "responsible": finding.responsible_id,
        },
        reason=note,
    )
    return consequence
