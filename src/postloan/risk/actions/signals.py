"""The early-warning closed loop: 发布 → 处置 → 反馈 → 认定 → 消除, plus event releases and
threshold versions. Every step: one transaction, a SignalStep, an audit row."""

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext

from postloan.core import evidence as evidence_files
from postloan.core.audit import record
from postloan.core.business_date import business_today
from postloan.org.visibility import staff_of
from postloan.portfolio.models import Customer
from postloan.risk import choices as ch
from postloan.risk import follow_ups
from postloan.risk.access import (
    is_risk_department,
    manages_customer,
    require_risk_department,
    require_visible,
)
from postloan.risk.actions.screening import signal_due_days
from postloan.risk.catalogue import MANUAL_RULE_ID, MODEL_RULE_ID, family_of
from postloan.risk.errors import TransitionError
from postloan.risk.models import EventRelease, Signal, SignalStep, ThresholdVersion
from postloan.risk.thresholds import current_values, default_values

S = ch.SignalStatus


def _locked(signal: Signal) -> Signal:
    return (
        Signal.objects.select_for_update(of=("self",))
        .select_related("customer", "owner")
        .get(pk=signal.pk)
    )


def _require_status(signal: Signal, *allowed: str, doing: str) -> None:
    if signal.status not in allowed:
        raise TransitionError(f"预警信号处于「{signal.get_status_display()}」状态，不能{doing}")


def _check_attachment(attachment) -> None:
    """An evidence file is checked by its content before anything is written (core.evidence)."""
    if attachment:
        try:
            evidence_files.check(attachment)
        except evidence_files.EvidenceRejected as exc:
            raise TransitionError(str(exc), "attachment") from None


def _step(signal, from_status, acting_user, note="", evidence="", due_date=None, attachment=None):
    step = SignalStep(
        signal=signal,
        from_status=from_status,
        to_status=signal.status,
        actor=acting_user,
        note=note,
        evidence=evidence or "",
        due_date=due_date,
    )
    if attachment:
        step.attachment = attachment
        step.attachment_name = evidence_files.display_name(attachment.name)
    step.save()
    return step


def _audit(signal, action, acting_user, before, reason="", **after):
    record(
        actor=acting_user,
        action=f"risk.{action}",
        obj=signal,
        before={"status": before},
        after={"status": signal.status, **after},
        reason=reason,
    )


def raise_manual_signal(
    customer,
    loan,
    rule_id: str,
    level: str,
    evidence: str,
    acting_user,
    title: str = "",
    attachment=None,
) -> Signal:
    """A signal raised by a person: the customer's account manager or a risk manager."""
    rule_id = (rule_id or MANUAL_RULE_ID).strip()
    evidence = (evidence or "").strip()
    require_visible(acting_user, customer.pk)
    _check_attachment(attachment)
    if not (manages_customer(acting_user, customer) or is_risk_department(acting_user)):
        raise PermissionDenied(gettext("只有该客户的客户经理或风险经理可以发起预警"))
    if level not in ch.SignalLevel.values:
        raise TransitionError("请选择预警级别", "level")
    if not evidence:
        raise TransitionError("请填写预警依据（证据）", "evidence")
    if loan is not None and loan.customer_id != customer.pk:
        raise TransitionError("借据不属于该客户", "loan")
    loan_key = loan.pk if loan is not None else ""
    today = business_today()
    with transaction.atomic():
        clash = (
            Signal.objects.filter(rule_id=rule_id, customer=customer, loan_key=loan_key)
            .exclude(status=S.RELEASED)
            .values_list("pk", flat=True)
            .first()
        )
        if clash is not None:
            raise TransitionError(
                f"该客户已有同一规则未消除的预警信号（编号{clash}），请在该信号上补充证据",
                "rule_id",
            )
        due_days = signal_due_days()
        signal = Signal(
            rule_id=rule_id,
            family=family_of(rule_id),
            level=level,
            customer=customer,
            loan=loan,
            status=S.ISSUED,
            raised_on=today,
            last_seen_on=today,
            still_firing=True,
            evidence={"text": evidence},
            summary=(title or evidence)[:500],
            owner=customer.manager,
            due_date=today + dt.timedelta(days=int(due_days.get(level, 10))),
            manual=True,
            raised_by=acting_user,
        )
        signal.save()
        _step(
            signal,
            "",
            acting_user,
            note=title or "人工发起",
            evidence=evidence,
            due_date=signal.due_date,
            attachment=attachment,
        )
        _audit(signal, "raise_manual_signal", acting_user, "", rule_id=rule_id, level=level)
    return signal


