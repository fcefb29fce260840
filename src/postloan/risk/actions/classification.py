"""The classification workflow: the system suggests, the account manager proposes (初分),
the risk department confirms (认定) or overrides, the meeting's committee decides (例会认定).

Controls, all enforced here:
- Floors are floors: no 初分, 认定, 更正 or 例会认定 better than the regulation's objective
  minimum of that date (`risk.floors`); the DPD 1–7 technical waiver lifts only CLS-SM-DPD.
- Four eyes: a 认定 (or 更正) better than the system's suggestion needs a reason and waits
  (认定待审批) for a 风险部负责人 other than its proposer; only the approval changes the class.
- A 认定 is never edited: a correction is a new decision that supersedes the old; both stay.
The loan's class on the books follows its latest binding decision (`risk.current`).
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from postloan.core.audit import record
from postloan.org.choices import Role
from postloan.org.roles import has_role
from postloan.portfolio.models import Loan
from postloan.risk import choices as ch
from postloan.risk.access import (
    is_risk_department,
    manages_customer,
    require_risk_department,
    require_risk_head,
    require_visible,
)
from postloan.risk.current import current_class, refresh_decided_classes
from postloan.risk.errors import TransitionError
from postloan.risk.floors import class_rank, floor_violation
from postloan.risk.models import ClassificationDecision, LoanAssessment

LABELS = dict(ch.LoanClass.choices)
Status = ch.AssessmentStatus
Kind = ch.DecisionKind
AUDIT_ACTIONS = {
    Kind.CONFIRMATION: "risk.confirm_classification",
    Kind.OVERRIDE: "risk.confirm_classification",
    Kind.APPROVAL: "risk.approve_classification",
    Kind.CORRECTION: "risk.correct_classification",
    Kind.COMMITTEE: "risk.committee_classification",
}


def _check_class(value: str, field: str) -> None:
    if value not in LABELS:
        raise TransitionError("请选择有效的五级分类", field)


def _check_floor(a: LoanAssessment, chosen: str, field: str, *, waived: bool = False) -> None:
    message = floor_violation(a, chosen, waived=waived)
    if message:
        raise TransitionError(message, field)


def _check_waiver(a: LoanAssessment, technical_waiver: bool, waiver_reason: str) -> None:
    if not technical_waiver:
        return
    if not a.technical_waiver_allowed:
        raise TransitionError("只有逾期1–7天且可按技术性原因豁免的借据才能豁免", "technical_waiver")
    if not waiver_reason:
        raise TransitionError("技术性逾期豁免必须填写理由", "waiver_reason")


def better_than_suggestion(a: LoanAssessment, chosen: str) -> bool:
    """A class better than the system's suggestion needs a second person's approval."""
    return class_rank(chosen) < class_rank(a.suggested_class)


def _locked(assessment: LoanAssessment) -> LoanAssessment:
    return (
        LoanAssessment.objects.select_for_update()
        .select_related("loan", "customer")
        .get(pk=assessment.pk)
    )


def _in_force(a: LoanAssessment) -> ClassificationDecision | None:
    """The binding decision of the assessment's own date now in force (what a correction or
    the committee supersedes), if any."""
    return (
        ClassificationDecision.objects.filter(
            loan_id=a.loan_id, kind__in=ch.BINDING_KINDS, as_of=a.as_of
        )
        .order_by("-id")
        .first()
    )


def _open_request(a: LoanAssessment) -> ClassificationDecision:
    request = (
        ClassificationDecision.objects.filter(assessment=a, kind=Kind.SUBMISSION)
        .order_by("-id")
        .first()
    )
    if a.status != Status.PENDING_APPROVAL or request is None or request.answers.exists():
        raise TransitionError("该分类没有待审批的认定")
    return request


def _decision(a: LoanAssessment, kind: str, acting_user, **fields) -> ClassificationDecision:
    """A new row of the assessment's history (decisions are never edited)."""
    return ClassificationDecision.objects.create(
        loan_id=a.loan_id,
        assessment=a,
        as_of=a.as_of,
        kind=kind,
        suggested_class=a.suggested_class,
        actor=acting_user,
        **fields,
    )


def _submit(a, chosen, reason, acting_user, *, waiver_reason="", supersedes=None):
    """A 认定 better than the suggestion: kept as a request until a second person approves."""
    before = {"status": a.status}
    decision = _decision(
        a,
        Kind.SUBMISSION,
        acting_user,
        from_class=current_class(a),
        to_class=chosen,
        reason=reason,
        waiver_reason=waiver_reason,
        supersedes=supersedes,
    )
    a.status = Status.PENDING_APPROVAL
    a.save(update_fields=["status"])
    record(
        actor=acting_user,
        action="risk.submit_classification",
        obj=a,
        before=before,
        after={
            "status": a.status,
            "requested_class": chosen,
            "suggested_class": a.suggested_class,
            "technical_waiver": bool(waiver_reason),
            "correction_of": supersedes.pk if supersedes else None,
        },
        reason="；".join(r for r in (reason, waiver_reason) if r),
    )
    return decision


