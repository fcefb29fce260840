"""Who sees which customers: a unit sees its subtree, an account manager only their own."""

import pytest

from postloan.org.visibility import (
    get_customer_for_user,
    visible,
    visible_branches,
    visible_customers,
)
from postloan.portfolio.models import Loan

pytestmark = pytest.mark.django_db


def ids(qs):
    return sorted(qs.values_list("pk", flat=True))


def test_it_shows_an_account_manager_only_their_own_customers(bank):
    assert ids(visible_customers(bank.users["am_zhang"])) == ["C001", "C002"]
    assert ids(visible_customers(bank.users["am_wang"])) == ["C003"]


def test_it_shows_a_sub_branch_its_subtree_but_not_its_sibling(bank):
    assert ids(visible_customers(bank.users["rm_xihu"])) == ["C001", "C002"]
    assert ids(visible_branches(bank.users["rm_xihu"])) == ["SB01"]


def test_it_shows_the_branch_everything_below_it(bank):
    assert ids(visible_customers(bank.users["rm_branch"])) == ["C001", "C002", "C003"]
    assert ids(visible_branches(bank.users["chair"])) == ["BR01", "SB01", "SB02"]


def test_it_restricts_customer_owned_rows(bank):
    assert ids(visible(bank.users["am_wang"], Loan.objects.all())) == ["L003"]


def test_it_refuses_another_managers_customer(bank):
    from django.http import Http404

    assert get_customer_for_user(bank.users["am_zhang"], "C001").name == "杭州甲制造有限公司"
    with pytest.raises(Http404):
        get_customer_for_user(bank.users["am_zhang"], "C003")


def test_it_shows_nothing_to_a_user_without_staff_record(bank, django_user_model):
    stranger = django_user_model.objects.create_user("stranger", password="x-long-password-1")
    assert ids(visible_customers(stranger)) == []
    assert ids(visible_customers(bank.users["admin"])) == ["C001", "C002", "C003"]
