"""The API's customers and loans (`/api/customers`, `/api/loans`): the same visibility
helpers as the pages."""

from __future__ import annotations

from django.db.models import Q
from ninja import Query, Router

from postloan.api import schemas as s
from postloan.api.paging import ERRORS, Limit, Offset, page, page_of, reject_nul
from postloan.portfolio.visibility import get_customer_for_user, visible_customers
from postloan.risk.access import get_loan_for_user, visible_loans

router = Router()


CustomerPage = page_of(s.CustomerOut, "CustomerPage")
LoanPage = page_of(s.LoanOut, "LoanPage")


@router.get("/customers", response={200: CustomerPage, 401: s.Message}, tags=["客户"])
def list_customers(
    request,
    q: str = Query("", max_length=100, description="客户名称或编号（包含）"),
    limit: int = Limit,
    offset: int = Offset,
):
    """客户列表（仅本人可见范围）。"""

    reject_nul(q=q)
    qs = visible_customers(request.auth).select_related("branch", "manager").order_by("pk")
    if q:
        qs = qs.filter(Q(name__contains=q) | Q(customer_id__contains=q))
    return page(qs, limit, offset)


@router.get("/customers/{customer_id}", response={200: s.CustomerOut, **ERRORS}, tags=["客户"])
def get_customer(request, customer_id: str):
    reject_nul(customer_id=customer_id)
    customer = get_customer_for_user(request.auth, customer_id)
    return customer


@router.get("/loans", response={200: LoanPage, 401: s.Message}, tags=["借据"])
def list_loans(
    request,
    customer_id: str = Query("", max_length=40),
    limit: int = Limit,
    offset: int = Offset,
):
    """借据列表（仅本人可见范围的客户）。"""

    reject_nul(customer_id=customer_id)
    qs = visible_loans(request.auth).order_by("pk")
    if customer_id:
        qs = qs.filter(customer_id=customer_id)
    return page(qs, limit, offset)


@router.get("/loans/{loan_id}", response={200: s.LoanOut, **ERRORS}, tags=["借据"])
def get_loan(request, loan_id: str):

    reject_nul(loan_id=loan_id)
    return get_loan_for_user(request.auth, loan_id)
