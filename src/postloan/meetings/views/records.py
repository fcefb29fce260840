from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods

from postloan.core.errors import DomainError, add_to_form
from postloan.meetings import actions
from postloan.meetings import choices as ch
from postloan.meetings.access import (
    can_run,
    get_item,
    get_meeting,
    record_part,
)
from postloan.meetings.actions.record import eligible_voters, presides
from postloan.meetings.deliberation import loan_facts, open_signals
from postloan.meetings.forms import (
    CommentForm,
    DecisionForm,
    DeferForm,
    ExcuseForm,
    ResolutionForm,
)
from postloan.meetings.models import AgendaItem
from postloan.org.models import Staff
from postloan.org.visibility import staff_of
from postloan.reports import meeting_record


def _item(request, pk) -> AgendaItem:
    return get_item(request.user, pk)


@login_required
@require_http_methods(["GET", "POST"])
def report_page(request, pk):
    item = _item(request, pk)
    report = getattr(item, "report", None)
    if report is None:
        raise Http404(gettext("批量审议客户无需逐户汇报材料"))
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
                    messages.success(request, gettext("意见已保存"))
                    return redirect("meetings:report", item.pk)
            else:
                answers = {key: request.POST.get(key, "") for key, _ in ch.REPORT_ITEMS}
                submit = request.POST.get("op") == "submit"
                actions.save_report(report, answers, acting_user=request.user, submit=submit)
                messages.success(request, "汇报材料已提交" if submit else "已暂存")
                return redirect("meetings:report", item.pk)
        except DomainError as exc:
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


def _decision_form(item, facts, data=None):
    initial = None
    if data is None:
        decided = {d.loan_id: d for d in item.loan_decisions.all()}
        initial = {"summary": item.summary, "method": item.method}
        for f in facts:
            if f.loan_id in decided:
                initial[f.class_field] = decided[f.loan_id].decided_class
                initial[f.reason_field] = decided[f.loan_id].reason
                if f.waivable:
                    initial[f.waiver_field] = decided[f.loan_id].technical_waiver
                    initial[f.waiver_reason_field] = decided[f.loan_id].waiver_reason
    return DecisionForm(data, initial=initial, voters=_voters(item), loans=facts)


def _decide(request, item, form) -> bool:
    if not form.is_valid():
        return False
    d = form.cleaned_data
    try:
        actions.decide_item(
            item,
            summary=d["summary"],
            loan_classes=form.loan_classes(),
            loan_reasons=form.loan_reasons(),
            loan_waivers=form.loan_waivers(),
            method=d["method"],
            votes=(d["votes_for"] or 0, d["votes_against"] or 0, d["votes_abstain"] or 0),
            dissent=d["dissent"],
            dissenters=d["dissenters"],
            acting_user=request.user,
        )
    except DomainError as exc:
        add_to_form(form, exc)
        return False
    return True


def _resolve(request, item, form) -> bool:
    if not form.is_valid():
        return False
    r = form.cleaned_data
    try:
        actions.adopt_resolution(
            item,
            type=r["type"],
            params=form.params(),
            text=r["text"],
            department=r["department"],
            responsible=r["responsible"],
            deadline=r["deadline"],
            acting_user=request.user,
        )
    except DomainError as exc:
        add_to_form(form, exc)
        return False
    return True


def _with_reason(action):
    def run(request, item, form) -> bool:
        if not form.is_valid():
            return False
        try:
            action(item, reason=form.cleaned_data["reason"], acting_user=request.user)
        except DomainError as exc:
            add_to_form(form, exc)
            return False
        return True

    return run


@login_required
@require_http_methods(["GET", "POST"])
def item_page(request, pk):
    """One customer before the meeting: the facts per loan, the report, the decision."""
    item = _item(request, pk)
    meeting = item.meeting
    facts = loan_facts(item.customer)
    staff_qs = Staff.objects.filter(branch__path__startswith=meeting.branch.path).order_by(
        "staff_id"
    )
    forms = {
        "decide": _decision_form(item, facts),
        "resolve": ResolutionForm(staff_qs=staff_qs, initial={"department": ""}),
        "defer": DeferForm(initial={"reason": item.deferred_reason}),
        "excuse": ExcuseForm(initial={"reason": item.report_excuse}),
    }
    handlers = {
        "decide": (_decide, lambda: _decision_form(item, facts, request.POST), "审议结果已记录"),
        "resolve": (
            _resolve,
            lambda: ResolutionForm(request.POST, staff_qs=staff_qs),
            "决议已记录",
        ),
        "defer": (
            _with_reason(actions.defer_item),
            lambda: DeferForm(request.POST),
            "已记录暂缓审议",
        ),
        "excuse": (
            _with_reason(actions.excuse_missing_report),
            lambda: ExcuseForm(request.POST),
            "已记录未提交汇报材料的原因",
        ),
    }
    op = request.POST.get("op") if request.method == "POST" else None
    if op in handlers:
        handle, bound, ok = handlers[op]
        forms[op] = bound()
        if handle(request, item, forms[op]):
            messages.success(request, ok)
            return redirect("meetings:item", item.pk)
    report = getattr(item, "report", None)
    in_progress = meeting.status == ch.MeetingStatus.IN_PROGRESS
    from postloan.reports import meeting_record

    one = meeting.items.filter(pk=item.pk)
    (row,) = meeting_record.agenda_rows(meeting, [item])
    context = {
        "item": item,
        "row": row,  # the customer as signed once the record is signed
        "live_changes": meeting_record.live_changes(meeting, one),
        "meeting": meeting,
        "facts": facts,
        "signals": open_signals(item.customer),
        "decisions": item.loan_decisions.select_related("loan"),
        "decision_form": forms["decide"],
        "resolution_form": forms["resolve"],
        "defer_form": forms["defer"],
        "excuse_form": forms["excuse"],
        "resolutions": item.resolutions.select_related("responsible"),
        "recusals": item.recusals.select_related("staff"),
        "report": report,
        "report_rows": _report_rows(report),
        "can_run": can_run(request.user, meeting) and in_progress,
        "can_excuse": presides(request.user, meeting)
        and report is not None
        and report.status != ch.ReportStatus.SUBMITTED
        and meeting.status in (ch.MeetingStatus.NOTICED, ch.MeetingStatus.IN_PROGRESS),
    }
    return render(request, "meetings/item.html", context)


def _report_rows(report) -> list[dict]:
    if report is None:
        return []
    return [
        {"label": label, "text": report.answers.get(key) or "", "prefill": report.prefill.get(key)}
        for key, label in ch.REPORT_ITEMS
    ]


@login_required
def minutes(request, pk):
    """The 会议纪要 page: once signed, the signed snapshot with its SHA-256."""
    meeting = get_meeting(request.user, pk)
    part = record_part(request.user, meeting)
    doc = meeting_record.minutes(meeting, part)
    context = {
        "meeting": meeting,
        "doc": doc,
        "live_changes": meeting_record.live_changes(meeting, part),
    }
    return render(request, "meetings/minutes.html", context)


@login_required
def review_form(request, pk):
    item = _item(request, pk)
    context = {"meeting": item.meeting, "item": item, "form": meeting_record.review_form(item)}
    return render(request, "meetings/review_form.html", context)
