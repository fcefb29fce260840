from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header

from postloan.core.business_date import current_business_date
from postloan.forecast.scoring import latest_score
from postloan.portfolio.visibility import get_customer_for_user
from postloan.web.customer_export import customer_workbook
from postloan.web.forms import CustomerFilterForm
from postloan.web.queries.customer360 import customer_360
from postloan.web.queries.customers import customer_page, customer_rows
from postloan.worklist.covenants import covenant_statuses
from postloan.worklist.credit_files import missing_by_customer

PAGE_SIZE = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
def customer_list(request):
    form = CustomerFilterForm(request.GET, user=request.user)
    as_of = current_business_date()
    filters = form.filters()
    page = customer_page(request.user, filters, as_of, request.GET.get("page"), PAGE_SIZE)
    export_query = request.GET.copy()
    export_query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "as_of": as_of,
        "export_query": export_query.urlencode(),
        "filtered": any((filters.q, filters.type, filters.branch, filters.cls, filters.manager)),
    }
    if request.htmx and request.htmx.target == "customer-table":
        return render(request, "web/_customer_table.html", context)
    return render(request, "web/customer_list.html", context)


@login_required
def customer_export(request):
    form = CustomerFilterForm(request.GET, user=request.user)
    as_of = current_business_date()
    rows = customer_rows(request.user, form.filters(), as_of)
    stamp = f"{as_of:%Y%m%d}" if as_of else "未设业务日期"
    response = HttpResponse(customer_workbook(rows, as_of), content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"客户清单-{stamp}.xlsx"
    )
    return response


@login_required
def customer_detail(request, customer_id: str):
    customer = get_customer_for_user(request.user, customer_id)
    as_of = current_business_date()
    view = customer_360(request.user, customer, as_of)
    return render(
        request,
        "web/customer_360.html",
        {
            "c": customer,
            "view": view,
            "chart_data": view.chart_data(),
            # 审批条件 and 信贷档案 (issue 19): their states as the worklist sees them
            "conditions": covenant_statuses(as_of, [customer.pk]) if as_of else [],
            "files_missing": missing_by_customer([customer.pk]).get(customer.pk, []),
            "pd": latest_score(customer.customer_id),
        },
    )