def _bind(
    a: LoanAssessment,
    *,
    kind: str,
    to_class: str,
    reason: str,
    acting_user,
    confirmed_by,
    waiver_reason: str = "",
    request: ClassificationDecision | None = None,
    supersedes: ClassificationDecision | None = None,
    meeting_id: int | None = None,
    agenda_item_id: int | None = None,
    note: str = "",
) -> ClassificationDecision:
    """Make `to_class` the loan's class from the assessment's date on: the assessment's 认定,
    a new binding decision (the old ones stay), the loan's class, the audit trail."""
    from_class = current_class(a)
    before = {
        "status": a.status,
        "confirmed_class": a.confirmed_class,
        "technical_waiver": a.technical_waiver,
        "current_class": from_class,
    }
    a.status = Status.CONFIRMED
    a.confirmed_class = to_class
    a.confirmation_reason = reason
    a.confirmed_by = confirmed_by
    a.confirmed_at = timezone.now()
    a.technical_waiver = bool(waiver_reason)
    a.waiver_reason = waiver_reason
    a.save(
        update_fields=[
            "status",
            "confirmed_class",
            "confirmation_reason",
            "confirmed_by",
            "confirmed_at",
            "technical_waiver",
            "waiver_reason",
        ]
    )
    decision = _decision(
        a,
        kind,
        acting_user,
        from_class=from_class,
        to_class=to_class,
        reason=note or reason,
        waiver_reason=waiver_reason,
        request=request,
        supersedes=supersedes,
        meeting_id=meeting_id,
        agenda_item_id=agenda_item_id,
    )
    refresh_decided_classes(LoanAssessment.objects.filter(loan_id=a.loan_id))
    if waiver_reason:
        _decision(
            a,
            Kind.WAIVER,
            acting_user,
            from_class=a.suggested_class,
            to_class=to_class,
            reason=waiver_reason,
        )
    record(
        actor=acting_user,
        action=AUDIT_ACTIONS[kind],
        obj=a,
        before=before,
        after={
            "status": a.status,
            "confirmed_class": to_class,
            "kind": str(kind),
            "technical_waiver": a.technical_waiver,
            "confirmed_by": getattr(confirmed_by, "username", ""),
            "supersedes": supersedes.pk if supersedes else None,
            "meeting_id": meeting_id,
            "agenda_item_id": agenda_item_id,
        },
        reason="；".join(r for r in (reason, waiver_reason, note) if r),
    )
    _follow_on_the_loan(a, to_class, acting_user, reason or waiver_reason or "按系统建议认定")
    return decision


def _follow_on_the_loan(a: LoanAssessment, to_class: str, acting_user, reason: str) -> None:
    """The loan's own class is its latest binding decision: a decision about an older date
    does not overwrite a newer one."""
    newer = ClassificationDecision.objects.filter(
        loan_id=a.loan_id, kind__in=ch.BINDING_KINDS, as_of__gt=a.as_of
    ).exists()
    loan = Loan.objects.select_for_update().get(pk=a.loan_id)
    if newer or loan.classification == to_class:
        return
    previous = loan.classification
    loan.classification = to_class
    loan.save(update_fields=["classification"])
    record(
        actor=acting_user,
        action="portfolio.loan.classification",
        obj=loan,
        before={"classification": previous},
        after={"classification": to_class},
        reason=reason,
    )


# --- 初分 -----------------------------------------------------------------------------------


def propose_classification(
    assessment: LoanAssessment, proposed_class: str, reason: str, acting_user
) -> LoanAssessment:
    """初分 by the customer's account manager; never below the floor; a reason is required
    where it differs from the suggestion."""
    reason = (reason or "").strip()
    _check_class(proposed_class, "proposed_class")
    with transaction.atomic():
        a = _locked(assessment)
        require_visible(acting_user, a.customer_id)
        if not (manages_customer(acting_user, a.customer) or acting_user.is_superuser):
            raise PermissionDenied(gettext("只有该客户的管户客户经理可以初分"))
        if a.status == Status.CONFIRMED:
            raise TransitionError("该分类已认定，不能再初分")
        if a.status == Status.PENDING_APPROVAL:
            raise TransitionError("该分类的认定正在审批中，不能再初分")
        _check_floor(a, proposed_class, "proposed_class")
        if proposed_class != a.suggested_class and not reason:
            raise TransitionError("初分结果与系统建议不同，必须填写理由", "reason")
        before = {"status": a.status, "proposed_class": a.proposed_class}
        a.status = Status.PROPOSED
        a.proposed_class = proposed_class
        a.proposal_reason = reason
        a.proposed_by = acting_user
        a.proposed_at = timezone.now()
        a.save(
            update_fields=[
                "status",
                "proposed_class",
                "proposal_reason",
                "proposed_by",
                "proposed_at",
            ]
        )
        _decision(
            a,
            Kind.PROPOSAL,
            acting_user,
            from_class=a.current_class,
            to_class=proposed_class,
            reason=reason,
        )
        record(
            actor=acting_user,
            action="risk.propose_classification",
            obj=a,
            before=before,
            after={"status": a.status, "proposed_class": proposed_class},
            reason=reason,
        )
    return a


