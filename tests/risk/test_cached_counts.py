"""The risk pages' totals (signal counts, list totals, screening dates) come from a cache keyed
by the data version: equal to a fresh computation, and fresh again after an action or a new
screening. These tests commit (transactional database): nothing is cached inside a transaction.
"""

import datetime as dt

import pytest
from django.core.cache import cache

from postloan.risk import queries
from postloan.risk.access import visible_assessments, visible_signals
from postloan.risk.actions import confirm_classification, run_screening, start_handling
from postloan.risk.models import LoanAssessment, Signal
from tests.factories import AS_OF, make_bank

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("empty_cache")]


@pytest.fixture
def screened():
    bank = make_bank()
    run_screening(AS_OF)
    return bank


def open_signals(user):
    return visible_signals(user).exclude(status="released")


def test_it_counts_signals_as_a_fresh_query_does_and_again_after_handling(screened, login):
    rm = screened.users["rm_branch"]
    signal = Signal.objects.filter(customer_id="C003").first()
    assert signal is not None and signal.status == "issued"
    before = queries.signal_counts(open_signals(rm))
    assert before == queries._signal_counts(open_signals(rm))
    statuses = dict((v, n) for v, _, n in before["statuses"])

    start_handling(signal, screened.staff["AM02"], "上门催收", AS_OF + dt.timedelta(days=10), rm)

    after = queries.signal_counts(open_signals(rm))
    assert after == queries._signal_counts(open_signals(rm))
    moved = dict((v, n) for v, _, n in after["statuses"])
    assert moved["issued"] == statuses["issued"] - 1
    assert moved["handling"] == statuses["handling"] + 1
    page = login(rm).get("/risk/signals/").content.decode()
    assert f"共 {after['total']} 条" in page and f"处置 {moved['handling']}" in page


def test_it_totals_the_signal_list_without_a_second_count(screened, login):
    client = login(screened.users["rm_branch"])
    client.get("/risk/signals/")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    cache.clear()
    with CaptureQueriesContext(connection) as ctx:
        client.get("/risk/signals/")
    counts = [q["sql"] for q in ctx.captured_queries if 'COUNT(*) AS "__count"' in q["sql"]]
    assert counts == []


def test_it_drops_a_confirmed_suggestion_from_the_open_list_total(screened, login):
    rm = screened.users["rm_branch"]
    client = login(rm)
    url = "/risk/classification/?change=all&status=open"
    total = LoanAssessment.objects.filter(as_of=AS_OF).exclude(status="confirmed").count()
    assert f"共 {total} 条" in client.get(url).content.decode()
    assessment = LoanAssessment.objects.get(loan_id="L003", as_of=AS_OF)
    confirm_classification(assessment, assessment.suggested_class, "", rm)
    assert f"共 {total - 1} 条" in client.get(url).content.decode()


def test_it_lists_a_new_screening_date_at_once(screened, login):
    rm = screened.users["rm_branch"]
    assert queries.screening_dates(visible_assessments(rm)) == [AS_OF]
    later = AS_OF + dt.timedelta(days=30)
    run_screening(later)
    dates = queries.screening_dates(visible_assessments(rm))
    assert dates == [later, AS_OF]
    assert queries.screening_dates(visible_assessments(screened.users["am_wang"])) == dates
    page = login(rm).get("/risk/classification/").content.decode()
    assert f"（业务日期 {later:%Y-%m-%d}）" in page


def test_it_keeps_the_dashboard_widget_equal_to_a_fresh_count(screened, login):
    rm = screened.users["rm_branch"]
    html = login(rm).get("/risk/dashboard/counts/").content.decode()
    assert html == login(rm).get("/risk/dashboard/counts/").content.decode()
    signals = open_signals(rm)
    assert queries.family_level_table(signals) == queries._family_level(signals)
    assert queries.unit_level_table(signals) == queries._unit_level(signals)
