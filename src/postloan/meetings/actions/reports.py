from django.db import transaction
from django.utils import timezone

from postloan.core.business_date import business_today
from postloan.meetings import choices as ch
from postloan.meetings.actions._common import audit, require, snapshot, staff_or_refuse
from postloan.org.choices import Role
from postloan.org.roles import has_role


@transaction.atomic
def save_report(report, answers: dict, *, acting_user, submit: bool = False):
    """The account manager completes the 13 items; submitting fixes the report for the meeting."""
    item = report.item
    staff = staff_or_refuse(acting_user)
    require(item.customer.manager_id == staff.staff_id, "只有该客户的管户客户经理可以填写汇报材料")
    require(
        item.meeting.status in (ch.MeetingStatus.PLANNED, ch.MeetingStatus.NOTICED),
        "会议已开始，汇报材料不能再修改",
    )
    require(report.status == ch.ReportStatus.DRAFT, "汇报材料已提交")
    clean = {key: str(answers.get(key, "")).strip() for key, _ in ch.REPORT_ITEMS}
    if submit:
        missing = [
            label
            for key, label in ch.REPORT_ITEMS
            if not clean[key] and not report.prefill.get(key)
        ]
        require(not missing, "以下事项须填写后才能提交：" + "、".join(missing))
    before = snapshot(report)
    report.answers = clean
    fields = ["answers"]
    if submit:
        report.status = ch.ReportStatus.SUBMITTED
        report.submitted_by, report.submitted_at = acting_user, timezone.now()
        report.submitted_late = business_today() > item.meeting.report_deadline
        fields += ["status", "submitted_by", "submitted_at", "submitted_late"]
    report.save(update_fields=fields)
    audit(acting_user, "report.submitted" if submit else "report.saved", report, before=before)
    return report


@transaction.atomic
def comment_report(report, comment: str, *, acting_user):
    require(has_role(acting_user, Role.RISK_MANAGER), "只有风险经理可以提出意见")
    require(bool(comment.strip()), "请填写意见")
    require(
        report.item.meeting.status
        in (ch.MeetingStatus.PLANNED, ch.MeetingStatus.NOTICED, ch.MeetingStatus.IN_PROGRESS),
        "会议已结束，不能再提出意见",
    )
    before = snapshot(report)
    report.risk_comment = comment.strip()
    report.risk_commented_by, report.risk_commented_at = acting_user, timezone.now()
    report.save(update_fields=["risk_comment", "risk_commented_by", "risk_commented_at"])
    audit(acting_user, "report.commented", report, before=before)
    return report
