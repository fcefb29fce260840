import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.django_db


def ids_on_page(response) -> list[str]:
    table = response.content.decode().split('id="customer-table"', 1)[1]
    return re.findall(r'href="/customers/(C\d+)/"', table)[::2]  # each id is linked twice


def test_it_requires_login(client, bank):
    response = client.get("/customers/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_it_shows_an_account_manager_only_their_own_customers(bank, login):
    response = login(bank.users["am_wang"]).get("/customers/")
    assert ids_on_page(response) == ["C003"]
    assert "杭州甲制造有限公司" not in response.content.decode()


def test_it_shows_a_sub_branch_risk_manager_only_their_sub_branch(bank, login):
    response = login(bank.users["rm_xihu"]).get("/customers/")
    assert ids_on_page(response) == ["C001", "C002"]


def test_it_shows_the_branch_risk_manager_the_whole_branch(bank, login):
    response = login(bank.users["rm_branch"]).get("/customers/")
    assert ids_on_page(response) == ["C001", "C002", "C003"]
    assert "共 3 户客户" in response.content.decode()


def test_it_shows_balance_worst_class_and_overdue_count(screened_bank, login):
    bank = screened_bank
    html = login(bank.users["rm_branch"]).get("/customers/").content.decode()
    row = html.split('href="/customers/C003/"', 1)[1].split("</tr>", 1)[0]
    assert "3,000,000.00" in row
    assert "tag-special_mention" in row and "关注" in row
    assert '<span class="text-bad">1</span>' in row  # L003 is past due


def test_the_worst_class_is_the_current_class_not_the_booked_one(screened_bank, login):
    """A booked 正常 on a loan the screening floors to 关注 (past due) shows as 关注 (issue 14:
    the list reads `risk.current`, like every page)."""
    from postloan.portfolio.models import Loan

    Loan.objects.filter(loan_id="L003").update(classification="normal")
    client = login(screened_bank.users["rm_branch"])
    row = client.get("/customers/").content.decode().split('href="/customers/C003/"', 1)[1]
    assert "tag-special_mention" in row.split("</tr>", 1)[0]
    assert ids_on_page(client.get("/customers/", {"cls": "special_mention"})) == ["C003"]
    assert "C003" not in ids_on_page(client.get("/customers/", {"cls": "normal"}))


def test_it_searches_by_name_id_and_id_number(bank, login):
    client = login(bank.users["rm_branch"])
    assert ids_on_page(client.get("/customers/", {"q": "乙贸易"})) == ["C003"]
    assert ids_on_page(client.get("/customers/", {"q": "C002"})) == ["C002"]
    bank.customers["C002"].id_number = "330106199001011234"
    bank.customers["C002"].save(update_fields=["id_number"])
    assert ids_on_page(client.get("/customers/", {"q": "199001011234"})) == ["C002"]


def test_it_filters_by_type_branch_class_and_manager(bank, login):
    client = login(bank.users["rm_branch"])
    assert ids_on_page(client.get("/customers/", {"type": "retail"})) == ["C002"]
    assert ids_on_page(client.get("/customers/", {"branch": "SB02"})) == ["C003"]
    assert ids_on_page(client.get("/customers/", {"branch": "BR01"})) == ["C001", "C002", "C003"]
    assert ids_on_page(client.get("/customers/", {"cls": "special_mention"})) == ["C003"]
    assert ids_on_page(client.get("/customers/", {"cls": "normal"})) == ["C001", "C002"]
    assert ids_on_page(client.get("/customers/", {"manager": "AM01"})) == ["C001", "C002"]


def test_it_does_not_offer_or_accept_branches_out_of_sight(bank, login):
    client = login(bank.users["rm_xihu"])
    html = client.get("/customers/").content.decode()
    assert 'value="SB02"' not in html
    # A forged filter on an invisible branch is ignored, and never widens what is shown.
    assert ids_on_page(client.get("/customers/", {"branch": "SB02"})) == ["C001", "C002"]


def test_it_sorts_by_balance_both_ways(bank, login):
    client = login(bank.users["rm_branch"])
    assert ids_on_page(client.get("/customers/", {"o": "-balance"})) == ["C001", "C003", "C002"]
    assert ids_on_page(client.get("/customers/", {"o": "balance"})) == ["C002", "C003", "C001"]


def test_it_pages_by_fifty_with_counts(bank, login, many_customers):
    many_customers(60)
    client = login(bank.users["am_zhang"])
    first = client.get("/customers/")
    assert len(ids_on_page(first)) == 50
    assert "共 62 户客户" in first.content.decode()
    assert "第 1 / 2 页" in first.content.decode()
    second = client.get("/customers/", {"page": 2})
    assert len(ids_on_page(second)) == 12
    assert set(ids_on_page(first)).isdisjoint(ids_on_page(second))


def test_it_returns_only_the_table_to_htmx(bank, login):
    client = login(bank.users["rm_branch"])
    response = client.get(
        "/customers/", {"q": "甲"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="customer-table"
    )
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="customer-table"')
    assert "<html" not in html
    assert ids_on_page(response) == ["C001"]
    assert "export.xlsx?q=%E7%94%B2" in html  # the export link follows the filters


def test_it_shows_why_the_list_is_empty(bank, login):
    html = login(bank.users["am_wang"]).get("/customers/", {"q": "不存在的客户"}).content.decode()
    assert "没有符合筛选条件的客户" in html


def _queries_for(client) -> list[int]:
    """Queries of the list ordered by a customer column, and by a loan figure (two ways of paging)."""
    counts = []
    for params in ({"o": "name"}, {"o": "-balance"}, {"cls": "normal"}):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/customers/", params).status_code == 200
        counts.append(len(ctx.captured_queries))
    return counts


def test_it_uses_a_fixed_number_of_queries(
    bank, login, many_customers, django_assert_max_num_queries
):
    client = login(bank.users["am_zhang"])
    many_customers(1)  # 张伟 has C001, C002 and one more: 3 customers
    with django_assert_max_num_queries(3 * 14):  # 14: the current class needs the screening date
        few = _queries_for(client)
    many_customers(27, start=200)  # 30 customers
    with django_assert_max_num_queries(3 * 14):  # 14: the current class needs the screening date
        many = _queries_for(client)
    assert few == many
    assert max(many) <= 14
