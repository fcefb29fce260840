import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods, require_POST

from postloan.core import evidence
from postloan.core.business_date import current_business_date
from postloan.core.errors import DomainError, add_to_form, attempt, button
from postloan.meetings import actions
from postloan.meetings.access import can_certify, can_run, can_view_branch
from postloan.meetings.committee import committee_validity
from postloan.meetings.forms import (
    CertifyForm,
    MemberForm,
    PlanForm,
    SettingsForm,
)
from postloan.meetings.models import Committee, CommitteeMember, MeetingSettings
from postloan.meetings.planning import build_plan
from postloan.meetings.rules import settings_for
from postloan.org.models import Branch, Staff
from postloan.org.visibility import staff_of, visible_branches

MEETING_PAGE = 50


@login_required
def home(request):
    from postloan.documents.list_export import export_query
    from postloan.meetings.views.exports import filtered_meetings

    meetings, state, _words, errors = filtered_meetings(request)
    page = Paginator(meetings, MEETING_PAGE).get_page(request.GET.get("page"))
    units = visible_branches(request.user).filter(holds_meetings=True)
    context = {
        "page": page,
        "units": units,
        "state": state,
        "errors": errors,
        "query": export_query(request),
    }
    return render(request, "meetings/home.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def plan_page(request):
    branches = visible_branches(request.user).filter(holds_meetings=True)
    staff = staff_of(request.user)
    initial = {"branch": staff.branch_id if staff else None, "date": current_business_date()}
    data = request.POST if request.method == "POST" else (request.GET or None)
    form = PlanForm(data, branches=branches, initial=initial)
    plan = None
    if form.is_valid():
        branch, date = form.cleaned_data["branch"], form.cleaned_data["date"]
        kind = form.cleaned_data["kind"] or None
        if request.method == "POST":
            try:
                meeting = actions.schedule_meeting(
                    branch,
                    date,
                    kind,
                    acting_user=request.user,
                    location=form.cleaned_data["location"],
                    ad_hoc_reason=form.cleaned_data["ad_hoc_reason"],
                )
            except DomainError as exc:
                add_to_form(form, exc)
            else:
                messages.success(request, gettext("例会已安排，上会客户已按计划列入议程"))
                return redirect("meetings:detail", meeting.pk)
        plan = build_plan(branch, date, kind)
        if request.GET.get("format") == "json":
            body = json.dumps(plan.as_json(), ensure_ascii=False, indent=2)
            response = HttpResponse(body, content_type="application/json; charset=utf-8")
            response["Content-Disposition"] = (
                f'attachment; filename="meeting-plan-{branch.pk}-{date}.json"'
            )
            return response
    context = {
        "form": form,
        "plan": plan,
        "validity": committee_validity(form.cleaned_data["branch"]) if plan else None,
        "can_schedule": plan is not None and can_run(request.user, form.cleaned_data["branch"]),
    }
    return render(request, "meetings/plan.html", context)


def _branch(request, code) -> Branch:
    branch = get_object_or_404(Branch, pk=code)
    if not can_view_branch(request.user, branch):
        raise Http404(gettext("机构不存在或无权查看"))
    return branch


@login_required
def member_certificate(request, code, pk):
    """An individual member's 资格认定文书 as a download, for those who see the unit."""
    member = get_object_or_404(CommitteeMember, pk=pk, committee__branch=_branch(request, code))
    return evidence.download(member.certificate_file, member.certificate_file_name)


def _committee_staff(branch):
    return Staff.objects.filter(branch__path__startswith=branch.path).order_by("staff_id")


def _committee_render(request, branch, *, member_form=None, certify_form=None, target=None):
    committee = Committee.objects.filter(branch=branch).first()
    context = {
        "branch": branch,
        "committee": committee,
        "members": committee.members.select_related("staff", "certified_by").order_by(
            "-active", "role"
        )
        if committee
        else [],
        "validity": committee_validity(branch),
        "member_form": member_form or MemberForm(staff_qs=_committee_staff(branch)),
        "certify_form": certify_form or CertifyForm(),
        "certify_target": target,
        "can_edit": can_run(request.user, branch),
        "can_certify": can_certify(request.user, branch),
    }
    return render(request, "meetings/committee.html", context)


def _committee_member(branch, request):
    return get_object_or_404(
        CommitteeMember, pk=request.POST.get("member"), committee__branch=branch
    )


@login_required
@require_POST
def committee_add(request, code):
    """增加委员 (the committee is set up with its first member)."""
    branch = _branch(request, code)
    form = MemberForm(request.POST, staff_qs=_committee_staff(branch))
    if form.is_valid():
        d = form.cleaned_data

        def add():
            committee = actions.set_up_committee(branch, acting_user=request.user)
            return actions.add_member(
                committee,
                d["staff"],
                d["role"],
                acting_user=request.user,
                joined_on=current_business_date(),
            )

        if attempt(form, add):
            messages.success(request, gettext("委员已增加"))
            return redirect("meetings:committee", code)
    return _committee_render(request, branch, member_form=form)


@login_required
@require_POST
def committee_remove(request, code):
    """委员卸任: a button; a refusal is the page's error message."""
    branch = _branch(request, code)
    member = _committee_member(branch, request)
    return button(
        request,
        lambda: actions.remove_member(
            member, acting_user=request.user, left_on=current_business_date()
        ),
        ok="委员已卸任",
        back=reverse("meetings:committee", args=[code]),
    )


@login_required
@require_POST
def committee_certify(request, code):
    """个人委员资格认定 with its 认定文书."""
    branch = _branch(request, code)
    member = _committee_member(branch, request)
    form = CertifyForm(request.POST, request.FILES)
    if form.is_valid() and attempt(
        form,
        lambda: actions.certify_member(member, acting_user=request.user, **form.cleaned_data),
    ):
        messages.success(request, gettext("个人委员资格已认定，认定文书已留存"))
        return redirect("meetings:committee", code)
    return _committee_render(request, branch, certify_form=form, target=member.pk)


COMMITTEE_ACTIONS = {"add": committee_add, "remove": committee_remove, "certify": committee_certify}


@login_required
@require_http_methods(["GET", "POST"])
def committee_page(request, code):
    """The unit's committee; a POST naming its `op` (the old forms) goes to that action's view."""
    if request.method == "POST" and request.POST.get("op") in COMMITTEE_ACTIONS:
        return COMMITTEE_ACTIONS[request.POST["op"]](request, code)
    return _committee_render(request, _branch(request, code))


@login_required
@require_http_methods(["GET", "POST"])
def settings_page(request, code):
    if code == "global":
        branch, instance = None, MeetingSettings.objects.filter(branch__isnull=True).first()
        instance = instance or MeetingSettings(branch=None)
    else:
        branch = _branch(request, code)
        instance = MeetingSettings.objects.filter(branch=branch).first()
        if instance is None:
            inherited = settings_for(branch)
            instance = MeetingSettings(branch=branch)
            for field in MeetingSettings._meta.concrete_fields:
                if field.name not in ("id", "branch", "updated_by", "updated_at"):
                    setattr(instance, field.attname, getattr(inherited, field.attname))
    form = SettingsForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        try:
            actions.save_settings(form, acting_user=request.user)
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, gettext("例会设置已保存"))
            return redirect("meetings:settings", code)
    return render(request, "meetings/settings.html", {"form": form, "branch": branch})
