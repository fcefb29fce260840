"""Pages of 停复牌: the managing unit's view of its lower units, the limits, a suspension."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from postloan.core.business_date import business_today
from postloan.core.errors import DomainError, button
from postloan.org.models import Branch
from postloan.org.visibility import staff_of, visible_branches
from postloan.units import actions
from postloan.units import choices as ch
from postloan.units.access import manages
from postloan.units.limits import INDICATORS, current_values, update_limits
from postloan.units.models import LimitVersion, RectificationTask, Suspension
from postloan.units.oversight import unit_oversight


def _as_of():
    return business_today()


def _upper(request) -> Branch:
    branches = visible_branches(request.user)
    code = request.GET.get("branch")
    if code:
        return get_object_or_404(branches, pk=code)
    staff = staff_of(request.user)
    if staff is not None:
        return staff.branch
    first = branches.order_by("path").first()
    if first is None:
        raise Http404(gettext("没有可查看的机构"))
    return first


@login_required
def index(request):
    upper = _upper(request)
    as_of = _as_of()
    report = unit_oversight(upper, as_of)
    return render(
        request,
        "units/index.html",
        {
            "report": report,
            "branch": upper,
            "branches": visible_branches(request.user).order_by("path"),
            "as_of": as_of,
            "can_manage": {r.unit.pk for r in report.rows if manages(request.user, r.unit)},
            "products": ch.PRODUCT_LINES,
        },
    )


@login_required
def limits_page(request):
    error = None
    if request.method == "POST":
        values = {i.code: request.POST.get(i.code, "") for i in INDICATORS}
        try:
            update_limits(values, request.POST.get("reason", ""), request.user)
        except DomainError as exc:
            error = exc.message
        except PermissionDenied as exc:
            error = str(exc)
        else:
            return redirect("units:limits")
    values = current_values()
    return render(
        request,
        "units/limits.html",
        {
            "rows": [(i, values[i.code]) for i in INDICATORS],
            "versions": LimitVersion.objects.select_related("changed_by")[:20],
            "error": error,
        },
    )


@login_required
@require_POST
def suspend(request, code):
    unit = get_object_or_404(visible_branches(request.user), pk=code)
    tasks = request.POST.get("tasks", "").splitlines()
    back = f"{redirect('units:index').url}?branch={unit.parent_id or unit.pk}"
    return button(
        request,
        lambda: actions.propose_suspension(
            unit,
            product=request.POST.get("product", ch.ALL_PRODUCTS),
            reason=request.POST.get("reason", ""),
            tasks=tasks,
            acting_user=request.user,
        ),
        ok=gettext("已提议停牌，待另一人审批"),
        back=back,
    )


def _suspension(request, pk) -> Suspension:
    return get_object_or_404(
        Suspension.objects.filter(branch__in=visible_branches(request.user)).select_related(
            "branch", "managing", "proposed_by", "approved_by"
        ),
        pk=pk,
    )


@login_required
def suspension(request, pk):
    s = _suspension(request, pk)
    return render(
        request,
        "units/suspension.html",
        {
            "s": s,
            "tasks": s.tasks.select_related("verified_by"),
            "blockers": actions.resumption_blockers(s) if s.in_force else [],
            "can_manage": manages(request.user, s.branch),
            "latest": actions.latest_indicator(s.branch),
        },
    )


SUSPENSION_STEPS = {
    "approve": (lambda s, r: actions.approve_suspension(s, acting_user=r.user), "已审批停牌"),
    "withdraw": (
        lambda s, r: actions.withdraw_suspension(
            s, reason=r.POST.get("reason", ""), acting_user=r.user
        ),
        "已撤回停牌提议",
    ),
    "propose_resume": (
        lambda s, r: actions.propose_resumption(s, note=r.POST.get("note", ""), acting_user=r.user),
        "已提议复牌，待另一人审批",
    ),
    "approve_resume": (
        lambda s, r: actions.approve_resumption(s, acting_user=r.user),
        "已审批复牌",
    ),
}


@login_required
@require_POST
def suspension_step(request, pk, step):
    s = _suspension(request, pk)
    if step not in SUSPENSION_STEPS:
        raise Http404(gettext("没有这个步骤"))
    call, ok = SUSPENSION_STEPS[step]
    return button(
        request,
        lambda: call(s, request),
        ok=gettext(ok),
        back=redirect("units:suspension", pk=s.pk).url,
    )


@login_required
@require_POST
def task_step(request, pk, step):
    task = get_object_or_404(
        RectificationTask.objects.filter(suspension__branch__in=visible_branches(request.user)),
        pk=pk,
    )
    if step == "done":
        call = lambda: actions.report_task_done(  # noqa: E731
            task, note=request.POST.get("note", ""), acting_user=request.user
        )
        ok = gettext("已报告整改完成")
    elif step == "verify":
        call = lambda: actions.verify_task(task, acting_user=request.user)  # noqa: E731
        ok = gettext("已验证整改")
    else:
        raise Http404(gettext("没有这个步骤"))
    return button(
        request, call, ok=ok, back=redirect("units:suspension", pk=task.suspension_id).url
    )
