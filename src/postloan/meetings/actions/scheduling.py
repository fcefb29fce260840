import datetime as dt
import json

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from postloan.core.business_date import business_today
from postloan.meetings import choices as ch
from postloan.meetings.access import can_run
from postloan.meetings.actions._common import (
    audit,
    require,
    snapshot,
    staff_or_refuse,
    unlocked,
)
from postloan.meetings.models import (
    AgendaChange,
    AgendaItem,
    CommitteeMember,
    CustomerReport,
    LeaveRequest,
    Meeting,
    Notification,
)
from postloan.meetings.notice import notice_due, recipients, report_deadline
from postloan.meetings.planning import build_plan
from postloan.meetings.prefill import attachments, prefill
from postloan.meetings.rules import settings_for, units_reviewed_by
from postloan.portfolio.models import Customer

OPEN_STATUSES = (ch.MeetingStatus.PLANNED, ch.MeetingStatus.NOTICED)


def _plain(data):
    """The stored JSON as text: a label marked for translation is written as its words."""
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


def _create_item(meeting, customer, reasons, batch, rank, credit, as_of) -> AgendaItem:
    item = AgendaItem.objects.create(
        meeting=meeting,
        customer=customer,
        reasons=reasons,
        batch=batch,
        rank=rank,
        credit=credit,
    )
    if not batch:
        CustomerReport.objects.create(
            item=item,
            prefill=_plain(prefill(customer, as_of)),
            attachments=_plain(attachments(customer, as_of)),
        )
    return item


def _notice_dates(branch, date: dt.date, ad_hoc: bool) -> tuple[dt.date, dt.date]:
    """(latest notice day, report deadline). A regular meeting keeps the N-working-day notice;
    an ad-hoc one may be noticed up to its own day, materials due by then at the latest."""
    due, reports = notice_due(branch, date), report_deadline(branch, date)
    if not ad_hoc:
        return due, reports
    return date, max(reports, min(business_today(), date))


@transaction.atomic
def schedule_meeting(
    branch,
    date: dt.date,
    kind: str | None = None,
    *,
    acting_user,
    location="",
    ad_hoc_reason: str = "",
):
    """Arrange a meeting with the agenda the data calls for (the plan) and the report drafts.

    A regular (monthly/quarterly) meeting must leave time for the notice (7 working days by
    default); an ad-hoc one (临时例会, on a sudden risk event) may be called at shorter notice,
    and its reason is recorded.
    """
    require(can_run(acting_user, branch), "只有本级行风险部门可以安排例会")
    require(branch.holds_meetings, f"{branch.name}不召开贷后管理例会")
    require(date >= business_today(), "会议日期不能早于业务日期", "date")
    ad_hoc = kind == ch.MeetingKind.AD_HOC
    ad_hoc_reason = (ad_hoc_reason or "").strip()
    require(
        not ad_hoc or bool(ad_hoc_reason),
        "临时例会须写明召开事由（突发风险事件）",
        "ad_hoc_reason",
    )
    due, reports = _notice_dates(branch, date, ad_hoc)
    require(
        business_today() <= due,
        f"定期例会须至少提前{settings_for(branch).notice_working_days}个工作日通知"
        f"（最迟{due:%Y-%m-%d}），已来不及；如因突发风险事件须尽快召开，请安排临时例会并写明事由",
        "date",
    )
    plan = build_plan(branch, date, kind)
    meeting = Meeting.objects.create(
        branch=branch,
        kind=plan.kind,
        date=date,
        location=location,
        notice_due=due,
        report_deadline=reports,
        ad_hoc_reason=ad_hoc_reason if ad_hoc else "",
        created_by=acting_user,
    )
    customers = Customer.objects.in_bulk([e.customer_id for e in plan.customers])
    as_of = business_today()
    for entry in plan.customers:
        _create_item(
            meeting,
            customers[entry.customer_id],
            entry.reasons,
            entry.batch,
            entry.rank,
            entry.credit,
            as_of,
        )
    audit(
        acting_user,
        "meeting.scheduled",
        meeting,
        after={**snapshot(meeting), "plan": plan.as_json()},
        reason=ad_hoc_reason if ad_hoc else "",
    )
    return meeting


