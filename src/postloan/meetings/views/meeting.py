from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from postloan.core.errors import DomainError, button
from postloan.documents import formatting as fmt
from postloan.meetings import actions
from postloan.meetings import choices as ch
from postloan.meetings.access import (
    Reach,
    can_run,
    get_meeting,
    is_member,
    record_part,
    record_reach,
    visible_items,
)
from postloan.meetings.actions.signing import pending_roles, signer_roles
from postloan.meetings.committee import committee_validity
from postloan.meetings.documents import quorum
from postloan.meetings.forms import (
    AmendmentForm,
    LeaveForm,
    ReasonForm,
    SectionsForm,
    StartForm,
)
from postloan.meetings.models import CommitteeMember, LeaveRequest
from postloan.meetings.tasks import execution_report_text
from postloan.org.models import Staff
from postloan.org.visibility import staff_of
from postloan.portfolio.visibility import get_customer_for_user
from postloan.portfolio_risk.review import retail_review


def _people(meeting):
    """(staff_id, label) of everyone who may attend, and the chair/vice chairs who may preside."""
    members = CommitteeMember.objects.filter(
        committee__branch=meeting.branch, active=True
    ).select_related("staff")
    people = {m.staff_id: f"{m.staff.name}（{m.get_role_display()}）" for m in members}
    for n in meeting.notifications.filter(kind=ch.NotificationKind.NOTICE).select_related(
        "recipient"
    ):
        people.setdefault(n.recipient_id, f"{n.recipient.name}（{n.get_recipient_role_display()}）")
    chairs = [
        (m.staff_id, people[m.staff_id])
        for m in members
        if m.role in (ch.MemberRole.CHAIR, ch.MemberRole.VICE_CHAIR)
    ]
    return sorted(people.items()), chairs


def _retail_sections(meeting, items, as_of) -> list[dict]:
    """The 个贷批量监管 figures beside the retail batch (批量审议), for the unit's retail loans."""
    if not any(i.batch and not i.dropped for i in items):
        return []
    if as_of is None:
        return []
    return [fmt.retail_section(retail_review(as_of, meeting.branch.path))]


@login_required
def meeting_detail(request, pk):
    from postloan.reports import meeting_record

    meeting = get_meeting(request.user, pk)
    items = list(visible_items(request.user, meeting).select_related("report"))
    whole = record_reach(request.user, meeting) == Reach.FULL
    # A signed record lists its customers, attendance and presider as signed (the snapshot);
    # where the live data has changed since, a note says what changed.
    rows = meeting_record.agenda_rows(meeting, items)
    signed_names = {r.customer_id: r.customer for r in rows if r.signed}
    people, chairs = _people(meeting)
    staff = staff_of(request.user)
    run = can_run(request.user, meeting)
    sections_initial = {
        "quality_report": meeting.quality_report,
        "risk_findings": meeting.risk_findings,
        "execution_report": meeting.execution_report or execution_report_text(meeting),
        "chair_summary": meeting.chair_summary,
    }
    missing = [
        i
        for i in items
        if not i.dropped
        and not i.batch
        and getattr(i, "report", None)
        and i.report.status != ch.ReportStatus.SUBMITTED
        and not i.report_excuse
    ]
    changes = meeting.agenda_changes.select_related("customer", "actor")
    if not whole:
        changes = changes.filter(customer_id__in=[i.customer_id for i in items])
    changes = list(changes)
    for c in changes:
        c.shown_name = signed_names.get(c.customer_id, c.customer.name)
    context = {
        "meeting": meeting,
        "whole": whole,
        "items": items,
        "rows": rows,
        "signed_header": meeting_record.signed_header(meeting),
        "live_changes": meeting_record.live_changes(meeting, record_part(request.user, meeting)),
        "batch_pending": [i for i in items if i.batch and not i.dropped and i.outcome == "pending"],
        "retail_sections": _retail_sections(meeting, items, meeting_record.as_of_for(meeting)),
        "missing": missing,
        "validity": committee_validity(meeting.branch),
        "quorum": quorum(meeting) if meeting.status != ch.MeetingStatus.PLANNED else None,
        "can_run": run,
        "is_member": is_member(request.user, meeting),
        "is_chair": CommitteeMember.objects.filter(
            committee__branch=meeting.branch, role=ch.MemberRole.CHAIR, active=True, staff=staff
        ).exists(),
        "my_leave": meeting.leave_requests.filter(staff=staff).first() if staff else None,
        "leaves": meeting.leave_requests.select_related("staff"),
        "attendance": meeting.attendance.select_related("staff").order_by("-is_member", "staff_id"),
        "changes": changes,
        "notified": meeting.notifications.filter(kind=ch.NotificationKind.NOTICE)
        .select_related("recipient")
        .order_by("recipient_role", "recipient_id"),
        # Nobody is preset present: the secretary ticks each attendee (the quorum follows).
        "start_form": StartForm(people=people, chairs=chairs),
        "sections_form": SectionsForm(initial=sections_initial),
        "reason_form": ReasonForm(),
        "leave_form": LeaveForm(),
        "amendment_form": AmendmentForm(),
        "signatures": meeting.signatures.select_related("amendment"),
        "amendments": meeting.amendments.all(),
        "sign_roles": signer_roles(request.user, meeting),
        "sign_pending": pending_roles(request.user, meeting),
        "sections": ch.AGENDA_SECTIONS,
    }
    return render(request, "meetings/detail.html", context)