# --- 认定 -----------------------------------------------------------------------------------


def confirm_classification(
    assessment: LoanAssessment,
    confirmed_class: str,
    reason: str,
    acting_user,
    technical_waiver: bool = False,
    waiver_reason: str = "",
) -> LoanAssessment:
    """认定 by the risk department, never below the floor.

    As suggested or worse: in force at once. Better than the suggestion (a technical waiver
    included): needs a reason and waits for a 风险部负责人's approval (认定待审批)."""
    reason = (reason or "").strip()
    waiver_reason = (waiver_reason or "").strip()
    _check_class(confirmed_class, "confirmed_class")
    require_risk_department(acting_user, "认定五级分类")
    with transaction.atomic():
        a = _locked(assessment)
        require_visible(acting_user, a.customer_id)
        if a.status == Status.CONFIRMED:
            raise TransitionError("该分类已认定；如需修改，请提交更正")
        if a.status == Status.PENDING_APPROVAL:
            raise TransitionError("该分类的认定正在审批中")
        _check_waiver(a, technical_waiver, waiver_reason)
        _check_floor(a, confirmed_class, "confirmed_class", waived=technical_waiver)
        if confirmed_class != a.suggested_class and not technical_waiver and not reason:
            raise TransitionError("认定结果与系统建议不同，必须填写理由", "reason")
        waiver_reason = waiver_reason if technical_waiver else ""
        if better_than_suggestion(a, confirmed_class):
            _submit(a, confirmed_class, reason, acting_user, waiver_reason=waiver_reason)
            return a
        kind = Kind.CONFIRMATION if confirmed_class == a.suggested_class else Kind.OVERRIDE
        _bind(
            a,
            kind=kind,
            to_class=confirmed_class,
            reason=reason,
            acting_user=acting_user,
            confirmed_by=acting_user,
            waiver_reason=waiver_reason,
            supersedes=_in_force(a),  # one of a re-screened date's earlier 认定
        )
    return a


def approve_classification(assessment: LoanAssessment, acting_user, note: str = ""):
    """审批同意 by a 风险部负责人 who did not submit it: the requested class comes into force."""
    note = (note or "").strip()
    require_risk_head(acting_user, "审批五级分类认定")
    with transaction.atomic():
        a = _locked(assessment)
        require_visible(acting_user, a.customer_id)
        request = _open_request(a)
        if request.actor_id == acting_user.pk:
            raise PermissionDenied(gettext("审批人不能是认定的提交人（四眼原则）"))
        _check_floor(a, request.to_class, "confirmed_class", waived=bool(request.waiver_reason))
        _bind(
            a,
            kind=Kind.APPROVAL,
            to_class=request.to_class,
            reason=request.reason,
            acting_user=acting_user,
            confirmed_by=request.actor,
            waiver_reason=request.waiver_reason,
            request=request,
            supersedes=request.supersedes,
            note=note,
        )
    return a


def reject_classification(assessment: LoanAssessment, reason: str, acting_user):
    """审批退回 by a 风险部负责人 who did not submit it, with a reason; nothing changes on the
    books (a rejected correction leaves the old 认定 in force)."""
    reason = (reason or "").strip()
    require_risk_head(acting_user, "审批五级分类认定")
    with transaction.atomic():
        a = _locked(assessment)
        require_visible(acting_user, a.customer_id)
        request = _open_request(a)
        if request.actor_id == acting_user.pk:
            raise PermissionDenied(gettext("审批人不能是认定的提交人（四眼原则）"))
        if not reason:
            raise TransitionError("退回必须填写理由", "reason")
        if request.supersedes_id or a.confirmed_class:
            status = Status.CONFIRMED
        else:
            status = Status.PROPOSED if a.proposed_class else Status.PENDING
        before = {"status": a.status}
        a.status = status
        a.save(update_fields=["status"])
        _decision(
            a,
            Kind.REJECTION,
            acting_user,
            from_class=request.from_class,
            to_class=request.to_class,
            reason=reason,
            request=request,
        )
        record(
            actor=acting_user,
            action="risk.reject_classification",
            obj=a,
            before=before,
            after={"status": status, "rejected_class": request.to_class},
            reason=reason,
        )
    return a


