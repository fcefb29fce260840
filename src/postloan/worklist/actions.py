"""Every state change of post-loan work: atomic, with the acting user and an audit row."""

import datetime as dt
from dataclasses import asdict
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction

from postloan.core.audit import record, snapshot
from postloan.core.business_date import current_business_date
from postloan.core.errors import DomainError, refused
from postloan.core.workdays import add_working_days
from postloan.worklist import completion, photos
from postloan.worklist.choices import (
    CHECK_ITEMS,
    CaseStatus,
    Conclusion,
    FollowUpKind,
    FollowUpOutcome,
    InspectionKind,
    ItemStatus,
    TaskKind,
)
from postloan.worklist.models import (
    CalendarTask,
    CollectionAction,
    CollectionCase,
    DepartmentCheck,
    FollowUp,
    Inspection,
    InspectionAmendment,
    InspectionAttachment,
    PromiseToPay,
)
from postloan.worklist.planning import PlanSummary, _calendar, plan_inspections
from postloan.worklist.policy import setting


def business_today() -> dt.date:
    return current_business_date() or dt.date.today()  # noqa: DTZ011 - only before any import


def complete_inspection(
    inspection: Inspection,
    *,
    acting_user,
    mode: str,
    done_date: dt.date,
    findings: dict,
    conclusion: str,
    proposed_class: str = "",
    next_interval_months: int | None = None,
    report: dict | None = None,
    photos: tuple = (),
) -> Inspection:
    """Record a done inspection (and its 《贷后管理定期分析报告》) once it proves the work
    (`completion.completion_errors`: every item answered, abnormal items explained, the
    analysis written, the date within the business date and after the disbursement); photos
    taken on site are stored with it. From then on it is locked. Plans nothing by itself — the
    next scheduled inspection is planned from this one's date by `plan_worklist`."""
    report = report or {}
    with transaction.atomic():
        inspection = Inspection.objects.select_for_update().get(pk=inspection.pk)
        if inspection.done_date is not None:
            raise DomainError("该检查已完成并锁定，不能重复提交；如需更正请提交更正记录")
        errors = completion.completion_errors(
            mode=mode,
            done_date=done_date,
            findings=findings,
            conclusion=conclusion,
            narrative=report.get("narrative") or {},
            business_date=business_today(),
            disbursed=completion.disbursed_on(inspection),
        )
        if errors:
            raise refused(errors)
        before = snapshot(inspection)
        inspection.mode = mode
        inspection.done_date = done_date
        inspection.findings = findings
        inspection.conclusion = conclusion
        inspection.proposed_class = proposed_class
        inspection.next_interval_months = next_interval_months
        inspection.report = report
        inspection.inspector = acting_user
        inspection.has_problem = completion.has_problem(findings, conclusion)
        inspection.save(
            update_fields=[
                "mode",
                "done_date",
                "findings",
                "conclusion",
                "proposed_class",
                "next_interval_months",
                "report",
                "inspector",
                "has_problem",
            ]
        )
        record(
            actor=acting_user,
            action="worklist.complete_inspection",
            obj=inspection,
            before=before,
            after=snapshot(inspection),
        )
        for upload, caption in photos:
            _store_photo(inspection, acting_user, upload, caption)
        if inspection.kind == InspectionKind.SCHEDULED:
            transaction.on_commit(lambda: replan_customer(business_today()))
    return inspection


def replan_customer(as_of: dt.date) -> None:
    """After an inspection, plan the customer's next scheduled one at once."""
    plan_inspections(as_of, _calendar(as_of), PlanSummary(as_of))


def add_photo(inspection: Inspection, *, acting_user, upload, caption: str = ""):
    """A photo of an inspection still open. A completed inspection is locked: a photo found
    later comes with an amendment (`amend_inspection`)."""
    with transaction.atomic():
        inspection = Inspection.objects.select_for_update().get(pk=inspection.pk)
        if inspection.done_date is not None:
            raise DomainError("该检查已完成并锁定；补充照片请随更正记录提交")
        return _store_photo(inspection, acting_user, upload, caption)


def _store_photo(inspection, acting_user, upload, caption, amendment=None):
    try:
        facts = photos.read_photo(upload)
    except ValidationError as exc:  # the photo's own check (shared with the form's field)
        raise DomainError("；".join(exc.messages)) from exc
    attachment = InspectionAttachment(
        inspection=inspection,
        amendment=amendment,
        caption=caption,
        uploaded_by=acting_user,
        **asdict(facts),
    )
    upload.seek(0)
    # The name is generated by `attachment_path`; the uploaded file's own name is not kept.
    attachment.file.save("photo", File(upload), save=False)
    attachment.save()
    record(
        actor=acting_user,
        action="worklist.add_inspection_photo",
        obj=attachment,
        after={
            "inspection": inspection.pk,
            "amendment": amendment.number if amendment else None,
            "file": attachment.file.name,
            "sha256": facts.sha256,
            "taken_at": facts.taken_at.isoformat() if facts.taken_at else None,
            "latitude": str(facts.latitude) if facts.latitude is not None else None,
            "longitude": str(facts.longitude) if facts.longitude is not None else None,
        },
    )
    return attachment


