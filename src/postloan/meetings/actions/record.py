"""The meeting itself: attendance and quorum, recusal, deliberation, typed resolutions, closing."""

from django.db import transaction
from django.utils import timezone

from postloan.meetings import choices as ch
from postloan.meetings.access import can_run
from postloan.meetings.actions._common import audit, require, snapshot, unlocked
from postloan.meetings.actions.signing import president_of
from postloan.meetings.committee import committee_validity
from postloan.meetings.deliberation import loan_facts
from postloan.meetings.documents import quorum
from postloan.meetings.errors import MeetingError
from postloan.meetings.models import (
    Attendance,
    CommitteeMember,
    LoanDecision,
    Recusal,
    Resolution,
)
from postloan.meetings.resolution_types import clean_params
from postloan.meetings.verification import baseline
from postloan.org.choices import DEPARTMENT_CHOICES
from postloan.org.visibility import staff_of
from postloan.portfolio.choices import CLASS_LABELS
from postloan.portfolio.models import RelatedParty
from postloan.risk.actions.classification import record_committee_classification
from postloan.risk.current import loans_with_current_class
from postloan.risk.errors import TransitionError
from postloan.risk.floors import worst

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
    members = dict(
        CommitteeMember.objects.filter(committee__branch=meeting.branch, active=True).values_list(
            "staff_id", "role"
        )
    )
    invited = set(members) | set(meeting.notifications.values_list("recipient_id", flat=True))
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
            member_role=members.get(sid, ""),  # the seat as it is now, for the quorum
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


def _waiver_refusal(f, value: str, waiver: str | None) -> tuple[str, str] | None:
    """(field, refusal) when the DPD 1–7 technical waiver asked for this loan may not stand:
    only a loan 1–7 days overdue on its screening date, with the reason written, and only
    where the class chosen is better than that floor (the other floors still bind)."""
    if waiver is None:
        return None
    if not f.waivable:
        return f.waiver_field, "只有筛查日逾期1–7天的借据才能按技术性逾期豁免"
    if not waiver.strip():
        return f.waiver_reason_field, "技术性逾期豁免须写明理由（操作或技术原因及核实情况）"
    if not f.refusal(value):
        return f.waiver_field, "所选分类未优于逾期底线，无需技术性逾期豁免"
    return None


def _decided_classes(item, facts, loan_classes: dict, loan_reasons: dict, waivers: dict) -> dict:
    """loan id → (class, reason, waiver reason), or a refusal naming the rule next to each
    loan's field. `waivers`: loan id → the reason of its DPD 1–7 technical waiver, for the
    loans the committee waives (absent: no waiver)."""
    known = {f.loan_id for f in facts}
    unknown = (set(loan_classes) | set(waivers)) - known
    require(not unknown, "以下借据不属于该客户的在贷借据：" + "、".join(sorted(unknown)))
    errors, chosen = {}, {}
    for f in facts:
        value = (loan_classes.get(f.loan_id) or "").strip()
        reason = (loan_reasons.get(f.loan_id) or "").strip()
        waiver = waivers.get(f.loan_id)
        if value not in CLASS_LABELS:
            errors[f.class_field] = "请选择该借据的审议认定分类"
        elif bad := _waiver_refusal(f, value, waiver):
            errors[bad[0]] = bad[1]
        elif refusal := f.refusal(value, waived=waiver is not None):
            if waiver is None and f.waivable and not f.refusal(value, waived=True):
                refusal += "；如逾期确系操作或技术原因，可勾选技术性逾期豁免并写明理由"
            errors[f.class_field] = refusal
        elif value != f.suggested_class and waiver is None and not reason:
            errors[f.reason_field] = "审议认定与系统建议不同，须写明理由"
        else:
            chosen[f.loan_id] = (value, reason, (waiver or "").strip())
    if errors:
        raise MeetingError("；".join(dict.fromkeys(errors.values())), errors=errors)
    return chosen


def _require_not_recused(item, acting_user) -> None:
    staff = staff_of(acting_user)
    require(
        staff is None or not item.recusals.filter(staff=staff).exists(),
        "您须回避该客户的审议（与客户存在管户或关联关系），不能记录其审议结果",
    )


