"""报表 pages: thin views — resolve the scope through the visibility helpers, compute, render."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from postloan.documents import formatting as fmt
from postloan.org.visibility import get_customer_for_user, visible_branches
from postloan.reports.attachments import customer_attachments
from postloan.reports.kpis import KPIS, kpi_board
from postloan.reports.quality import quality_report
from postloan.reports.scope import parse_date, scope_for


def _filters(request, scope):
    return {
        "branches": visible_branches(request.user).order_by("path"),
        "branch": scope.branch,
        "as_of": scope.as_of,
    }


@login_required
def index(request):
    scope = scope_for(request.user, request.GET.get("branch"), request.GET.get("as_of"))
    return render(request, "reports/index.html", {"scope": scope, **_filters(request, scope)})


@login_required
def quality(request):
    scope = scope_for(request.user, request.GET.get("branch"), request.GET.get("as_of"))
    since = parse_date(request.GET.get("since"))
    report = quality_report(scope, since)
    return render(
        request,
        "reports/quality.html",
        {
            "report": report,
            "sections": fmt.quality_sections(report),
            "chart_data": report.chart_data(),
            "since_param": request.GET.get("since", ""),
            "query": request.GET.urlencode(),
            **_filters(request, scope),
        },
    )


@login_required
def kpis(request):
    scope = scope_for(request.user, request.GET.get("branch"), request.GET.get("as_of"))
    board = kpi_board(scope, parse_date(request.GET.get("start")))
    return render(
        request,
        "reports/kpis.html",
        {
            "board": board,
            "kpis": KPIS,
            "chart_data": board.chart_data(),
            **_filters(request, scope),
        },
    )


@login_required
def attachments(request):
    scope = scope_for(request.user, request.GET.get("branch"), request.GET.get("as_of"))
    customer_id = (request.GET.get("customer") or "").strip()
    customer = get_customer_for_user(request.user, customer_id) if customer_id else None
    tables = customer_attachments(customer, scope.as_of) if customer else []
    return render(
        request,
        "reports/attachments.html",
        {
            "customer": customer,
            "customer_id": customer_id,
            "tables": [fmt.table_strings(t) for t in tables],
            "recent": scope.customers().order_by("customer_id")[:50],
            **_filters(request, scope),
        },
    )