def _redirect_args(meeting):
    return reverse("meetings:detail", args=[meeting.pk])


@login_required
@require_POST
def notice(request, pk):
    meeting = get_meeting(request.user, pk)
    return button(
        request,
        lambda: actions.send_notice(meeting, acting_user=request.user),
        ok="会议通知已发出",
        back=_redirect_args(meeting),
    )


@login_required
@require_POST
def agenda_add(request, pk):
    meeting = get_meeting(request.user, pk)
    form = ReasonForm(request.POST)

    def go():
        if not form.is_valid() or not form.cleaned_data["customer_id"]:
            raise DomainError("请填写客户编号和书面理由")
        customer = get_customer_for_user(request.user, form.cleaned_data["customer_id"].strip())
        actions.add_agenda_item(
            meeting, customer, reason=form.cleaned_data["reason"], acting_user=request.user
        )

    return button(request, go, ok="已增加上会客户", back=_redirect_args(meeting))


@login_required
@require_POST
def agenda_drop(request, pk, item_pk):
    meeting = get_meeting(request.user, pk)
    item = get_object_or_404(meeting.items, pk=item_pk)
    return button(
        request,
        lambda: actions.drop_agenda_item(
            item, reason=request.POST.get("reason", ""), acting_user=request.user
        ),
        ok="已撤下上会客户",
        back=_redirect_args(meeting),
    )


@login_required
@require_POST
def leave_request(request, pk):
    meeting = get_meeting(request.user, pk)
    return button(
        request,
        lambda: actions.request_leave(
            meeting, reason=request.POST.get("reason", ""), acting_user=request.user
        ),
        ok="请假申请已提交主任委员",
        back=_redirect_args(meeting),
    )


@login_required
@require_POST
def leave_decide(request, pk, leave_pk):
    meeting = get_meeting(request.user, pk)
    leave = get_object_or_404(LeaveRequest, pk=leave_pk, meeting=meeting)
    return button(
        request,
        lambda: actions.decide_leave(
            leave,
            approve=request.POST.get("approve") == "1",
            note=request.POST.get("note", ""),
            acting_user=request.user,
        ),
        ok="请假已审批",
        back=_redirect_args(meeting),
    )


@login_required
@require_POST
def start(request, pk):
    meeting = get_meeting(request.user, pk)
    people, chairs = _people(meeting)
    form = StartForm(request.POST, people=people, chairs=chairs)

    def go():
        if not form.is_valid():
            raise DomainError("请勾选出席人员并选择会议主持人")
        actions.start_meeting(
            meeting,
            present_ids=form.cleaned_data["present"],
            presiding=Staff.objects.get(pk=form.cleaned_data["presiding"]),
            acting_user=request.user,
        )

    return button(request, go, ok="会议已开始，出席情况已记录", back=_redirect_args(meeting))


@login_required
@require_POST
def sections(request, pk):
    meeting = get_meeting(request.user, pk)
    form = SectionsForm(request.POST)
    form.is_valid()
    return button(
        request,
        lambda: actions.save_sections(meeting, acting_user=request.user, **form.cleaned_data),
        ok="会议记录已保存",
        back=_redirect_args(meeting),
    )


@login_required
@require_POST
def batch(request, pk):
    meeting = get_meeting(request.user, pk)
    return button(
        request,
        lambda: actions.decide_batch(
            meeting, summary=request.POST.get("summary", ""), acting_user=request.user
        ),
        ok="零售客户已批量审议",
        back=_redirect_args(meeting),
    )


@login_required
@require_POST
def close(request, pk):
    meeting = get_meeting(request.user, pk)
    return button(
        request,
        lambda: actions.close_meeting(meeting, acting_user=request.user),
        ok="会议已结束，请会议主持人和行长签署",
        back=_redirect_args(meeting),
    )


@login_required
@require_POST
def amend(request, pk):
    meeting = get_meeting(request.user, pk)
    return button(
        request,
        lambda: actions.propose_amendment(
            meeting, text=request.POST.get("text", ""), acting_user=request.user
        ),
        ok="更正已提出，须会议主持人和行长重新签署",
        back=_redirect_args(meeting),
    )
