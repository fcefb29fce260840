"""潜在风险客户退出名单: the list in the user's scope with its progress, the risk department's
decision to put a customer on it, and 预见性有效退出 per unit and year."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from postloan.core.errors import DomainError
from postloan.meetings import actions, exits
from postloan.meetings.models import ExitEntry
from postloan.org.visibility import visible, visible_branches
from postloan.portfolio.models import Customer
from postloan.risk.access import is_risk_department


def _entries(request):
    entries = visible(request.user, ExitEntry.objects.all())
    code = request.GET.get("branch")
    branch = None
    if code:
        branch = get_object_or_404(visible_branches(request.user), pk=code)
        entries = entries.filter(customer__branch__path__startswith=branch.path)
    return entries, branch


@login_required
def exit_list(request):
    entries, branch = _entries(request)
    return render(
        request,
        "meetings/exits.html",
        {
            "entries": entries.select_related("customer__branch", "resolution__meeting")[:500],
            "summary": exits.summary(entries),
            "by_year": exits.effective_exits_by_year(entries),
            "branch": branch,
            "branches": visible_branches(request.user).order_by("path"),
            "can_decide": is_risk_department(request.user),
        },
    )


@login_required
@require_POST
def exit_add(request):
    customer = (
        visible(request.user, Customer.objects.all(), "")
        .filter(pk=request.POST.get("customer_id", "").strip())
        .first()
    )
    try:
        if customer is None:
            raise DomainError(gettext("没有这个客户或无权处理该客户"), "customer_id")
        actions.put_on_exit_list(
            customer,
            target_date=request.POST.get("target_date"),
            target_amount=request.POST.get("target_amount"),
            reason=request.POST.get("reason", ""),
            acting_user=request.user,
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, gettext("已列入潜在风险客户退出名单"))
    return redirect("meetings:exits")
