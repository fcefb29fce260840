"""工作台: what each persona has to do today, this week, and what is overdue."""

import datetime as dt

import pytest

from postloan.org.choices import Role
from postloan.org.models import Staff
from postloan.portfolio.models import Customer
from postloan.web.queries import inbox
from postloan.worklist.models import CollectionCase, DepartmentCheck, Inspection
from postloan.worklist.planning import plan_worklist
from tests.factories import AS_OF, make_user

pytestmark = pytest.mark.django_db


def by_bucket(user, today=AS_OF):
    """{overdue|today|week|later: [items]} (the three overdue sections together)."""
    out = {key: [] for key, _ in inbox.BUCKETS}
    for key, _, values in inbox.grouped(user, today)["sections"]:
        out["overdue" if key in inbox.OVERDUE else key].extend(values)
    return out


def items(user, today=AS_OF):
    return {
        key: [(i.category, i.customer) for i in values]
        for key, values in by_bucket(user, today).items()
    }


@pytest.fixture
def planned(bank):
    """The plan, with every customer's first inspection falling due this week (on 11-02)."""
    plan_worklist(AS_OF)
    Inspection.objects.filter(done_date__isnull=True).update(due_date=dt.date(2026, 11, 2))
    return bank


def test_it_shows_an_account_manager_the_inspections_of_their_own_customers(planned):
    got = items(planned.users["am_zhang"])
    assert sorted(got["week"]) == [("贷后检查", "李娜"), ("贷后检查", "杭州甲制造有限公司")]
    assert got["overdue"] == [] and got["today"] == []
    assert items(planned.users["am_wang"])["week"] == [("贷后检查", "杭州乙贸易有限公司")]


def test_it_moves_work_to_overdue_when_its_day_has_passed(planned):
    Inspection.objects.filter(customer_id="C001").update(due_date=dt.date(2026, 10, 20))
    got = items(planned.users["am_zhang"])
    assert got["overdue"] == [("贷后检查", "杭州甲制造有限公司")]
    # The risk manager of the unit supervises overdue work (督办) but not work not yet due.
    overdue = by_bucket(planned.users["rm_xihu"])["overdue"]
    assert [(i.title, i.customer) for i in overdue] == [
        ("督办：定期检查（张伟）", "杭州甲制造有限公司")
    ]
    assert items(planned.users["rm_xihu"])["week"] == []


def test_it_lists_collection_follow_ups_for_the_case_owner(planned):
    CollectionCase.objects.create(customer_id="C003", owner_id="AM02", opened_on=AS_OF)
    assert ("逾期催收", "杭州乙贸易有限公司") in items(planned.users["am_wang"])["today"]
    assert items(planned.users["am_zhang"])["today"] == []


def test_it_flags_unassigned_customers_to_risk_managers_every_day(bank):
    Customer.objects.filter(pk="C002").update(manager=None)
    plan_worklist(AS_OF)
    assert ("人户合一", "李娜") in items(bank.users["rm_xihu"])["today"]
    assert ("人户合一", "李娜") in items(bank.users["rm_branch"])["today"]
    page = bank.users["rm_xihu"]
    assert page is not None


def test_it_gives_the_credit_management_department_its_quarterly_checks(planned):
    staff = Staff.objects.create(
        staff_id="CM01",
        name="孙丽",
        branch=planned.branches["BR01"],
        department="credit_mgmt",
        position="staff",
    )
    user = make_user("cm_sun", staff, Role.CREDIT_MGMT)
    assert items(user)["week"] == []
    DepartmentCheck.objects.filter(branch_id="SB02").update(due_date=dt.date(2026, 10, 30))
    got = by_bucket(user)["overdue"]
    assert [i.title for i in got] == ["季度贷后工作检查：滨江支行"]


def test_it_serves_the_full_page_and_the_htmx_panel(planned, login):
    client = login(planned.users["am_zhang"])
    page = client.get("/work/")
    assert page.status_code == 200
    assert "<html" in page.content.decode() and "杭州甲制造有限公司" in page.content.decode()
    panel = client.get("/work/panel/", HTTP_HX_REQUEST="true")
    html = panel.content.decode()
    assert "<html" not in html and 'id="inbox-panel"' in html
    assert "杭州乙贸易有限公司" not in html


def test_it_lists_unassigned_customers(bank, login):
    Customer.objects.filter(pk="C002").update(manager=None)
    plan_worklist(AS_OF)
    plan_worklist(AS_OF + dt.timedelta(days=1))
    html = login(bank.users["rm_branch"]).get("/work/unassigned/").content.decode()
    assert "李娜" in html and "2 天" in html
