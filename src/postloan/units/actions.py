"""停复牌, step by step: the day's monitoring of every unit, and the suspension's workflow
停牌提议 → 停牌审批 → 整改 → 整改验证 → 复牌提议 → 复牌审批. Every step is atomic and audited; the
two decisions are proposed by one person and approved by another (四眼原则, also a database
constraint). 复牌 is refused until the unit's indicators are back within the limits on a
business date after the suspension, no unit alert is open and every task is verified."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction

from postloan.core.audit import record
from postloan.core.business_date import business_today
from postloan.core.errors import DomainError
from postloan.org.models import Branch
from postloan.units import choices as ch
from postloan.units.access import require_managing_risk, sees
from postloan.units.indicators import new_business_in_suspension, unit_indicators
from postloan.units.limits import BY_CODE, LABELS, NEW_BUSINESS, breached, current_values
from postloan.units.limits import current_version as current_limits
from postloan.units.models import RectificationTask, Suspension, UnitAlert, UnitIndicator


def _today() -> dt.date:
    return business_today()


# ── the day's monitoring ─────────────────────────────────────────────────────────────────


def run_unit_monitoring(as_of: dt.date, *, acting_user=None) -> dict[str, int]:
    """Every unit's indicators on `as_of` against the limits in force: the date's indicator
    rows replaced, an alert to the managing unit per indicator newly over its limit, alerts
    back within cleared. Returns counts for the day's step."""
    limits = current_values()
    version = current_limits()
    rows, _screened = unit_indicators(as_of)
    in_force = list(
        Suspension.objects.filter(status__in=ch.IN_FORCE, suspended_on__isnull=False)
        .select_related("branch")
        .order_by("pk")
    )
    new_loans = new_business_in_suspension(as_of, in_force)
    by_unit_new: dict[str, int] = {}
    for s in in_force:
        by_unit_new[s.branch_id] = by_unit_new.get(s.branch_id, 0) + new_loans.get(s.pk, 0)
    indicator_rows, over = [], {}
    for unit, values, _raw in rows:
        breaches = [code for code in BY_CODE if breached(code, values.get(code), limits[code])]
        if by_unit_new.get(unit.pk):
            values = {**values, NEW_BUSINESS.code: str(by_unit_new[unit.pk])}
            breaches.append(NEW_BUSINESS.code)
        indicator_rows.append(
            UnitIndicator(
                branch=unit,
                as_of=as_of,
                values=values,
                breaches=breaches,
                limit_version=version.version if version else None,
            )
        )
        for code in breaches:
            limit = limits.get(code, NEW_BUSINESS.default)
            over[(unit.pk, code)] = (unit, Decimal(values[code]), Decimal(limit))
    counts = {"units": len(rows), "raised": 0, "cleared": 0, "open": 0}
    with transaction.atomic():
        UnitIndicator.objects.filter(as_of=as_of).delete()
        UnitIndicator.objects.bulk_create(indicator_rows)
        open_alerts = {
            (a.branch_id, a.indicator): a
            for a in UnitAlert.objects.select_for_update().filter(status=ch.AlertStatus.OPEN)
        }
        new, changed = [], []
        for key, (unit, value, limit) in over.items():
            alert = open_alerts.get(key)
            if alert is None:
                new.append(
                    UnitAlert(
                        branch=unit,
                        managing_id=unit.parent_id,
                        indicator=key[1],
                        value=value,
                        limit=limit,
                        raised_on=as_of,
                        last_seen_on=as_of,
                    )
                )
            else:
                alert.value, alert.limit, alert.last_seen_on = value, limit, as_of
                changed.append(alert)
        for key, alert in open_alerts.items():
            if key not in over and alert.raised_on <= as_of:
                alert.status, alert.cleared_on = ch.AlertStatus.CLEARED, as_of
                changed.append(alert)
                counts["cleared"] += 1
        UnitAlert.objects.bulk_create(new)
        UnitAlert.objects.bulk_update(
            changed, ["value", "limit", "last_seen_on", "status", "cleared_on"]
        )
        counts["raised"] = len(new)
        counts["open"] = len(over)
        record(
            actor=acting_user,
            action="units.monitor",
            object_type="units.unitindicator",
            object_id=as_of.isoformat(),
            after={**counts, "limit_version": version.version if version else None},
        )
    return counts


def latest_indicator(unit: Branch, until: dt.date | None = None) -> UnitIndicator | None:
    rows = UnitIndicator.objects.filter(branch=unit)
    if until is not None:
        rows = rows.filter(as_of__lte=until)
    return rows.order_by("-as_of").first()


