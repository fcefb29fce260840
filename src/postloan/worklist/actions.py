"""Every state change of post-loan work: atomic, with the acting user and an audit row."""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from postloan.core.audit import record, snapshot
from postloan.core.business_date import current_business_date
from postloan.core.workdays import add_working_days
from postloan.worklist.choices import (
    CaseStatus,
    Conclusion,
    InspectionKind,
    ItemStatus,
    TaskKind,
)
from postloan.worklist.models import (
    CalendarTask,
    CollectionAction,
    CollectionCase,
    DepartmentCheck,
    Inspection,
    InspectionAttachment,
    PromiseToPay,
)
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
) -> Inspection:
    """Record a done inspection (and its 《贷后管理定期分析报告》); plans nothing by itself —
    the next scheduled inspection is planned from this one's date by `plan_worklist`."""
    with transaction.atomic():
        inspection = Inspection.objects.select_for_update().get(pk=inspection.pk)
        if inspection.done_date is not None:
            raise ValidationError("该检查已完成，不能重复提交")
        before = snapshot(inspection)
        inspection.mode = mode
        inspection.done_date = done_date
        inspection.findings = findings
        inspection.conclusion = conclusion
        inspection.proposed_class = proposed_class
        inspection.next_interval_months = next_interval_months
        inspection.report = report or {}
        inspection.inspector = acting_user
        inspection.has_problem = conclusion == Conclusion.DETERIORATED or any(
            item.get("status") == ItemStatus.PROBLEM for item in findings.values()
        )
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
        if inspection.kind == InspectionKind.SCHEDULED:
            transaction.on_commit(lambda: replan_customer(business_today()))
    return inspection


def replan_customer(as_of: dt.date) -> None:
    """After an inspection, plan the customer's next scheduled one at once."""
    from postloan.worklist.planning import PlanSummary, _calendar, plan_inspections

    plan_inspections(as_of, _calendar(as_of), PlanSummary(as_of))


def add_attachment(inspection: Inspection, *, acting_user, upload, caption: str = ""):
    validate_attachment(upload)
    with transaction.atomic():
        attachment = InspectionAttachment.objects.create(
            inspection=inspection, file=upload, caption=caption, uploaded_by=acting_user
        )
        record(
            actor=acting_user,
            action="worklist.add_attachment",
            obj=attachment,
            after={"inspection": inspection.pk, "file": attachment.file.name},
        )
    return attachment


SIGNATURES = {
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".png": (b"\x89PNG",),
    ".pdf": (b"%PDF",),
    ".docx": (b"PK\x03\x04",),
    ".xlsx": (b"PK\x03\x04",),
}


def validate_attachment(upload) -> None:
    """Type by extension and by content (magic bytes), and size, both settings."""
    name = upload.name.lower()
    ext = "." + name.rsplit(".", 1)[-1] if "." in name else ""
    allowed = setting("WORKLIST_ATTACHMENT_TYPES")
    if ext not in allowed:
        raise ValidationError(
            f"不支持的文件类型“{ext or '无扩展名'}”，仅允许：{'、'.join(allowed)}"
        )
    limit = int(setting("WORKLIST_ATTACHMENT_MAX_BYTES"))
    if upload.size > limit:
        raise ValidationError(
            f"文件过大（{upload.size // 1024} KB），上限 {limit // 1024 // 1024} MB"
        )
    head = upload.read(8)
    upload.seek(0)
    if not any(head.startswith(sig) for sig in SIGNATURES.get(ext, (b"",))):
        raise ValidationError("文件内容与扩展名不符")


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
            raise ValidationError("该季度检查已完成")
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
            raise ValidationError("该事项已办理")
        if task.kind == TaskKind.MATURITY_NOTICE and borrower_confirmed_on is None:
            raise ValidationError("到期贷款催收函须记录借款人确认日期")
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
        raise ValidationError("案件已结案，不能再登记催收")
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
        raise ValidationError("案件已结案，不能再登记还款承诺")
    if promised_date < made_on:
        raise ValidationError("承诺还款日不能早于承诺日期")
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
            raise ValidationError("案件已结案")
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
