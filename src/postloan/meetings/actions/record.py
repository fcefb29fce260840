"""The meeting itself: attendance and quorum, recusal, deliberation, typed resolutions, closing."""

from django.db import transaction
from django.utils import timezone

from postloan.meetings import choices as ch
from postloan.meetings.access import can_run
from postloan.meetings.actions._common import audit, require, snapshot, unlocked
from postloan.meetings.actions.signing import president_of
from postloan.meetings.committee import committee_validity
from postloan.meetings.documents import quorum
from postloan.meetings.models import Attendance, CommitteeMember, Recusal, Resolution
from postloan.meetings.resolution_types import clean_params
from postloan.meetings.verification import baseline
from postloan.org.choices import DEPARTMENT_CHOICES
from postloan.portfolio.choices import CLASS_LABELS

IN_PROGRESS = ch.MeetingStatus.IN_PROGRESS


def _run(meeting, user):
    require(can_run(user, meeting), "只有本级行风险部门（会议记录人）可以记录会议")
    unlocked(meeting)


@transaction.atomic
def start_meeting(meeting, *, present_ids, presiding, acting_user):
    """Record attendance (members on approved leave marked so) and open the meeting."""
    _run(meeting, acting_user)
    require(
        meeting.status in (ch.MeetingStatus.PLANNED, ch.MeetingStatus.NOTICED, IN_PROGRESS),
        "例会状态不允许开会",
    )
    validity = committee_validity(meeting.branch)
    require(validity.valid, "委员会不符合规定，不能召开例会：" + "；".join(validity.problems))
    require(meeting.noticed_on is not None, "尚未发出会议通知，不能开会")
    members = set(
        CommitteeMember.objects.filter(committee__branch=meeting.branch, active=True).values_list(
            "staff_id", flat=True
        )
    )
    invited = members | set(meeting.notifications.values_list("recipient_id", flat=True))
    present = set(present_ids)
    require(present <= invited, "出席人员须为委员或受通知的参会人员")
    on_leave = set(
        meeting.leave_requests.filter(status=ch.LeaveStatus.APPROVED).values_list(
            "staff_id", flat=True
        )
    )
    meeting.attendance.all().delete()
    Attendance.objects.bulk_create(
        Attendance(
            meeting=meeting,
            staff_id=sid,
            is_member=sid in members,
            present=sid in present,
            on_leave=sid in on_leave and sid not in present,
            note="" if sid in present else ("已请假" if sid in on_leave else "缺席（未请假）"),
        )
        for sid in sorted(invited)
    )
    before = snapshot(meeting)
    meeting.presiding = presiding
    # The signers are fixed now: the presider above, the 行长 from the unit's org record.
    meeting.president = president_of(meeting.branch)
    meeting.status = IN_PROGRESS
    meeting.quorum_met, _text = quorum(meeting)
    meeting.save(update_fields=["presiding", "president", "status", "quorum_met"])
    for item in meeting.items.filter(dropped=False).select_related("customer"):
        _auto_recusals(item)
    audit(acting_user, "meeting.started", meeting, before=before, reason=_text)
    return meeting


def _auto_recusals(item):
    """A member who manages the customer, or is recorded as related to it, is recused."""
    from postloan.portfolio.models import RelatedParty

    members = CommitteeMember.objects.filter(
        committee__branch=item.meeting.branch, active=True
    ).select_related("staff")
    related_names = set(
        RelatedParty.objects.filter(customer=item.customer).values_list("related_name", flat=True)
    )
    for m in members:
        reason = ""
        if item.customer.manager_id == m.staff_id:
            reason = "该客户的管户客户经理"
        elif m.staff.name in related_names:
            reason = "与该客户存在关联关系"
        if reason:
            Recusal.objects.get_or_create(item=item, staff=m.staff, defaults={"reason": reason})


@transaction.atomic
def recuse(item, staff, *, reason: str, acting_user):
    _run(item.meeting, acting_user)
    require(bool(reason.strip()), "请写明回避原因")
    recusal, _ = Recusal.objects.get_or_create(item=item, staff=staff, defaults={"reason": reason})
    audit(acting_user, "item.recused", recusal)
    return recusal


def eligible_voters(item) -> set[str]:
    present = set(
        item.meeting.attendance.filter(present=True, is_member=True).values_list(
            "staff_id", flat=True
        )
    )
    return present - set(item.recusals.values_list("staff_id", flat=True))