def _notify(meeting, staff_roles: dict[str, str], kind, title, body, sent_on):
    """`body` is a text, or a function of (staff id, role) giving each recipient's own."""
    existing = set(
        Notification.objects.filter(meeting=meeting, kind=kind).values_list(
            "recipient_id", flat=True
        )
    )
    Notification.objects.bulk_create(
        Notification(
            recipient_id=staff_id,
            kind=kind,
            recipient_role=role,
            meeting=meeting,
            title=title,
            body=body(staff_id, role) if callable(body) else body,
            sent_on=sent_on,
        )
        for staff_id, role in staff_roles.items()
        if staff_id not in existing
    )


def notice_body(meeting, manager_id: str | None = None) -> str:
    """The notice; an account manager's lists only the customers they manage (可见范围)."""
    items = meeting.items.filter(dropped=False).select_related("customer").order_by("rank")
    if manager_id is not None:
        items = items.filter(customer__manager_id=manager_id)
    lines = [
        f"会议日期：{meeting.date:%Y年%m月%d日}　地点：{meeting.location or '另行通知'}",
        f"汇报材料请于{meeting.report_deadline:%Y年%m月%d日}前在系统中提交。",
        "议程：" + "；".join(label for _, label in ch.AGENDA_SECTIONS),
        ("您管户的上会客户：" if manager_id is not None else "上会客户：")
        + "、".join(f"{i.customer.name}{'（批量）' if i.batch else ''}" for i in items),
        "不能出席的，须会前向主任委员请假。",
    ]
    return "\n".join(lines)


def _bodies(meeting):
    whole = notice_body(meeting)

    def body(staff_id, role):
        if role == ch.RecipientRole.ACCOUNT_MANAGER:
            return notice_body(meeting, manager_id=staff_id)
        return whole

    return body


@transaction.atomic
def send_notice(meeting, *, acting_user) -> int:
    """Notify every recipient, no later than N working days before the meeting."""
    require(can_run(acting_user, meeting), "只有本级行风险部门可以发出会议通知")
    require(meeting.status in OPEN_STATUSES, "例会已召开或已取消，不能再发通知")
    sent_on = business_today()
    if meeting.kind == ch.MeetingKind.AD_HOC:
        require(bool(meeting.ad_hoc_reason.strip()), "临时例会须写明召开事由（突发风险事件）")
        require(sent_on <= meeting.date, "会议日期已过，不能再发通知")
    else:
        require(
            sent_on <= meeting.notice_due,
            f"会议通知须至少提前规定的工作日发出（最迟{meeting.notice_due:%Y-%m-%d}），"
            "已来不及，请改期；如因突发风险事件须尽快召开，请安排临时例会并写明事由",
        )
    targets = recipients(meeting)
    require(bool(targets), "没有可通知的人员：请先组建委员会")
    title = f"{meeting.branch.name}{meeting.get_kind_display()}通知（{meeting.date:%Y-%m-%d}）"
    _notify(meeting, targets, ch.NotificationKind.NOTICE, title, _bodies(meeting), sent_on)
    before = snapshot(meeting)
    meeting.status, meeting.noticed_on = ch.MeetingStatus.NOTICED, sent_on
    meeting.save(update_fields=["status", "noticed_on"])
    audit(acting_user, "meeting.noticed", meeting, before=before)
    return len(targets)