def raise_model_signals(findings: dict, as_of: dt.date, level: str = "yellow") -> dict:
    """EW-MODEL: the default-probability model's warning (forecast/scoring.py), in the loop.

    `findings` maps customer id → {"summary": text, "evidence": dict}. A customer with an open
    (not released) EW-MODEL signal gets its evidence and last-seen date refreshed; the others get
    a new signal 已发布 owned by their account manager, with a step and an audit row, as every
    signal. Signals of customers no longer in `findings` stop firing (still_firing False) and
    stay open until released by a person. The model never changes a class or a floor.
    """
    due = dt.timedelta(days=int(signal_due_days().get(level, 10)))
    raised = refreshed = stopped = 0
    with transaction.atomic():
        open_ = {
            s.customer_id: s
            for s in Signal.objects.select_for_update()
            .filter(rule_id=MODEL_RULE_ID)
            .exclude(status=S.RELEASED)
        }
        customers = Customer.objects.in_bulk([c for c in findings if c not in open_])
        new = []
        for cid, finding in findings.items():
            signal = open_.get(cid)
            if signal is not None:
                signal.evidence = finding["evidence"]
                signal.summary = finding["summary"][:500]
                signal.last_seen_on = as_of
                signal.still_firing = True
                refreshed += 1
                continue
            customer = customers.get(cid)
            if customer is None:
                continue
            new.append(
                Signal(
                    rule_id=MODEL_RULE_ID,
                    family=ch.SignalFamily.MODEL,
                    level=level,
                    customer=customer,
                    loan=None,
                    status=S.ISSUED,
                    raised_on=as_of,
                    last_seen_on=as_of,
                    still_firing=True,
                    evidence=finding["evidence"],
                    summary=finding["summary"][:500],
                    owner=customer.manager,
                    due_date=as_of + due,
                    manual=False,
                )
            )
        for cid, signal in open_.items():
            if cid not in findings and signal.still_firing:
                signal.still_firing = False
                stopped += 1
        Signal.objects.bulk_update(
            list(open_.values()), ["evidence", "summary", "last_seen_on", "still_firing"]
        )
        created = Signal.objects.bulk_create(new)
        SignalStep.objects.bulk_create(
            SignalStep(
                signal=s,
                from_status="",
                to_status=s.status,
                actor=None,
                note="违约概率模型预警",
                evidence=s.summary,
                due_date=s.due_date,
            )
            for s in created
        )
        raised = len(created)
        record(
            actor=None,
            action="risk.raise_model_signals",
            object_type="Signal",
            object_id=MODEL_RULE_ID,
            after={
                "as_of": as_of.isoformat(),
                "raised": raised,
                "refreshed": refreshed,
                "stopped": stopped,
            },
        )
    return {"raised": raised, "refreshed": refreshed, "stopped": stopped}


def start_handling(signal: Signal, owner, measures: str, due_date, acting_user) -> Signal:
    """处置: assign the owner and record the measures (risk dept or the customer's manager)."""
    measures = (measures or "").strip()
    with transaction.atomic():
        s = _locked(signal)
        require_visible(acting_user, s.customer_id)
        if not (is_risk_department(acting_user) or manages_customer(acting_user, s.customer)):
            raise PermissionDenied(gettext("只有风险经理或该客户的客户经理可以安排处置"))
        _require_status(s, S.ISSUED, doing="安排处置")
        if owner is None:
            raise TransitionError("请指定责任人", "owner")
        if not measures:
            raise TransitionError("请填写处置措施", "measures")
        if due_date is None:
            raise TransitionError("请填写处置期限", "due_date")
        if due_date < s.raised_on:
            raise TransitionError("处置期限不能早于发布日期", "due_date")
        before = s.status
        s.status = S.HANDLING
        s.owner = owner
        s.measures = measures
        s.due_date = due_date
        s.save(update_fields=["status", "owner", "measures", "due_date"])
        _step(s, before, acting_user, note=measures, due_date=due_date)
        _audit(s, "start_handling", acting_user, before, owner=owner.pk, due_date=str(due_date))
    return s


def submit_feedback(signal: Signal, note: str, evidence: str, acting_user, attachment=None):
    """反馈: the owner reports what was found and done."""
    note = (note or "").strip()
    with transaction.atomic():
        s = _locked(signal)
        require_visible(acting_user, s.customer_id)
        staff = staff_of(acting_user)
        is_owner = staff is not None and s.owner_id == staff.staff_id
        if not (is_owner or acting_user.is_superuser):
            raise PermissionDenied(gettext("只有该预警的责任人可以反馈"))
        _require_status(s, S.HANDLING, doing="反馈")
        if not note:
            raise TransitionError("请填写反馈情况", "note")
        _check_attachment(attachment)
        before = s.status
        s.status = S.FEEDBACK
        s.save(update_fields=["status"])
        step = _step(s, before, acting_user, note=note, evidence=evidence, attachment=attachment)
        _audit(s, "submit_feedback", acting_user, before, attachment=step.attachment.name)
    return s


