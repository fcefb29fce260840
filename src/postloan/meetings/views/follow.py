from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods, require_POST

from postloan.core import evidence
from postloan.core.business_date import current_business_date
from postloan.core.errors import DomainError, add_to_form
from postloan.meetings import actions
from postloan.meetings.access import can_view_branch, readable_resolutions
from postloan.meetings.forms import ClaimForm
from postloan.meetings.models import Notification, Resolution
from postloan.meetings.oversight import oversight
from postloan.meetings.tasks import open_resolution_tasks
from postloan.org.models import Branch
from postloan.org.visibility import staff_of


@login_required
def my_notices(request):
    staff = staff_of(request.user)
    rows = (
        Notification.objects.filter(recipient=staff).select_related("meeting", "meeting__branch")
        if staff
        else Notification.objects.none()
    )
    return render(request, "meetings/notices.html", {"notices": rows[:200]})


@login_required
@require_POST
def notice_read(request, pk):
    staff = staff_of(request.user)
    note = get_object_or_404(Notification, pk=pk, recipient=staff)
    actions.mark_read(note, acting_user=request.user)
    return redirect("meetings:notices")


@login_required
def my_tasks(request):
    return render(request, "meetings/tasks.html", {"tasks": open_resolution_tasks(request.user)})


def _readable_resolution(request, pk) -> Resolution:
    res = get_object_or_404(
        Resolution.objects.select_related("customer", "meeting", "responsible"), pk=pk
    )
    if not readable_resolutions(request.user).filter(pk=res.pk).exists():
        raise PermissionDenied(
            gettext(
                "无权查看该决议：仅决议责任人、委员、参会人员、上级行督导和该客户的客户经理可以查看"
            )
        )
    return res


@login_required
def resolution_evidence(request, pk):
    """The execution evidence as a download, for those who may read the resolution."""
    res = _readable_resolution(request, pk)
    return evidence.download(res.claim_file, res.claim_file_name)


@login_required
@require_http_methods(["GET", "POST"])
def resolution_page(request, pk):
    res = _readable_resolution(request, pk)
    staff = staff_of(request.user)
    form = ClaimForm()
    if request.method == "POST":
        form = ClaimForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                actions.claim_execution(res, acting_user=request.user, **form.cleaned_data)
            except DomainError as exc:
                add_to_form(form, exc)
            else:
                messages.success(request, gettext("执行情况已报告"))
                return redirect("meetings:resolution", res.pk)
    return render(
        request,
        "meetings/resolution.html",
        {
            "res": res,
            "form": form,
            "is_owner": res.responsible_id == getattr(staff, "staff_id", None),
        },
    )


@login_required
def oversight_page(request):
    branch = oversight_unit(request)
    as_of = current_business_date()
    rows = oversight(branch, as_of) if as_of else []
    context = {"branch": branch, "rows": rows, "as_of": as_of, "query": f"branch={branch.pk}"}
    return render(request, "meetings/oversight.html", context)


def oversight_unit(request) -> Branch:
    """The unit whose subordinates the oversight page shows (its own by default)."""
    staff = staff_of(request.user)
    code = request.GET.get("branch") or (staff.branch_id if staff else "")
    branch = Branch.objects.filter(pk=code).first()
    if branch is None or not can_view_branch(request.user, branch):
        raise Http404(gettext("机构不存在或无权查看"))
    return branch