def amend_inspection(
    inspection: Inspection,
    *,
    acting_user,
    reason: str,
    text: str,
    item_code: str = "",
    item_status: str = "",
    item_note: str = "",
    conclusion: str = "",
    photo=None,
    caption: str = "",
) -> InspectionAmendment:
    """Correct a completed inspection: the original stays as recorded; the amendment (who,
    when, why, what) follows it, may correct one check item and the conclusion, and may bring
    a photo. `has_problem` follows the corrected findings."""
    errors: dict[str, list[str]] = {}
    if not (reason or "").strip():
        errors["reason"] = ["请填写更正原因"]
    if not (text or "").strip():
        errors["text"] = ["请填写更正内容"]
    labels = dict(CHECK_ITEMS)
    if item_code and item_code not in labels:
        errors["item_code"] = ["请选择要更正的检查事项"]
    elif item_code:
        found = completion.item_errors(item_code, labels[item_code], item_status, item_note)
        if f"item_{item_code}" in found:
            errors["item_status"] = found[f"item_{item_code}"]
        if f"note_{item_code}" in found:
            errors["item_note"] = found[f"note_{item_code}"]
    elif item_status or item_note:
        errors["item_code"] = ["请选择要更正的检查事项"]
    if conclusion and conclusion not in Conclusion.values:
        errors["conclusion"] = ["请选择更正后的检查结论"]
    with transaction.atomic():
        inspection = Inspection.objects.select_for_update().get(pk=inspection.pk)
        if inspection.done_date is None:
            raise DomainError("检查尚未完成，请直接登记检查，无需更正")
        amendments = list(inspection.amendments.all())
        if not errors:
            pending = InspectionAmendment(
                corrected_items=(
                    {item_code: {"status": item_status, "note": item_note.strip()}}
                    if item_code
                    else {}
                ),
                corrected_conclusion=conclusion,
            )
            findings = inspection.effective_findings([*amendments, pending])
            final = inspection.effective_conclusion([*amendments, pending])
            if final == Conclusion.NORMAL and any(
                i.get("status") == ItemStatus.PROBLEM for i in findings.values()
            ):
                errors["conclusion"] = ["更正后检查事项中有异常，结论不能为“正常”"]
        if errors:
            raise refused(errors)
        amendment = InspectionAmendment.objects.create(
            inspection=inspection,
            number=len(amendments) + 1,
            reason=reason.strip(),
            text=text.strip(),
            corrected_items=pending.corrected_items,
            corrected_conclusion=conclusion,
            created_by=acting_user,
        )
        record(
            actor=acting_user,
            action="worklist.amend_inspection",
            obj=amendment,
            after=snapshot(amendment),
            reason=reason.strip(),
        )
        flagged = completion.has_problem(findings, final)
        if flagged != inspection.has_problem:
            before = {"has_problem": inspection.has_problem}
            inspection.has_problem = flagged
            inspection.save(update_fields=["has_problem"])
            record(
                actor=acting_user,
                action="worklist.inspection_problem_follows_amendment",
                obj=inspection,
                before=before,
                after={"has_problem": flagged, "amendment": amendment.number},
            )
        if photo is not None:
            _store_photo(inspection, acting_user, photo, caption, amendment)
    return amendment


def schedule_adhoc_inspection(signal, *, acting_user=None) -> Inspection | None:
    """An ad-hoc inspection when a red signal is confirmed (idempotent per signal).

    The risk app may call it from `confirm_signal`; a post_save receiver also calls it.
    """
    as_of = business_today()
    due = add_working_days(as_of, int(setting("WORKLIST_ADHOC_WORKING_DAYS")))
    ref = f"signal:{signal.pk}"
    with transaction.atomic():
        inspection, created = Inspection.objects.get_or_create(
            kind=InspectionKind.ADHOC,
            source_ref=ref,
            defaults={
                "customer_id": signal.customer_id,
                "loan_id": getattr(signal, "loan_id", None),
                "reason": f"红色预警信号{getattr(signal, 'rule_id', '')}已认定，需临时检查",
                "assignee_id": signal.customer.manager_id,
                "due_date": due,
            },
        )
        if created:
            record(
                actor=acting_user,
                action="worklist.schedule_adhoc_inspection",
                obj=inspection,
                after=snapshot(inspection),
            )
    return inspection if created else None


def complete_department_check(
    check: DepartmentCheck, *, acting_user, done_date: dt.date, findings: str, coverage_note: str
) -> DepartmentCheck:
    with transaction.atomic():
        check = DepartmentCheck.objects.select_for_update().get(pk=check.pk)
        if check.done_date is not None:
            raise DomainError("该季度检查已完成")
        before = snapshot(check)
        check.done_date, check.done_by = done_date, acting_user
        check.findings, check.coverage_note = findings, coverage_note
        check.save(update_fields=["done_date", "done_by", "findings", "coverage_note"])
        record(
            actor=acting_user,
            action="worklist.complete_department_check",
            obj=check,
            before=before,
            after=snapshot(check),
        )
    return check