# ── 停牌 ──────────────────────────────────────────────────────────────────────────────────


def _snapshot(s: Suspension) -> dict:
    return {
        "status": s.status,
        "product": s.product,
        "suspended_on": s.suspended_on.isoformat() if s.suspended_on else None,
        "resumed_on": s.resumed_on.isoformat() if s.resumed_on else None,
    }


def propose_suspension(
    unit: Branch, *, product: str, reason: str, tasks: list[str], acting_user
) -> Suspension:
    """停牌提议 by the managing unit's risk department: the product line, why, what to put right."""
    require_managing_risk(acting_user, unit, "提议停牌")
    reason = (reason or "").strip()
    tasks = [t.strip() for t in tasks or [] if t and t.strip()]
    if product not in dict(ch.PRODUCT_LINES):
        raise DomainError("停牌产品不正确", "product")
    if not reason:
        raise DomainError("停牌必须写明原因", "reason")
    if not tasks:
        raise DomainError("停牌必须列明至少一项整改要求", "tasks")
    with transaction.atomic():
        if Suspension.objects.filter(
            branch=unit, product=product, status__in=ch.OPEN_SUSPENSION
        ).exists():
            raise DomainError("该机构该产品已有未结束的停牌", "product")
        s = Suspension.objects.create(
            branch=unit,
            managing_id=unit.parent_id,
            product=product,
            reason=reason,
            proposed_by=acting_user,
            proposed_on=_today(),
        )
        RectificationTask.objects.bulk_create(
            RectificationTask(suspension=s, text=text) for text in tasks
        )
        record(
            actor=acting_user,
            action="units.propose_suspension",
            obj=s,
            after={**_snapshot(s), "tasks": tasks},
            reason=reason,
        )
    return s


def _lock(s: Suspension) -> Suspension:
    return Suspension.objects.select_for_update().select_related("branch").get(pk=s.pk)


def approve_suspension(s: Suspension, *, acting_user) -> Suspension:
    """停牌审批: another person of the managing unit's risk department; the unit's new business
    in the product line is suspended from the business date."""
    with transaction.atomic():
        s = _lock(s)
        require_managing_risk(acting_user, s.branch, "审批停牌")
        if s.status != ch.SuspensionStatus.PROPOSED:
            raise DomainError("该停牌不在待审批状态")
        if s.proposed_by_id == acting_user.pk:
            raise DomainError("审批人不能是停牌提议人（四眼原则）")
        before = _snapshot(s)
        s.status, s.approved_by, s.suspended_on = (
            ch.SuspensionStatus.SUSPENDED,
            acting_user,
            _today(),
        )
        s.save(update_fields=["status", "approved_by", "suspended_on"])
        record(
            actor=acting_user,
            action="units.approve_suspension",
            obj=s,
            before=before,
            after=_snapshot(s),
        )
    return s


def withdraw_suspension(s: Suspension, *, reason: str, acting_user) -> Suspension:
    """A proposal not yet approved is withdrawn (with a reason)."""
    with transaction.atomic():
        s = _lock(s)
        require_managing_risk(acting_user, s.branch, "撤回停牌提议")
        if s.status != ch.SuspensionStatus.PROPOSED:
            raise DomainError("只有待审批的停牌提议可以撤回")
        if not (reason or "").strip():
            raise DomainError("撤回必须写明原因", "reason")
        before = _snapshot(s)
        s.status = ch.SuspensionStatus.WITHDRAWN
        s.save(update_fields=["status"])
        record(
            actor=acting_user,
            action="units.withdraw_suspension",
            obj=s,
            before=before,
            after=_snapshot(s),
            reason=reason.strip(),
        )
    return s


# ── 整改 ──────────────────────────────────────────────────────────────────────────────────


def report_task_done(task: RectificationTask, *, note: str, acting_user) -> RectificationTask:
    """The unit reports a rectification task done (its own staff, or the managing unit)."""
    with transaction.atomic():
        task = (
            RectificationTask.objects.select_for_update()
            .select_related("suspension__branch")
            .get(pk=task.pk)
        )
        if not sees(acting_user, task.suspension.branch):
            raise DomainError("只有被停牌机构或其管理行可以报告整改情况")
        if not task.suspension.in_force:
            raise DomainError("停牌未生效或已结束，不能报告整改")
        if task.verified_on is not None:
            raise DomainError("该整改任务已验证")
        if not (note or "").strip():
            raise DomainError("请说明整改情况", "note")
        task.done_note, task.done_on = note.strip(), _today()
        task.save(update_fields=["done_note", "done_on"])
        record(
            actor=acting_user,
            action="units.report_task_done",
            obj=task,
            after={"done_on": task.done_on.isoformat(), "note": task.done_note},
        )
    return task


