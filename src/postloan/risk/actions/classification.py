"""The classification workflow: the system suggests, the account manager proposes (初分),
the risk department confirms (认定) or overrides; the DPD 1–7 technical waiver is recorded."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from postloan.core.audit import record
from postloan.portfolio.models import Loan
from postloan.risk import choices as ch
from postloan.risk.access import manages_customer, require_risk_department, require_visible
from postloan.risk.errors import TransitionError
from postloan.risk.models import ClassificationDecision, LoanAssessment

LABELS = dict(ch.LoanClass.choices)


def _check_class(value: str, field: str) -> None:
    if value not in LABELS:
        raise TransitionError("请选择有效的五级分类", field)


def _locked(assessment: LoanAssessment) -> LoanAssessment:
    return (
        LoanAssessment.objects.select_for_update()
        .select_related("loan", "customer")
        .get(pk=assessment.pk)
    )


def propose_classification(
    assessment: LoanAssessment, proposed_class: str, reason: str, acting_user
) -> LoanAssessment:
    """初分 by the customer's account manager; a reason is required where it differs."""
    reason = (reason or "").strip()
    _check_class(proposed_class, "proposed_class")
    with transaction.atomic():
        a = _locked(assessment)
        require_visible(acting_user, a.customer_id)
        if not (manages_customer(acting_user, a.customer) or acting_user.is_superuser):
            raise PermissionDenied("只有该客户的管户客户经理可以初分")
        if a.status == ch.AssessmentStatus.CONFIRMED:
            raise TransitionError("该分类已认定，不能再初分")
        if proposed_class != a.suggested_class and not reason:
            raise TransitionError("初分结果与系统建议不同，必须填写理由", "reason")
        before = {"status": a.status, "proposed_class": a.proposed_class}
        a.status = ch.AssessmentStatus.PROPOSED
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
        ClassificationDecision.objects.create(
            loan_id=a.loan_id,
            assessment=a,
            as_of=a.as_of,
            kind=ch.DecisionKind.PROPOSAL,
            suggested_class=a.suggested_class,
            from_class=a.current_class,
            to_class=proposed_class,
            reason=reason,
            actor=acting_user,
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


def confirm_classification(
    assessment: LoanAssessment,
    confirmed_class: str,
    reason: str,
    acting_user,
    technical_waiver: bool = False,
    waiver_reason: str = "",
) -> LoanAssessment:
    """认定 by the risk department; overriding the suggestion or waiving needs a reason.

    Sets the loan's classification (audited) and keeps every version as a decision.
    """
    reason = (reason or "").strip()
    waiver_reason = (waiver_reason or "").strip()
    _check_class(confirmed_class, "confirmed_class")
    require_risk_department(acting_user, "认定五级分类")
    with transaction.atomic():
        a = _locked(assessment)
        require_visible(acting_user, a.customer_id)
        if a.status == ch.AssessmentStatus.CONFIRMED:
            raise TransitionError("该分类已认定")
        if technical_waiver:
            if not a.technical_waiver_allowed:
                raise TransitionError(
                    "只有逾期1–7天且可按技术性原因豁免的借据才能豁免", "technical_waiver"
                )
            if not waiver_reason:
                raise TransitionError("技术性逾期豁免必须填写理由", "waiver_reason")
        elif confirmed_class != a.suggested_class and not reason:
            raise TransitionError("认定结果与系统建议不同，必须填写理由", "reason")

        loan = Loan.objects.select_for_update().get(pk=a.loan_id)
        previous = loan.classification
        now = timezone.now()
        a.status = ch.AssessmentStatus.CONFIRMED
        a.confirmed_class = confirmed_class
        a.confirmation_reason = reason
        a.confirmed_by = acting_user
        a.confirmed_at = now
        a.technical_waiver = technical_waiver
        a.waiver_reason = waiver_reason if technical_waiver else ""
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
        kind = (
            ch.DecisionKind.CONFIRMATION
            if confirmed_class == a.suggested_class
            else ch.DecisionKind.OVERRIDE
        )
        decisions = [
            ClassificationDecision(
                loan_id=a.loan_id,
                assessment=a,
                as_of=a.as_of,
                kind=kind,
                suggested_class=a.suggested_class,
                from_class=previous,
                to_class=confirmed_class,
                reason=reason,
                actor=acting_user,
            )
        ]
        if technical_waiver:
            decisions.append(
                ClassificationDecision(
                    loan_id=a.loan_id,
                    assessment=a,
                    as_of=a.as_of,
                    kind=ch.DecisionKind.WAIVER,
                    suggested_class=a.suggested_class,
                    from_class=a.suggested_class,
                    to_class=confirmed_class,
                    reason=waiver_reason,
                    actor=acting_user,
                )
            )
        ClassificationDecision.objects.bulk_create(decisions)
        record(
            actor=acting_user,
            action="risk.confirm_classification",
            obj=a,
            before={"status": ch.AssessmentStatus.PROPOSED, "suggested_class": a.suggested_class},
            after={
                "confirmed_class": confirmed_class,
                "kind": str(kind),
                "technical_waiver": technical_waiver,
            },
            reason="；".join(r for r in (reason, waiver_reason) if r),
        )
        if previous != confirmed_class:
            loan.classification = confirmed_class
            loan.save(update_fields=["classification"])
            record(
                actor=acting_user,
                action="portfolio.loan.classification",
                obj=loan,
                before={"classification": previous},
                after={"classification": confirmed_class},
                reason=reason or waiver_reason or "按系统建议认定",
            )
    return a