@transaction.atomic
def decide_item(
    item,
    *,
    summary: str,
    loan_classes: dict,
    loan_reasons: dict | None = None,
    loan_waivers: dict | None = None,
    method: str,
    votes=(0, 0, 0),
    dissent: str = "",
    dissenters=(),
    acting_user,
):
    """Record the deliberation of one customer: a class per loan, bounded by its floors.

    No class is assumed: every active loan needs one chosen; a class better than the loan's
    floor is refused with the rule; a class other than the suggestion needs a reason. A loan
    1–7 days overdue may be waived as technical (`loan_waivers`: loan id → the waiver's
    reason), lifting only its DPD floor. Needs a quorum, and the person recording must not be
    recused from this customer.
    """
    meeting = item.meeting
    _run(meeting, acting_user)
    require(meeting.status == IN_PROGRESS, "会议未开始或已结束")
    require(not item.dropped, "该客户已撤下")
    require(
        meeting.quorum_met,
        "未达到法定人数，不能审议认定分类或形成决议；可记录暂缓审议并写明理由",
    )
    _auto_recusals(item)
    _require_not_recused(item, acting_user)
    errors = {}
    if not summary.strip():
        errors["summary"] = "请填写审议情况"
    if method not in ch.DecisionMethod.values:
        errors["method"] = "请选择决策方式"
    facts = loan_facts(item.customer)
    try:
        chosen = _decided_classes(item, facts, loan_classes, loan_reasons or {}, loan_waivers or {})
    except MeetingError as exc:
        errors.update(exc.errors or {None: exc.message})
    if errors:
        raise MeetingError("；".join(dict.fromkeys(errors.values())), errors=errors)
    voters = eligible_voters(item)
    recused = set(item.recusals.values_list("staff_id", flat=True))
    dissenter_ids = {getattr(s, "staff_id", s) for s in dissenters}
    require(not (dissenter_ids & recused), "回避的委员不参与表决，不能记录其意见", "dissenters")
    require(dissenter_ids <= voters, "持不同意见者须为出席且未回避的委员", "dissenters")
    v_for, v_against, v_abstain = (int(v) for v in votes)
    if method == ch.DecisionMethod.VOTE:
        require(v_for + v_against + v_abstain > 0, "以表决方式决策须填写表决票数", "votes_for")
        require(
            v_for + v_against + v_abstain <= len(voters),
            f"表决票数超过可表决委员人数（{len(voters)}人）",
            "votes_for",
        )
        adopted = v_for * 2 > len(voters)
    else:
        require(not dissenter_ids and not dissent.strip(), "有不同意见时请以表决方式决策", "method")
        v_for, v_against, v_abstain = len(voters), 0, 0
        adopted = True
    before = snapshot(item)
    item.class_before = worst(*(f.current_class for f in facts)) if facts else ""
    item.class_decided = worst(*(c for c, _r, _w in chosen.values())) if chosen else ""
    item.summary, item.method = summary.strip(), method
    item.votes_for, item.votes_against, item.votes_abstain = v_for, v_against, v_abstain
    item.dissent = dissent.strip()
    item.outcome = ch.ItemOutcome.ADOPTED if adopted else ch.ItemOutcome.NOT_ADOPTED
    item.deferred_reason = ""
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
            "deferred_reason",
            "decided_at",
        ]
    )
    item.dissenters.set(list(dissenter_ids))
    item.loan_decisions.all().delete()
    LoanDecision.objects.bulk_create(
        LoanDecision(
            item=item,
            loan_id=f.loan_id,
            assessment=f.assessment,
            as_of=f.as_of,
            dpd=f.dpd or 0,
            balance=f.balance,
            current_class=f.current_class,
            suggested_class=f.suggested_class,
            floor_class=f.floor_class,
            floor_rules=[
                {"rule_id": r.get("rule_id", ""), "floor_class": r["floor_class"]} for r in f.floors
            ],
            decided_class=chosen[f.loan_id][0],
            reason=chosen[f.loan_id][1],
            technical_waiver=bool(chosen[f.loan_id][2]),
            waiver_reason=chosen[f.loan_id][2],
        )
        for f in facts
    )
    audit(
        acting_user,
        "item.decided",
        item,
        before=before,
        after={
            **snapshot(item),
            "loans": {
                k: {"class": c, "reason": r, "technical_waiver": bool(w), "waiver_reason": w}
                for k, (c, r, w) in chosen.items()
            },
        },
    )
    return item


@transaction.atomic
def defer_item(item, *, reason: str, acting_user):
    """暂缓审议: the customer is not decided at this meeting, for a written reason."""
    meeting = item.meeting
    _run(meeting, acting_user)
    require(meeting.status == IN_PROGRESS, "会议未开始或已结束")
    require(not item.dropped, "该客户已撤下")
    require(bool(reason.strip()), "暂缓审议须写明理由", "reason")
    require(not item.resolutions.exists(), "该客户已形成决议，不能再暂缓审议", "reason")
    before = snapshot(item)
    item.outcome, item.deferred_reason = ch.ItemOutcome.DEFERRED, reason.strip()
    item.class_decided, item.decided_at = "", timezone.now()
    item.save(update_fields=["outcome", "deferred_reason", "class_decided", "decided_at"])
    item.loan_decisions.all().delete()
    audit(acting_user, "item.deferred", item, before=before, reason=reason.strip())
    return item