def verify_task(task: RectificationTask, *, acting_user) -> RectificationTask:
    """The managing unit's risk department verifies a task reported done."""
    with transaction.atomic():
        task = (
            RectificationTask.objects.select_for_update()
            .select_related("suspension__branch")
            .get(pk=task.pk)
        )
        require_managing_risk(acting_user, task.suspension.branch, "验证整改")
        if task.done_on is None:
            raise DomainError("整改尚未报告完成，不能验证")
        if task.verified_on is not None:
            raise DomainError("该整改任务已验证")
        task.verified_by, task.verified_on = acting_user, _today()
        task.save(update_fields=["verified_by", "verified_on"])
        record(
            actor=acting_user,
            action="units.verify_task",
            obj=task,
            after={"verified_on": task.verified_on.isoformat()},
        )
    return task


# ── 复牌 ──────────────────────────────────────────────────────────────────────────────────


def resumption_blockers(s: Suspension, as_of: dt.date | None = None) -> list[str]:
    """Why the unit cannot be resumed yet (empty: it can), in Chinese."""
    as_of = as_of or _today()
    out = []
    latest = latest_indicator(s.branch, as_of)
    if latest is None or s.suspended_on is None or latest.as_of <= s.suspended_on:
        out.append("停牌后尚无新的风险指标监测结果，指标是否恢复无法确认")
    elif latest.breaches:
        names = "、".join(LABELS.get(c, c) for c in latest.breaches)
        out.append(f"{latest.as_of:%Y-%m-%d}风险指标仍超限：{names}")
    open_alerts = UnitAlert.objects.filter(branch=s.branch, status=ch.AlertStatus.OPEN)
    if open_alerts.exists() and not (latest and latest.breaches):
        names = "、".join(LABELS.get(a.indicator, a.indicator) for a in open_alerts)
        out.append(f"机构风险预警尚未解除：{names}")
    pending = s.tasks.filter(verified_on__isnull=True).count()
    if pending:
        out.append(f"尚有{pending}项整改任务未经管理行验证")
    return out


def _refuse_unless_resumable(s: Suspension) -> None:
    blockers = resumption_blockers(s)
    if blockers:
        raise DomainError("不能复牌：" + "；".join(blockers))


def propose_resumption(s: Suspension, *, note: str, acting_user) -> Suspension:
    """复牌提议: only after the indicators recovered and every task is verified."""
    with transaction.atomic():
        s = _lock(s)
        require_managing_risk(acting_user, s.branch, "提议复牌")
        if s.status != ch.SuspensionStatus.SUSPENDED:
            raise DomainError("该机构该产品不在停牌状态")
        if not (note or "").strip():
            raise DomainError("复牌必须写明说明", "note")
        _refuse_unless_resumable(s)
        before = _snapshot(s)
        s.status, s.resume_proposed_by = ch.SuspensionStatus.RESUME_PROPOSED, acting_user
        s.resume_note = note.strip()
        s.save(update_fields=["status", "resume_proposed_by", "resume_note"])
        record(
            actor=acting_user,
            action="units.propose_resumption",
            obj=s,
            before=before,
            after=_snapshot(s),
            reason=s.resume_note,
        )
    return s


def approve_resumption(s: Suspension, *, acting_user) -> Suspension:
    """复牌审批: another person; the conditions are checked again on the business date."""
    with transaction.atomic():
        s = _lock(s)
        require_managing_risk(acting_user, s.branch, "审批复牌")
        if s.status != ch.SuspensionStatus.RESUME_PROPOSED:
            raise DomainError("该停牌不在复牌待审批状态")
        if s.resume_proposed_by_id == acting_user.pk:
            raise DomainError("审批人不能是复牌提议人（四眼原则）")
        _refuse_unless_resumable(s)
        before = _snapshot(s)
        s.status, s.resume_approved_by = ch.SuspensionStatus.RESUMED, acting_user
        s.resumed_on = _today()
        s.save(update_fields=["status", "resume_approved_by", "resumed_on"])
        record(
            actor=acting_user,
            action="units.approve_resumption",
            obj=s,
            before=before,
            after=_snapshot(s),
        )
    return s