@transaction.atomic
def add_agenda_item(meeting, customer, *, reason: str, acting_user) -> AgendaItem:
    require(can_run(acting_user, meeting), "只有本级行风险部门可以调整议程")
    require(meeting.status in OPEN_STATUSES, "会议已开始，不能再调整议程")
    require(bool(reason.strip()), "增加上会客户须写明书面理由")

    require(
        customer.branch_id in units_reviewed_by(meeting.branch_id),
        "该客户不属于本级行例会审议范围",
    )
    item = meeting.items.filter(customer=customer).first()
    if item is not None:
        require(item.dropped, "该客户已在议程中")
        item.dropped = False
        item.save(update_fields=["dropped"])
    else:
        rank = (meeting.items.aggregate(m=Max("rank"))["m"] or 0) + 1
        item = _create_item(meeting, customer, [ch.Reason.MANUAL], False, rank, 0, business_today())
    AgendaChange.objects.create(
        meeting=meeting,
        customer=customer,
        kind=ch.AgendaChangeKind.ADD,
        reason=reason,
        actor=acting_user,
    )
    if meeting.status == ch.MeetingStatus.NOTICED and customer.manager_id:
        _notify(
            meeting,
            {customer.manager_id: ch.RecipientRole.ACCOUNT_MANAGER},
            ch.NotificationKind.NOTICE,
            f"{meeting.branch.name}{meeting.get_kind_display()}通知（{meeting.date:%Y-%m-%d}）",
            _bodies(meeting),
            business_today(),
        )
    audit(acting_user, "agenda.added", item, reason=reason)
    return item


@transaction.atomic
def drop_agenda_item(item, *, reason: str, acting_user) -> AgendaItem:
    meeting = item.meeting
    require(can_run(acting_user, meeting), "只有本级行风险部门可以调整议程")
    require(meeting.status in OPEN_STATUSES, "会议已开始，不能再调整议程")
    require(bool(reason.strip()), "撤下上会客户须写明书面理由")
    require(not item.dropped, "该客户已撤下")
    item.dropped = True
    item.save(update_fields=["dropped"])
    AgendaChange.objects.create(
        meeting=meeting,
        customer=item.customer,
        kind=ch.AgendaChangeKind.DROP,
        reason=reason,
        actor=acting_user,
    )
    audit(acting_user, "agenda.dropped", item, reason=reason)
    return item


@transaction.atomic
def request_leave(meeting, *, reason: str, acting_user) -> LeaveRequest:
    staff = staff_or_refuse(acting_user)
    unlocked(meeting)
    require(meeting.status in OPEN_STATUSES, "会议已开始，不能再请假")
    require(bool(reason.strip()), "请写明请假事由")
    require(
        Notification.objects.filter(meeting=meeting, recipient=staff).exists()
        or CommitteeMember.objects.filter(committee__branch=meeting.branch, staff=staff).exists(),
        "您不是本次例会的参会人员",
    )
    leave, created = LeaveRequest.objects.get_or_create(
        meeting=meeting, staff=staff, defaults={"reason": reason}
    )
    require(created, "已提交过请假申请")
    chair = CommitteeMember.objects.filter(
        committee__branch=meeting.branch, role=ch.MemberRole.CHAIR, active=True
    ).first()
    if chair is not None:
        Notification.objects.create(
            recipient=chair.staff,
            kind=ch.NotificationKind.LEAVE,
            recipient_role=ch.RecipientRole.CHAIR,
            meeting=meeting,
            title=f"{staff.name}申请{meeting.date:%Y-%m-%d}例会请假",
            body=reason,
            sent_on=business_today(),
        )
    audit(acting_user, "leave.requested", leave, reason=reason)
    return leave


@transaction.atomic
def decide_leave(leave, *, approve: bool, note: str = "", acting_user) -> LeaveRequest:
    meeting = leave.meeting
    staff = staff_or_refuse(acting_user)
    require(
        CommitteeMember.objects.filter(
            committee__branch=meeting.branch, role=ch.MemberRole.CHAIR, active=True, staff=staff
        ).exists(),
        "请假须由主任委员审批",
    )
    require(leave.status == ch.LeaveStatus.PENDING, "该请假已审批")
    before = snapshot(leave)
    leave.status = ch.LeaveStatus.APPROVED if approve else ch.LeaveStatus.REJECTED
    leave.decided_by, leave.decided_at, leave.decision_note = acting_user, timezone.now(), note
    leave.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    audit(acting_user, "leave.decided", leave, before=before)
    return leave


@transaction.atomic
def mark_read(notification, *, acting_user) -> None:
    staff = staff_or_refuse(acting_user)
    require(notification.recipient_id == staff.staff_id, "只能标记自己的通知")
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