def presides(user, meeting) -> bool:
    """The meeting's presiding member, or the committee's 主任委员."""
    staff = staff_of(user)
    if staff is None:
        return False
    return (
        meeting.presiding_id == staff.staff_id
        or CommitteeMember.objects.filter(
            committee__branch=meeting.branch, role=ch.MemberRole.CHAIR, active=True, staff=staff
        ).exists()
    )


@transaction.atomic
def excuse_missing_report(item, *, reason: str, acting_user):
    """The presiding member records why the account manager's report is missing."""
    meeting = item.meeting
    unlocked(meeting)
    require(
        presides(acting_user, meeting), "只有会议主持人（主任委员）可以说明未提交汇报材料的原因"
    )
    require(meeting.status in (ch.MeetingStatus.NOTICED, IN_PROGRESS), "会议已结束，不能再说明")
    report = getattr(item, "report", None)
    require(report is not None, "批量审议客户无需逐户汇报材料")
    require(report.status != ch.ReportStatus.SUBMITTED, "汇报材料已提交，无需说明")
    require(bool(reason.strip()), "请写明未提交汇报材料的原因", "reason")
    before = snapshot(item)
    item.report_excuse, item.report_excused_by = reason.strip(), acting_user
    item.save(update_fields=["report_excuse", "report_excused_by"])
    audit(acting_user, "item.report_excused", item, before=before, reason=reason.strip())
    return item


def record_committee_class(decision, acting_user) -> None:
    """The one place the meeting hands a decided class to the classification workflow: it
    becomes the loan's 认定, the committee its approver and this meeting its source."""
    item = decision.item
    try:
        record_committee_classification(
            decision.assessment,
            decision.decided_class,
            decision.reason or item.summary,
            acting_user,
            meeting_id=item.meeting_id,
            agenda_item_id=item.pk,
            technical_waiver=decision.technical_waiver,
            waiver_reason=decision.waiver_reason,
        )
    except TransitionError as exc:
        raise MeetingError(f"借据{decision.loan_id}：{exc.message}") from exc
    decision.classified_at = timezone.now()
    decision.save(update_fields=["classified_at"])


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


def _names(items) -> str:
    return "、".join(i.customer.name for i in items[:10]) + ("等" if len(items) > 10 else "")


@transaction.atomic
def close_meeting(meeting, *, acting_user):
    """Close the record: every customer decided or deferred with a reason, every missing report
    explained by the presiding member, the chair's summary written; then each adopted class
    becomes its loan's 认定."""
    _run(meeting, acting_user)
    require(meeting.status == IN_PROGRESS, "会议未在进行中")
    items = list(meeting.items.filter(dropped=False).select_related("customer", "report"))
    pending = [i for i in items if i.outcome == ch.ItemOutcome.PENDING]
    require(
        not pending,
        "尚有客户未审议也未暂缓（暂缓须写明理由）：" + _names(pending),
    )
    missing = [
        i
        for i in items
        if not i.batch
        and getattr(i, "report", None) is not None
        and i.report.status != ch.ReportStatus.SUBMITTED
        and not i.report_excuse.strip()
    ]
    require(
        not missing,
        "客户经理未提交汇报材料，须由会议主持人说明原因后才能闭会：" + _names(missing),
    )
    require(bool(meeting.chair_summary.strip()), "请记录主任委员总结")
    before = snapshot(meeting)
    meeting.status, meeting.closed_at = ch.MeetingStatus.HELD, timezone.now()
    meeting.save(update_fields=["status", "closed_at"])
    decisions = LoanDecision.objects.filter(
        item__meeting=meeting, item__outcome=ch.ItemOutcome.ADOPTED, item__dropped=False
    ).select_related("item", "assessment")
    for decision in decisions:
        record_committee_class(decision, acting_user)
    audit(acting_user, "meeting.closed", meeting, before=before)
    return meeting


@transaction.atomic
def decide_batch(meeting, *, summary: str, acting_user) -> int:
    """批量审议: the retail batch is decided together, each customer keeping its books' class."""
    _run(meeting, acting_user)
    require(meeting.status == IN_PROGRESS, "会议未开始或已结束")
    require(meeting.quorum_met, "未达到法定人数，不能批量审议；可逐户记录暂缓审议")
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
            loans_with_current_class(
                item.customer.loans.filter(status="active"), item.meeting.date
            ).values_list("current_cls", flat=True)
        )
        books = max(classes, key=order.index) if classes else "normal"
        voters = eligible_voters(item)
        item.summary = summary.strip()
        item.class_before = item.class_decided = books
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
