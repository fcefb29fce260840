"""The 工作台 inbox is cached per person and data version: the same items as computed afresh,
and a task done disappears from the next page. These tests commit (transactional database):
nothing is cached inside a transaction.
"""

import datetime as dt

import pytest

from postloan.web.queries import inbox
from postloan.worklist import views
from postloan.worklist.models import Inspection
from postloan.worklist.planning import plan_worklist
from tests.factories import AS_OF, make_bank
from tests.worklist.helpers import inspection_form

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("empty_cache")]


@pytest.fixture
def planned():
    bank = make_bank()
    plan_worklist(AS_OF)
    Inspection.objects.filter(done_date__isnull=True).update(due_date=dt.date(2026, 11, 2))
    return bank


def done_form() -> dict:
    return inspection_form()


def test_it_serves_each_person_their_own_inbox_as_computed_afresh(planned):
    for name in ("am_zhang", "am_wang", "rm_branch", "rm_xihu", "chair"):
        user = planned.users[name]
        assert views._inbox(user) == inbox.grouped(user, AS_OF)
        assert views._inbox(user) == inbox.grouped(user, AS_OF)  # from the cache
    zhang = views._inbox(planned.users["am_zhang"])["sections"]
    wang = views._inbox(planned.users["am_wang"])["sections"]
    assert zhang != wang


def test_it_drops_a_completed_inspection_from_the_next_page(planned, login):
    client = login(planned.users["am_zhang"])
    page = client.get("/work/").content.decode()
    assert "杭州甲制造有限公司" in page and "李娜" in page
    assert "杭州甲制造有限公司" in client.get("/work/panel/").content.decode()
    inspection = Inspection.objects.get(customer_id="C001", done_date__isnull=True)
    response = client.post(f"/work/inspections/{inspection.pk}/", done_form())
    assert response.status_code == 302
    page = client.get("/work/").content.decode()
    assert "杭州甲制造有限公司" not in page and "李娜" in page
    assert "杭州甲制造有限公司" not in client.get("/work/panel/").content.decode()
