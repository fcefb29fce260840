"""The risk pages through HTTP: visibility, forms with Chinese errors, fixed query counts."""

import datetime as dt

import pytest

from postloan.portfolio.models import Loan
from postloan.risk.actions import persist_result
from postloan.risk.models import LoanAssessment, Signal
from tests.risk.results import AS_OF, make_result, signal_row


@pytest.fixture
def screened(bank):
    persist_result(
        make_result(
            l003_dpd=95,
            l003_suggested="substandard",
            signals=[
                signal_row("EW-DPD", "C003", "L003", level="red", dpd=95),
                signal_row("EW-NEWS", "C001", None, level="yellow", family="public_opinion"),
            ],
        ),
        AS_OF,
    )
    return bank


def test_it_hides_another_managers_customers(screened, login):
    client = login(screened.users["am_zhang"])
    c003_signal = Signal.objects.get(customer_id="C003")
    assert client.get(f"/risk/signals/{c003_signal.pk}/").status_code == 404
    assert client.get("/risk/classification/loan/L003/").status_code == 404
    assert client.get("/risk/customers/C003/panel/").status_code == 404
    page = client.get("/risk/signals/").content.decode()
    assert '<small class="rule-id">EW-NEWS</small>' in page
    assert '<small class="rule-id">EW-DPD</small>' not in page


def test_it_shows_the_suggestions_with_their_rules(screened, login):
    client = login(screened.users["rm_branch"])
    page = client.get("/risk/classification/").content.decode()
    assert "L003" in page and "CLS-SM-DPD" in page and "tag-substandard" in page
    assert "L001" not in page  # unchanged suggestions are filtered out by default


def test_it_keeps_input_and_shows_the_error_next_to_the_field(screened, login):
    client = login(screened.users["rm_branch"])
    response = client.post(
        "/risk/classification/loan/L003/",
        {"step": "confirm", "c-confirmed_class": "doubtful", "c-reason": ""},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "认定结果与系统建议不同，必须填写理由" in page and "errorlist" in page
    assert 'value="doubtful" selected' in page
    assert Loan.objects.get(pk="L003").classification == "special_mention"


def test_it_confirms_through_the_page(screened, login):
    client = login(screened.users["rm_branch"])
    response = client.post(
        "/risk/classification/loan/L003/",
        {"step": "confirm", "c-confirmed_class": "substandard", "c-reason": ""},
    )
    assert response.status_code == 302
    assert Loan.objects.get(pk="L003").classification == "substandard"


def test_it_refuses_a_confirmation_posted_by_an_account_manager(screened, login):
    client = login(screened.users["am_wang"])
    response = client.post(
        "/risk/classification/loan/L003/",
        {"step": "confirm", "c-confirmed_class": "substandard"},
    )
    assert response.status_code == 403
    assert LoanAssessment.objects.get(loan_id="L003").status == "pending"


def test_it_shows_only_the_steps_the_user_may_take(screened, login):
    s = Signal.objects.get(customer_id="C003")
    page = login(screened.users["am_wang"]).get(f"/risk/signals/{s.pk}/").content.decode()
    assert 'id="handle-form"' in page and 'id="confirm-form"' not in page


def test_it_raises_a_manual_signal_from_the_form(screened, login):
    client = login(screened.users["am_zhang"])
    response = client.post(
        "/risk/signals/new/",
        {"customer_id": "C003", "rule_id": "EW-MANUAL", "level": "red", "evidence": "x"},
    )
    assert response.status_code == 400
    assert "客户不存在或无权查看" in response.content.decode()
    response = client.post(
        "/risk/signals/new/",
        {"customer_id": "C002", "rule_id": "EW-MANUAL", "level": "orange", "evidence": "失业"},
    )
    assert response.status_code == 302
    assert Signal.objects.get(customer_id="C002").manual


def test_it_edits_thresholds_only_for_the_risk_department(screened, login):
    client = login(screened.users["am_zhang"])
    assert client.post("/risk/thresholds/", {"reason": "x"}).status_code == 403
    client = login(screened.users["rm_branch"])
    page = client.get("/risk/thresholds/").content.decode()
    assert "debt_ratio_max" in page
    form = {
        line.split('name="')[1].split('"')[0]: line.split('value="')[1].split('"')[0]
        for line in page.split("<input")
        if 'name="' in line and 'value="' in line and "csrf" not in line
    }
    form["debt_ratio_max"] = "0.75"
    response = client.post("/risk/thresholds/", {**form, "reason": "制造业负债率普遍偏高"})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert "制造业负债率普遍偏高" in client.get("/risk/thresholds/").content.decode()


@pytest.mark.parametrize(
    "url",
    [
        "/risk/classification/",
        "/risk/signals/",
        "/risk/ranking/",
        "/risk/classification/migration/",
        "/risk/classification/npl/",
        "/risk/dashboard/counts/",
        "/risk/customers/C001/panel/",
        "/risk/classification/loan/L001/",
    ],
)
def test_it_renders_each_page_in_a_fixed_number_of_queries(
    screened, login, url, django_assert_max_num_queries
):
    client = login(screened.users["rm_branch"])
    with django_assert_max_num_queries(20):
        response = client.get(url)
    assert response.status_code == 200


def test_it_does_not_grow_queries_with_rows(screened, login, django_assert_max_num_queries):
    client = login(screened.users["rm_branch"])
    for i in range(30):
        Signal.objects.create(
            rule_id=f"EW-TEST-{i}",
            family="financial",
            level="yellow",
            customer_id="C001",
            raised_on=AS_OF,
            last_seen_on=AS_OF,
            owner_id="AM01",
        )
    with django_assert_max_num_queries(14):
        assert client.get("/risk/signals/").status_code == 200
    with django_assert_max_num_queries(14):
        assert client.get("/risk/classification/?change=all").status_code == 200


def test_it_shows_the_ranking_trend_against_the_previous_date(screened, login):
    later = AS_OF + dt.timedelta(days=30)
    persist_result(make_result(as_of=later), later)
    page = login(screened.users["rm_branch"]).get("/risk/ranking/").content.decode()
    assert "对比 2026-10-31" in page and "逾期41天" in page
