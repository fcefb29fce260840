"""The 工作台 figures and the customer count come from a cache keyed by the data version:
the same numbers as computed afresh, recomputed after a screening, an action or an import.

These tests commit (transactional database): nothing is cached inside a transaction.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import transaction

from postloan.core import cache as figures
from postloan.core.audit import record
from postloan.core.models import AuditEvent
from postloan.day.pipeline import STEPS, Today
from postloan.portfolio.models import Customer, Loan
from postloan.risk.actions import confirm_classification, run_screening
from postloan.risk.models import LoanAssessment
from postloan.web.queries.dashboard import compute_dashboard, dashboard
from tests.factories import AS_OF, make_bank

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("empty_cache")]


@pytest.fixture
def bank():
    return make_bank()


def stat(html: str, label: str) -> str:
    after = html.split(f'<span class="stat-label">{label}</span>', 1)[1]
    return after.split('<span class="stat-value">', 1)[1].split("</span>", 1)[0]


def test_it_serves_the_dashboard_from_the_cache_with_one_version_query(
    bank, django_assert_num_queries
):
    user = bank.users["rm_branch"]
    first = dashboard(user, AS_OF)
    assert first == compute_dashboard(user, AS_OF)
    with django_assert_num_queries(1):  # the data version; the figures come from the cache
        assert dashboard(user, AS_OF) == first


def test_it_serves_the_cached_figures_until_the_data_version_changes(bank):
    rm = bank.users["rm_branch"]
    assert dashboard(rm, AS_OF).loans == 3
    # A bulk UPDATE bypasses the actions, the audit trail and the ORM signals: not seen ...
    Loan.objects.filter(pk="L002").update(status="settled")
    assert dashboard(rm, AS_OF).loans == 3
    # ... until anything changes the data version (here the audit row every action writes).
    record(actor=None, action="test.touch", object_type="portfolio.loan", object_id="L002")
    assert dashboard(rm, AS_OF).loans == 2 == compute_dashboard(rm, AS_OF).loans


def test_it_keeps_each_scope_to_its_own_figures(bank):
    branch_wide = dashboard(bank.users["rm_branch"], AS_OF)
    own_book = dashboard(bank.users["am_zhang"], AS_OF)
    assert (branch_wide.customers, branch_wide.loans) == (3, 3)
    assert (own_book.customers, own_book.loans) == (2, 2)
    assert dashboard(bank.users["am_wang"], AS_OF).customers == 1


def test_it_counts_the_overdue_loans_again_after_a_screening(bank, login):
    client = login(bank.users["rm_branch"])
    assert stat(client.get("/").content.decode(), "逾期借据") == "0"  # not screened yet
    run_screening(AS_OF)
    assert stat(client.get("/").content.decode(), "逾期借据") == "1"  # L003, 41 days
    board = dashboard(bank.users["rm_branch"], AS_OF)
    assert board == compute_dashboard(bank.users["rm_branch"], AS_OF)
    assert board.overdue_balance == Decimal("3000000.00")


def test_it_shows_a_confirmed_class_on_the_next_page(bank, login):
    run_screening(AS_OF)
    rm = bank.users["rm_branch"]
    client = login(rm)
    client.get("/")
    before = {r["code"]: r["count"] for r in dashboard(rm, AS_OF).by_class}
    assert (before["special_mention"], before["substandard"]) == (1, 0)
    assessment = LoanAssessment.objects.get(loan_id="L003", as_of=AS_OF)
    confirm_classification(assessment, "substandard", "连续两期欠息，现金流紧张", rm)
    after = {r["code"]: r["count"] for r in dashboard(rm, AS_OF).by_class}
    assert (after["special_mention"], after["substandard"]) == (0, 1)
    assert dashboard(rm, AS_OF) == compute_dashboard(rm, AS_OF)
    assert 'data-chart="classes"' in client.get("/").content.decode()


def test_it_changes_the_data_version_on_writes_imports_and_the_business_date(bank):
    start = figures.data_version()
    Customer.objects.create(customer_id="C900", name="新客户", type="retail", branch_id="SB01")
    after_write = figures.data_version()
    assert after_write != start
    STEPS[-1].run(Today(AS_OF))  # the business day's 页面数据缓存 step, after every import
    after_import = figures.data_version()
    assert after_import != after_write
    from postloan.core.business_date import set_business_date

    set_business_date(AS_OF + dt.timedelta(days=1))
    assert figures.data_version()[0] != after_import[0]


def test_it_sees_an_audit_row_committed_below_the_latest_id(bank):
    first = record(actor=None, action="test.touch", object_type="t", object_id="0")
    # a later transaction's row, committed first (the audit trail refuses deletes, so the gap is
    # left open rather than made by deleting a row)
    AuditEvent.objects.bulk_create(
        [AuditEvent(id=first.pk + 2, action="test.touch", object_type="t")]
    )
    before = figures.data_version()
    # As on PostgreSQL when a transaction that took a lower id commits after a later one (no
    # ORM signal here: bulk_create sends none, so only the database part can see it).
    AuditEvent.objects.bulk_create([AuditEvent(id=first.pk + 1, action="late", object_type="t")])
    assert figures.data_version() != before


def test_it_never_caches_inside_a_transaction(bank):
    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    assert figures.remember(("test",), compute) == 1
    assert figures.remember(("test",), compute) == 1  # cached
    with transaction.atomic():
        assert figures.remember(("test",), compute) == 2
        assert figures.remember(("test",), compute) == 3


def test_it_pages_the_customers_with_a_cached_total_that_follows_new_customers(bank, login):
    client = login(bank.users["rm_branch"])
    assert "共 3 户客户" in client.get("/customers/").content.decode()
    Customer.objects.create(customer_id="C900", name="新客户", type="retail", branch_id="SB01")
    assert "共 4 户客户" in client.get("/customers/").content.decode()
    assert "共 1 户客户" in client.get("/customers/?q=新客户").content.decode()