def complete_calendar_task(
    task: CalendarTask,
    *,
    acting_user,
    done_date: dt.date,
    note: str = "",
    borrower_confirmed_on: dt.date | None = None,
    guarantor_confirmed_on: dt.date | None = None,
    result: dict | None = None,
) -> CalendarTask:
    """Finish a calendar task. A 催收函 needs the borrower's confirmation; a funds check
    keeps the computed result (required, available, shortfall) as evidence."""
    with transaction.atomic():
        task = CalendarTask.objects.select_for_update().get(pk=task.pk)
        if task.done_date is not None:
            raise DomainError("该事项已办理")
        if task.kind == TaskKind.MATURITY_NOTICE and borrower_confirmed_on is None:
            raise DomainError("到期贷款催收函须记录借款人确认日期")
        before = snapshot(task)
        task.done_date, task.done_by, task.note = done_date, acting_user, note
        task.borrower_confirmed_on = borrower_confirmed_on
        task.guarantor_confirmed_on = guarantor_confirmed_on
        task.result = result or {}
        task.save(
            update_fields=[
                "done_date",
                "done_by",
                "note",
                "borrower_confirmed_on",
                "guarantor_confirmed_on",
                "result",
            ]
        )
        record(
            actor=acting_user,
            action="worklist.complete_calendar_task",
            obj=task,
            before=before,
            after=snapshot(task),
        )
    return task


FOLLOW_UP_OUTCOMES = {
    FollowUpKind.COVENANT: (FollowUpOutcome.MET, FollowUpOutcome.BREACHED),
    FollowUpKind.CREDIT_FILE: (FollowUpOutcome.FILED,),
}


def complete_follow_up(
    item: FollowUp, *, acting_user, outcome: str, evidence: str, done_date: dt.date
) -> FollowUp:
    """Confirm an approval condition (达标/违约) or a credit-file item brought into the file,
    with what proves it; the database refuses a done item without outcome and evidence."""
    evidence = (evidence or "").strip()
    errors = {}
    if outcome not in FOLLOW_UP_OUTCOMES.get(item.kind, ()):
        errors["outcome"] = "请选择办理结果"
    if not evidence:
        errors["evidence"] = "请说明证明材料（如保单号、登记证明编号、档案编号）"
    today = business_today()
    if done_date > today:
        errors["done_date"] = f"办理日期不能晚于业务日期 {today:%Y-%m-%d}"
    if errors:
        raise refused(errors)
    with transaction.atomic():
        item = FollowUp.objects.select_for_update().get(pk=item.pk)
        if item.done_date is not None:
            raise DomainError("该事项已办理")
        before = snapshot(item)
        item.done_date, item.done_by = done_date, acting_user
        item.outcome, item.evidence = outcome, evidence
        item.save(update_fields=["done_date", "done_by", "outcome", "evidence"])
        record(
            actor=acting_user,
            action="worklist.complete_follow_up",
            obj=item,
            before=before,
            after=snapshot(item),
        )
    return item


def record_collection_action(
    case: CollectionCase,
    *,
    acting_user,
    kind: str,
    action_date: dt.date,
    result: str,
    next_action_date: dt.date | None = None,
) -> CollectionAction:
    if case.status != CaseStatus.OPEN:
        raise DomainError("案件已结案，不能再登记催收")
    with transaction.atomic():
        action = CollectionAction.objects.create(
            case=case,
            kind=kind,
            action_date=action_date,
            actor=acting_user,
            result=result,
            next_action_date=next_action_date,
        )
        record(
            actor=acting_user,
            action="worklist.record_collection_action",
            obj=action,
            after=snapshot(action),
        )
    return action


def record_promise(
    case: CollectionCase, *, acting_user, made_on: dt.date, amount: Decimal, promised_date: dt.date
) -> PromiseToPay:
    if case.status != CaseStatus.OPEN:
        raise DomainError("案件已结案，不能再登记还款承诺")
    if promised_date < made_on:
        raise DomainError("承诺还款日不能早于承诺日期")
    with transaction.atomic():
        promise = PromiseToPay.objects.create(
            case=case,
            made_on=made_on,
            amount=amount,
            promised_date=promised_date,
            recorded_by=acting_user,
        )
        record(
            actor=acting_user,
            action="worklist.record_promise",
            obj=promise,
            after=snapshot(promise),
        )
    return promise


def close_collection_case(
    case: CollectionCase, *, acting_user, closed_on: dt.date, outcome: str, note: str
) -> CollectionCase:
    with transaction.atomic():
        case = CollectionCase.objects.select_for_update().get(pk=case.pk)
        if case.status != CaseStatus.OPEN:
            raise DomainError("案件已结案")
        before = snapshot(case)
        case.status, case.closed_on = CaseStatus.CLOSED, closed_on
        case.outcome, case.outcome_note = outcome, note
        case.save(update_fields=["status", "closed_on", "outcome", "outcome_note"])
        record(
            actor=acting_user,
            action="worklist.close_collection_case",
            obj=case,
            before=before,
            after=snapshot(case),
        )
    return case
