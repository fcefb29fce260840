from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext

from postloan.core.business_date import current_business_date
from postloan.org.visibility import visible
from postloan.portfolio.models import Loan
from postloan.web.queries.loans import loan_detail


@login_required
def loan_page(request, loan_id: str):
    loan = (
        visible(request.user, Loan.objects.select_related("customer", "facility"))
        .filter(pk=loan_id)
        .first()
    )
    if loan is None:
        raise Http404(gettext("借据不存在或无权查看"))
    view = loan_detail(loan, current_business_date())
    return render(request, "web/loan.html", {"loan": loan, "view": view})
