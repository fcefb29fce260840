"""The customers a user may see (`org.visibility.customer_scope` applied to the bank's
customers): every page, export and API endpoint fetches a customer through here."""

from django.db.models import QuerySet
from django.http import Http404

from postloan.org.visibility import customer_scope
from postloan.portfolio.models import Customer


def visible_customers(user) -> QuerySet:
    return Customer.objects.filter(customer_scope(user))


def get_customer_for_user(user, customer_id: str):
    customer = visible_customers(user).filter(pk=customer_id).first()
    if customer is None:
        raise Http404("客户不存在或无权查看")
    return customer
