"""Who sees which customers: a unit sees its subtree, an account manager only their own."""

import pytest

from postloan.org.visibility import visible, visible_branches
from postloan.portfolio.models import Loan
from postloan.portfolio.visibility import get_customer_for_user, visible_customers

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


def test_it_lets_an_auditor_read_but_not_change_in_the_admin(bank, client, django_user_model):
    from postloan.org.roles import grant_role

    auditor = django_user_model.objects.create_user("auditor", password="x-long-password-1")
    grant_role(auditor, "auditor")
    client.force_login(auditor)
    assert client.get("/admin/portfolio/loan/").status_code == 200
    assert client.get("/admin/portfolio/loan/L001/change/").status_code == 200
    response = client.post("/admin/portfolio/loan/L001/change/", {"balance": "1"})
    assert response.status_code == 403
    assert client.get("/admin/core/auditevent/").status_code == 200


def test_it_audits_a_change_made_in_the_admin(bank, client):
    from postloan.core.models import AuditEvent

    client.force_login(bank.users["admin"])
    url = "/admin/portfolio/customer/C001/change/"
    page = client.get(url)
    form = page.context["adminform"].form
    data = {k: ("" if v is None else v) for k, v in form.initial.items()}
    data.update({"name": "杭州甲制造股份有限公司", "branch": "SB01", "manager": "AM01"})
    data = {k: v for k, v in data.items() if v is not None}
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    event = AuditEvent.objects.get(action="admin.update", object_id="C001")
    assert event.before["name"] == "杭州甲制造有限公司"
    assert event.after["name"] == "杭州甲制造股份有限公司"
    assert event.actor == bank.users["admin"]