def confirm_signal(signal: Signal, real_risk: bool, level: str, note: str, acting_user) -> Signal:
    """认定 by the risk department: real risk or not, and at which level. Confirmed at level red
    (the confirmed level, else the signal's own), the rooms above follow up in the same
    transaction (`risk.follow_ups`: the worklist's ad-hoc inspection)."""
    note = (note or "").strip()
    require_risk_department(acting_user, "认定预警信号")
    with transaction.atomic():
        s = _locked(signal)
        require_visible(acting_user, s.customer_id)
        _require_status(s, S.FEEDBACK, doing="认定")
        if real_risk and level not in ch.SignalLevel.values:
            raise TransitionError("认定为真实风险时必须选择级别", "level")
        if not note:
            raise TransitionError("请填写认定意见", "note")
        before = s.status
        s.status = S.CONFIRMED
        s.confirmed_real_risk = bool(real_risk)
        s.confirmed_level = level if real_risk else ""
        s.save(update_fields=["status", "confirmed_real_risk", "confirmed_level"])
        _step(s, before, acting_user, note=note)
        _audit(
            s,
            "confirm_signal",
            acting_user,
            before,
            reason=note,
            real_risk=bool(real_risk),
            level=s.confirmed_level,
        )
        if (s.confirmed_level or s.level) == ch.SignalLevel.RED:
            follow_ups.red_confirmed(s, acting_user)  # the worklist's ad-hoc inspection
    return s


def release_signal(signal: Signal, reason: str, evidence: str, acting_user, attachment=None):
    """消除 by the risk department once the cause is gone; a reason is required."""
    reason = (reason or "").strip()
    require_risk_department(acting_user, "消除预警信号")
    with transaction.atomic():
        s = _locked(signal)
        require_visible(acting_user, s.customer_id)
        _require_status(s, S.CONFIRMED, doing="消除（须先认定）")
        if not reason:
            raise TransitionError("消除预警必须填写理由", "reason")
        _check_attachment(attachment)
        before = s.status
        s.status = S.RELEASED
        s.released_on = business_today()
        s.save(update_fields=["status", "released_on"])
        step = _step(s, before, acting_user, note=reason, evidence=evidence, attachment=attachment)
        _audit(
            s, "release_signal", acting_user, before, reason=reason, attachment=step.attachment.name
        )
    return s


def release_event(event, reason: str, acting_user) -> EventRelease:
    """A risk event no longer active: the engine stops counting it from the next screening."""
    reason = (reason or "").strip()
    require_risk_department(acting_user, "解除风险事件")
    require_visible(acting_user, event.customer_id)
    if not reason:
        raise TransitionError("解除风险事件必须填写理由", "reason")
    with transaction.atomic():
        if EventRelease.objects.filter(event=event).exists():
            raise TransitionError("该风险事件已解除")
        release = EventRelease.objects.create(
            event=event, released_on=business_today(), reason=reason, actor=acting_user
        )
        record(
            actor=acting_user,
            action="risk.release_event",
            obj=event,
            after={"released_on": release.released_on.isoformat()},
            reason=reason,
        )
    return release


def update_thresholds(values: dict, reason: str, acting_user) -> ThresholdVersion:
    """A new version of the early-warning thresholds (who, when, why are kept)."""
    reason = (reason or "").strip()
    require_risk_department(acting_user, "修改预警阈值")
    if not reason:
        raise TransitionError("修改阈值必须填写原因", "reason")
    known = default_values()
    unknown = sorted(set(values) - set(known)) if known else []
    if unknown:
        raise TransitionError(f"未知的阈值：{'、'.join(unknown)}")
    with transaction.atomic():
        before = current_values()
        merged = {**before, **values}
        changed = {k: v for k, v in merged.items() if before.get(k) != v}
        if not changed:
            raise TransitionError("阈值没有变化")
        latest = ThresholdVersion.objects.select_for_update().order_by("-version").first()
        version = ThresholdVersion.objects.create(
            version=(latest.version + 1) if latest else 1,
            values=merged,
            changed_by=acting_user,
            reason=reason,
        )
        record(
            actor=acting_user,
            action="risk.update_thresholds",
            obj=version,
            before={k: before.get(k) for k in changed},
            after=changed,
            reason=reason,
        )
    return version
