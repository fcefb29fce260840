from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from postloan.meetings import actions
from postloan.meetings import choices as ch
from postloan.meetings.access import can_run, get_meeting, visible_items
from postloan.meetings.actions.record import eligible_voters
from postloan.meetings.errors import MeetingError
from postloan.meetings.forms import CommentForm, DecisionForm, ResolutionForm
from postloan.meetings.models import AgendaItem
from postloan.org.models import Staff
from postloan.org.visibility import staff_of


def _item(request, pk) -> AgendaItem:
    item = get_object_or_404(AgendaItem.objects.select_related("meeting", "customer"), pk=pk)
    get_meeting(request.user, item.meeting_id)
    if not visible_items(request.user, item.meeting).filter(pk=item.pk).exists():
        raise Http404("无权查看该客户")
    return item


@login_required
@require_http_methods(["GET", "POST"])
def report_page(request, pk):
    item = _item(request, pk)
    report = getattr(item, "report", None)
    if report is None:
        raise Http404("批量审议客户无需逐户汇报材料")
    comment_form = CommentForm(initial={"comment": report.risk_comment})
    answers = dict(report.answers)
    error = None
    if request.method == "POST":
        try:
            if request.POST.get("op") == "comment":
                comment_form = CommentForm(request.POST)
                if comment_form.is_valid():
                    actions.comment_report(
                        report, comment_form.cleaned_data["comment"], acting_user=request.user
                    )
                    messages.success(request, "意见已保存")
                    return redirect("meetings:report", item.pk)
            else:
                answers = {key: request.POST.get(key, "") for key, _ in ch.REPORT_ITEMS}
                submit = request.POST.get("op") == "submit"
                actions.save_report(report, answers, acting_user=request.user, submit=submit)
                messages.success(request, "汇报材料已提交" if submit else "已暂存")
                return redirect("meetings:report", item.pk)
        except MeetingError as exc:
            error = exc.message
    staff = staff_of(request.user)
    rows = [
        {
            "key": key,
            "label": label,
            "prefill": report.prefill.get(key, ""),
            "answer": answers.get(key, ""),
        }
        for key, label in ch.REPORT_ITEMS
    ]
    context = {
        "item": item,
        "report": report,
        "rows": rows,
        "att": report.attachments,
        "error": error,
        "comment_form": comment_form,
        "can_edit": staff is not None
        and item.customer.manager_id == staff.staff_id
        and report.status == ch.ReportStatus.DRAFT,
    }
    return render(request, "meetings/report.html", context)


def _voters(item):
    ids = eligible_voters(item)
    return [(s.staff_id, s.name) for s in Staff.objects.filter(pk__in=ids).order_by("staff_id")]


@login_required
@require_http_methods(["GET", "POST"])
def item_page(request, pk):
    item = _item(request, pk)
    meeting = item.meeting
    staff_qs = Staff.objects.filter(branch__path__startswith=meeting.branch.path).order_by(
        "staff_id"
    )
    decision = DecisionForm(
        voters=_voters(item),
        initial={
            "summary": item.summary,
            "class_decided": item.class_decided or item.class_before or "normal",
            "method": item.method or "consensus",
        },
    )
    resolution = ResolutionForm(
        staff_qs=staff_qs,
        initial={"responsible": item.customer.manager_id, "department": "corporate"},
    )
    if request.method == "POST":
        op = request.POST.get("op")
        if op == "decide":
            decision = DecisionForm(request.POST, voters=_voters(item))
            if decision.is_valid():
                d = decision.cleaned_data
                try:
                    actions.decide_item(
                        item,
                        summary=d["summary"],
                        class_decided=d["class_decided"],
                        method=d["method"],
                        votes=(
                            d["votes_for"] or 0,
                            d["votes_against"] or 0,
                            d["votes_abstain"] or 0,
                        ),
                        dissent=d["dissent"],
                        dissenters=d["dissenters"],
                        acting_user=request.user,
                    )
                except MeetingError as exc:
                    decision.add_error(None, exc.message)
                else:
                    messages.success(request, "审议结果已记录")
                    return redirect("meetings:item", item.pk)
        elif op == "resolve":
            resolution = ResolutionForm(request.POST, staff_qs=staff_qs)
            if resolution.is_valid():
                r = resolution.cleaned_data
                try:
                    actions.adopt_resolution(
                        item,
                        type=r["type"],
                        params=resolution.params(),
                        text=r["text"],
                        department=r["department"],
                        responsible=r["responsible"],
                        deadline=r["deadline"],
                        acting_user=request.user,
                    )
                except MeetingError as exc:
                    resolution.add_error(None, exc.message)
                else:
                    messages.success(request, "决议已记录")
                    return redirect("meetings:item", item.pk)
    context = {
        "item": item,
        "meeting": meeting,
        "decision_form": decision,
        "resolution_form": resolution,
        "resolutions": item.resolutions.select_related("responsible"),
        "recusals": item.recusals.select_related("staff"),
        "report": getattr(item, "report", None),
        "can_run": can_run(request.user, meeting)
        and meeting.status == ch.MeetingStatus.IN_PROGRESS,
    }
    return render(request, "meetings/item.html", context)


@login_required
def minutes(request, pk):
    """The 会议纪要 page: once signed, the signed snapshot with its SHA-256."""
    from postloan.reports import meeting_record

    meeting = get_meeting(request.user, pk)
    context = {"meeting": meeting, "doc": meeting_record.minutes(meeting)}
    return render(request, "meetings/minutes.html", context)


@login_required
def review_form(request, pk):
    from postloan.reports import meeting_record

    item = _item(request, pk)
    context = {"meeting": item.meeting, "item": item, "form": meeting_record.review_form(item)}
    return render(request, "meetings/review_form.html", context)
