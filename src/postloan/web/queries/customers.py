"""The customer list: one queryset, used by the page and by its Excel export alike."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import (
    Count,
    F,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce

from postloan.core.cache import CachedCountPaginator, cached_count
from postloan.core.fields import MoneyField
from postloan.portfolio.models import Loan
from postloan.portfolio.visibility import visible_customers
from postloan.risk.current import loans_with_current_class
from postloan.web.queries.classes import CLASS_RANK, class_rank
from postloan.web.queries.dpd import overdue_loan_q

ACTIVE = Q(loans__status="active")

# ?o=<key> (or -<key>) → ORDER BY; customer_id breaks ties so paging is stable.
SORTS = {
    "customer_id": "customer_id",
    "name": "name",
    "type": "type",
    "branch": "branch__name",
    "manager": "manager__name",
    "industry": "industry_code",
    "balance": "loan_balance",
    "worst": "worst_rank",
    "overdue": "overdue_loans",
}


LOAN_FIGURE_SORTS = {"balance", "worst", "overdue"}


@dataclass(frozen=True)
class CustomerFilters:
    q: str = ""
    type: str = ""
    branch: object = None  # a visible Branch: it and its sub-branches
    cls: str = ""  # worst class among active loans
    manager: object = None  # a Staff
    order: str = "customer_id"


def worst_current_rank(as_of: dt.date | None) -> Subquery:
    """SQL: the rank (0 正常 … 4 损失) of the customer's worst active loan by its *current* class
    (`risk.current`: the screening's floors and binding decisions), not the booked one; with no
    business date, by the latest screening. NULL without an active loan."""
    loans = Loan.objects.filter(customer_id=OuterRef("pk"), status="active")
    loans = loans_with_current_class(loans, as_of or dt.date.max)
    worst = loans.order_by().values("customer_id").annotate(m=Max(class_rank("current_cls")))
    return Subquery(worst.values("m")[:1], output_field=IntegerField())


def customer_rows(user, filters: CustomerFilters, as_of: dt.date | None) -> QuerySet:
    """Visible customers, filtered, each with its active-loan balance, worst class and overdue count.

    A fixed number of queries whatever the number of rows: aggregates are annotated, branch and
    manager come with select_related.
    """
    qs = filtered_customers(user, filters).select_related("branch", "manager")
    qs = qs.annotate(
        loan_balance=Coalesce(
            Sum("loans__balance", filter=ACTIVE), Value(0), output_field=MoneyField()
        ),
        active_loans=Count("loans", filter=ACTIVE),
    )
    qs = qs.annotate(worst_rank=worst_current_rank(as_of))
    if as_of is not None:
        qs = qs.annotate(overdue_loans=Count("loans", filter=overdue_loan_q(as_of, "loans__")))
    else:
        qs = qs.annotate(overdue_loans=Value(None, output_field=IntegerField()))
    if filters.cls in CLASS_RANK:
        qs = qs.filter(worst_rank=CLASS_RANK[filters.cls])
    return qs.order_by(*order_by(filters.order))


def customer_page(user, filters: CustomerFilters, as_of: dt.date | None, number, per_page: int):
    """One page of `customer_rows`, in four queries whatever the number of customers.

    When neither the order nor a filter depends on the loan figures, the page's customers are
    picked first from the plain customer table and only those 50 are aggregated; otherwise the
    aggregated rows are paged directly. The total (a COUNT over every visible customer) is cached
    per query and data version.
    """
    rows = customer_rows(user, filters, as_of)
    if filters.cls or filters.order.lstrip("-") in LOAN_FIGURE_SORTS:
        paginator = CachedCountPaginator(rows, per_page)
        if not filters.cls:  # count the customers without aggregating their loans
            paginator.count = cached_count(filtered_customers(user, filters))
        return paginator.get_page(number)
    plain = filtered_customers(user, filters).order_by(*order_by(filters.order))
    page = CachedCountPaginator(plain.values_list("pk", flat=True), per_page).get_page(number)
    page.object_list = list(rows.filter(pk__in=list(page.object_list)))
    return page


def filtered_customers(user, filters: CustomerFilters) -> QuerySet:
    """Visible customers matching the search and the customer-level filters."""
    qs = visible_customers(user)
    if filters.q:
        term = filters.q.strip()
        qs = qs.filter(
            Q(name__icontains=term) | Q(customer_id__icontains=term) | Q(id_number__icontains=term)
        )
    if filters.type:
        qs = qs.filter(type=filters.type)
    if filters.branch is not None:
        qs = qs.filter(branch__path__startswith=filters.branch.path)
    if filters.manager is not None:
        qs = qs.filter(manager=filters.manager)
    return qs


def order_by(order: str) -> list[str]:
    descending = order.startswith("-")
    field = SORTS.get(order.lstrip("-"), "customer_id")
    if field == "customer_id":
        return ["-customer_id" if descending else "customer_id"]
    expr = F(field).desc(nulls_last=True) if descending else F(field).asc(nulls_last=True)
    return [expr, "customer_id"]