@transaction.atomic
def decide_item(
    item,
    *,
    summary: str,
    class_decided: str,
    method: str,
    votes=(0, 0, 0),
    dissent: str = "",
    dissenters=(),
    acting_user,
):
    meeting = item.meeting
    _run(meeting, acting_user)
    require(meeting.status == IN_PROGRESS, "会议未开始或已结束")
    require(not item.dropped, "该客户已撤下")
    require(bool(summary.strip()), "请填写审议情况")
    require(class_decided in CLASS_LABELS, "请选择审议认定的五级分类")
    require(method in ch.DecisionMethod.values, "请选择决策方式")
    _auto_recusals(item)
    voters = eligible_voters(item)
    recused = set(item.recusals.values_list("staff_id", flat=True))
    dissenter_ids = {getattr(s, "staff_id", s) for s in dissenters}
    require(not (dissenter_ids & recused), "回避的委员不参与表决，不能记录其意见")
    require(dissenter_ids <= voters, "持不同意见者须为出席且未回避的委员")
    v_for, v_against, v_abstain = (int(v) for v in votes)
    if method == ch.DecisionMethod.VOTE:
        require(
            v_for + v_against + v_abstain <= len(voters),
            f"表决票数超过可表决委员人数（{len(voters)}人）",
        )
        adopted = v_for * 2 > len(voters)
    else:
        require(not dissenter_ids and not dissent.strip(), "有不同意见时请以表决方式决策")
        v_for, v_against, v_abstain = len(voters), 0, 0
        adopted = True
    before = snapshot(item)
    classes = list(
        item.customer.loans.filter(status="active", balance__gt=0).values_list(
            "classification", flat=True
        )
    )
    order = list(CLASS_LABELS)
    item.class_before = max(classes, key=order.index) if classes else ""
    item.summary, item.class_decided, item.method = summary.strip(), class_decided, method
    item.votes_for, item.votes_against, item.votes_abstain = v_for, v_against, v_abstain
    item.dissent = dissent.strip()
    item.outcome = ch.ItemOutcome.ADOPTED if adopted else ch.ItemOutcome.NOT_ADOPTED
    item.decided_at = timezone.now()
    item.save(
        update_fields=[
            "class_before",
            "summary",
            "class_decided",
            "method",
            "votes_for",
            "votes_against",
            "votes_abstain",
            "dissent",
            "outcome",
            "decided_at",
        ]
    )
    item.dissenters.set(list(dissenter_ids))
    audit(acting_user, "item.decided", item, before=before)
    return item


@transaction.atomic
def adopt_resolution(
    item,
    *,
    type: str,
    params: dict,
    text: str = "",
    department: str,
    responsible,
    deadline,
    acting_user,
    amendment=None,
) -> Resolution:
    meeting = item.meeting
    if amendment is None:
        _run(meeting, acting_user)
        require(meeting.status == IN_PROGRESS, "会议未开始或已结束，不能形成决议")
        require(meeting.quorum_met, "未达到法定人数，不能形成决议")
        require(item.outcome == ch.ItemOutcome.ADOPTED, "请先记录该客户的审议结果（须审议通过）")
    else:
        require(amendment.signed_at is None, "更正已签署，不能再修改")
    require(type in ch.ResolutionType.values, "请选择决议类型")
    require(responsible is not None, "决议须明确责任人")
    require(deadline is not None, "决议须明确完成期限")
    require(department in dict(DEPARTMENT_CHOICES), "决议须明确执行部门")
    require(deadline >= meeting.date, "完成期限不能早于会议日期")
    clean = clean_params(type, params, text, deadline)
    resolution = Resolution.objects.create(
        meeting=meeting,
        item=item,
        amendment=amendment,
        customer=item.customer,
        type=type,
        params=clean,
        text=text.strip(),
        department=department,
        responsible=responsible,
        deadline=deadline,
        decided_on=meeting.date,
        baseline=baseline(item.customer_id),
    )
    audit(acting_user, "resolution.adopted", resolution)
    return resolution


@transaction.atomic
def save_sections(meeting, *, acting_user, **texts):
    _run(meeting, acting_user)
    allowed = {"quality_report", "risk_findings", "execution_report", "chair_summary", "location"}
    require(set(texts) <= allowed, "不能修改这些内容")
    before = snapshot(meeting)
    for key, value in texts.items():
        setattr(meeting, key, value)
    meeting.save(update_fields=list(texts))
    audit(acting_user, "meeting.sections_saved", meeting, before=before)
    return meeting


@transaction.atomic
def close_meeting(meeting, *, acting_user):
    _run(meeting, acting_user)
    require(meeting.status == IN_PROGRESS, "会议未在进行中")
    pending = meeting.items.filter(dropped=False, outcome=ch.ItemOutcome.PENDING)
    require(
        not pending.filter(batch=False).exists(),
        "尚有按户审议的客户未记录审议结果："
        + "、".join(pending.filter(batch=False).values_list("customer__name", flat=True)[:10]),
    )
    require(bool(meeting.chair_summary.strip()), "请记录主任委员总结")
    before = snapshot(meeting)
    meeting.status, meeting.closed_at = ch.MeetingStatus.HELD, timezone.now()
    meeting.save(update_fields=["status", "closed_at"])
    audit(acting_user, "meeting.closed", meeting, before=before)
    return meeting


@transaction.atomic
def decide_batch(meeting, *, summary: str, acting_user) -> int:
    """批量审议: the retail batch is decided together, each customer keeping its books' class."""
    _run(meeting, acting_user)
    require(meeting.status == IN_PROGRESS, "会议未开始或已结束")
    require(bool(summary.strip()), "请填写批量审议情况")
    items = list(
        meeting.items.filter(
            batch=True, dropped=False, outcome=ch.ItemOutcome.PENDING
        ).select_related("customer")
    )
    require(bool(items), "没有待批量审议的客户")
    order = list(CLASS_LABELS)
    now = timezone.now()
    for item in items:
        classes = list(
            item.customer.loans.filter(status="active").values_list("classification", flat=True)
        )
        worst = max(classes, key=order.index) if classes else "normal"
        voters = eligible_voters(item)
        item.summary = summary.strip()
        item.class_before = item.class_decided = worst
        item.method = ch.DecisionMethod.CONSENSUS
        item.votes_for = len(voters)
        item.outcome = ch.ItemOutcome.ADOPTED
        item.decided_at = now
        item.save(
            update_fields=[
                "summary",
                "class_before",
                "class_decided",
                "method",
                "votes_for",
                "outcome",
                "decided_at",
            ]
        )
    audit(
        acting_user,
        "items.batch_decided",
        meeting,
        after={"customers": [i.customer_id for i in items], "summary": summary.strip()},
    )
    return len(items)
