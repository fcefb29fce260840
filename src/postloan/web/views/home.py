from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from postloan.core.business_date import current_business_date
from postloan.web.queries.dashboard import dashboard, latest_imports


@login_required
def home(request):
    as_of = current_business_date()
    board = dashboard(request.user, as_of)
    return render(
        request,
        "web/home.html",
        {
            "board": board,
            "chart_data": board.chart_data(),
            "imports": latest_imports(),
        },
    )