# --- 更正 -----------------------------------------------------------------------------------


def correct_classification(
    assessment: LoanAssessment,
    corrected_class: str,
    reason: str,
    acting_user,
    technical_waiver: bool = False,
    waiver_reason: str = "",
) -> LoanAssessment:
    """更正 a 认定: a new decision, with a reason, under the same floors and four-eyes rules;
    it supersedes the decision in force, which stays in the history."""
    reason = (reason or "").strip()
    waiver_reason = (waiver_reason or "").strip()
    _check_class(corrected_class, "corrected_class")
    require_risk_department(acting_user, "更正五级分类认定")
    with transaction.atomic():
        a = _locked(assessment)
        require_visible(acting_user, a.customer_id)
        if a.status == Status.PENDING_APPROVAL:
            raise TransitionError("该分类有待审批的认定或更正，请先审批")
        if a.status != Status.CONFIRMED:
            raise TransitionError("只有已认定的分类可以更正")
        _check_waiver(a, technical_waiver, waiver_reason)
        _check_floor(a, corrected_class, "corrected_class", waived=technical_waiver)
        if not reason:
            raise TransitionError("更正必须填写理由", "reason")
        waiver_reason = waiver_reason if technical_waiver else ""
        if corrected_class == a.confirmed_class and bool(waiver_reason) == a.technical_waiver:
            raise TransitionError("更正结果与现认定相同", "corrected_class")
        supersedes = _in_force(a)
        if better_than_suggestion(a, corrected_class):
            _submit(
                a,
                corrected_class,
                reason,
                acting_user,
                waiver_reason=waiver_reason,
                supersedes=supersedes,
            )
            return a
        _bind(
            a,
            kind=Kind.CORRECTION,
            to_class=corrected_class,
            reason=reason,
            acting_user=acting_user,
            confirmed_by=acting_user,
            waiver_reason=waiver_reason,
            supersedes=supersedes,
        )
    return a


# --- 例会认定 -------------------------------------------------------------------------------


def record_committee_classification(
    assessment: LoanAssessment,
    decided_class: str,
    reason: str,
    acting_user,
    *,
    meeting_id: int,
    agenda_item_id: int,
    technical_waiver: bool = False,
    waiver_reason: str = "",
) -> LoanAssessment:
    """The meeting's committee decided this loan's class: it becomes the loan's 认定.

    The committee is the approver (no four-eyes step); the floors still bind (the DPD 1–7
    technical waiver, with its reason, lifts only CLS-SM-DPD); the source meeting and agenda
    item are kept on the decision. Called by the meetings app when the committee's decision is
    recorded; calling it again for the same item and class is a no-op. Refusals are
    `TransitionError`s on the field `decided_class` (or `reason`, `technical_waiver`)."""
    reason = (reason or "").strip()
    waiver_reason = (waiver_reason or "").strip() if technical_waiver else ""
    _check_class(decided_class, "decided_class")
    if meeting_id is None or agenda_item_id is None:
        raise TransitionError("例会认定必须记录来源例会和审议事项")
    if not (is_risk_department(acting_user) or has_role(acting_user, Role.CHAIR, Role.VICE_CHAIR)):
        raise PermissionDenied(gettext("只有例会记录人（风险管理部门）或主持人可以记录例会认定"))
    with transaction.atomic():
        a = _locked(assessment)
        require_visible(acting_user, a.customer_id)
        _check_waiver(a, technical_waiver, waiver_reason)
        _check_floor(a, decided_class, "decided_class", waived=technical_waiver)
        if decided_class != a.suggested_class and not technical_waiver and not reason:
            raise TransitionError("例会认定结果与系统建议不同，必须填写审议理由", "reason")
        in_force = _in_force(a)
        if (
            in_force is not None
            and in_force.kind == Kind.COMMITTEE
            and in_force.agenda_item_id == agenda_item_id
            and in_force.to_class == decided_class
            and in_force.waiver_reason == waiver_reason
        ):
            return a
        request = None
        if a.status == Status.PENDING_APPROVAL:
            request = _open_request(a)  # the committee answers the pending request
        _bind(
            a,
            kind=Kind.COMMITTEE,
            to_class=decided_class,
            reason=reason,
            acting_user=acting_user,
            confirmed_by=acting_user,
            waiver_reason=waiver_reason,
            request=request,
            supersedes=in_force,
            meeting_id=meeting_id,
            agenda_item_id=agenda_item_id,
        )
    return a
