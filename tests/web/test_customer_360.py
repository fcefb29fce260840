import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.web.richer import enrich_c001, more_loans

pytestmark = pytest.mark.django_db


def chart_data(response) -> dict:
    html = response.content.decode()
    start = html.index('<script id="chart-data" type="application/json">') + len(
        '<script id="chart-data" type="application/json">'
    )
    return json.loads(html[start : html.index("</script>", start)])


def loan_row(html: str, loan_id: str) -> str:
    return html.split(f'href="/loans/{loan_id}/"', 1)[1].split("</tr>", 1)[0]


def test_it_returns_404_for_another_managers_customer(bank, login):
    client = login(bank.users["am_zhang"])
    assert client.get("/customers/C003/").status_code == 404
    assert client.get("/customers/NOPE/").status_code == 404


def test_it_returns_404_for_another_managers_loan(bank, login):
    client = login(bank.users["am_zhang"])
    assert client.get("/loans/L003/").status_code == 404
    assert client.get("/loans/L001/").status_code == 200


def test_it_shows_the_loans_with_days_past_due(screened_bank, login):
    bank = screened_bank
    html = login(bank.users["am_wang"]).get("/customers/C003/").content.decode()
    row = loan_row(html, "L003")
    assert '<span class="text-bad">41</span>' in row
    assert "3,000,000.00" in row
    assert "tag-special_mention" in row
    assert "2 期逾期未还" in html  # the schedule of L003 opens on its missed instalments


def test_it_shows_zero_days_past_due_for_a_loan_paid_on_time(screened_bank, login):
    bank = screened_bank
    html = login(bank.users["am_zhang"]).get("/customers/C001/").content.decode()
    assert 'class="num dpd">0<' in loan_row(html, "L001")
    assert "4,000,000.00" in loan_row(html, "L001")
    assert "tag-normal" in loan_row(html, "L001")


def test_it_gives_the_chart_fifteen_months_of_flows(bank, login):
    enrich_c001()
    data = chart_data(login(bank.users["am_zhang"]).get("/customers/C001/"))
    flows = data["flows"]
    assert flows["months"][0] == "2025-08" and flows["months"][-1] == "2026-10"
    assert len(flows["months"]) == 15
    # 2026-03: inflow 800,000 + 3,000 = 80.30 万元; outflow 600,000 = 60.00 万元.
    march = flows["months"].index("2026-03")
    assert flows["inflow"][march] == "80.30"
    assert flows["outflow"][march] == "60.00"
    assert flows["inflow"][0] == "0.00"  # no transactions in 2025-08


def test_it_shows_collateral_value_history_invoices_and_statements(bank, login):
    enrich_c001()
    response = login(bank.users["am_zhang"]).get("/customers/C001/")
    html = response.content.decode()
    data = chart_data(response)
    [collateral] = data["collaterals"]
    assert collateral["appraised"] == ["2025-10-20", "900.00"]
    assert [v[1] for v in collateral["market"]] == ["880.00", "850.00", "810.00"]
    assert data["invoices"]["amount"][-1] == "430.00"  # 2026-10: 4,200,000 + 100,000
    assert "65.0%" in html  # debt ratio 26,000,000 / 40,000,000
    assert "1.50" in html  # current ratio 18,000,000 / 12,000,000
    assert "买卖合同纠纷被起诉" in html
    assert "赵刚" in html


def test_it_says_why_sections_are_empty(bank, login):
    html = login(bank.users["am_zhang"]).get("/customers/C002/").content.decode()
    assert "无财务报表：零售客户不报送财务报表" in html
    assert "尚未导入该客户的征信报告" in html
    assert "没有登记该客户的风险事件" in html
    assert "未导入该客户在本行的账户" in html


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_it_uses_a_fixed_number_of_queries_whatever_the_data_size(bank, login):
    client = login(bank.users["am_zhang"])
    enrich_c001(size=1)
    small = _queries(client, "/customers/C001/")
    enrich_c001(size=6, start=1)
    more_loans("C001", 12)
    large = _queries(client, "/customers/C001/")
    assert small == large
    assert large <= 30  # 审批条件, 信贷档案, the group and the model score: a query or two each


def test_it_shows_the_loan_page_with_schedule(screened_bank, login):
    bank = screened_bank
    html = login(bank.users["am_wang"]).get("/loans/L003/").content.decode()
    assert "2026-09-20" in html and "2026-10-20" in html
    assert "逾期未还 21,750.00 元" in html
    assert "41" in html
