"""Every page of post-loan work opens for each persona, in Chinese, without a crash."""

import pytest

from postloan.worklist.models import CalendarTask, CollectionCase, DepartmentCheck, Inspection
from postloan.worklist.planning import plan_worklist
from tests.factories import AS_OF

pytestmark = pytest.mark.django_db

LISTS = [
    "/work/",
    "/work/panel/",
    "/work/inspections/",
    "/work/inspections/?state=overdue",
    "/work/inspections/?state=done",
    "/work/diligence/",
    "/work/department-checks/",
    "/work/calendar/",
    "/work/calendar/?state=all",
    "/work/collection/",
    "/work/collection/?state=all",
    "/work/collection/rates/",
    "/work/collateral/",
    "/work/collateral/?show=all",
    "/work/limitations/",
    "/work/unassigned/",
    "/work/fund-use/L001/",
]


@pytest.mark.parametrize(
    "persona", ["am_zhang", "am_wang", "rm_branch", "rm_xihu", "chair", "admin"]
)
def test_it_opens_every_list_page(bank, login, persona):
    plan_worklist(AS_OF, dpd_by_loan={"L003": 41})
    client = login(bank.users[persona])
    for url in LISTS:
        response = client.get(url)
        expected = 404 if url.startswith("/work/fund-use/") and persona == "am_wang" else 200
        assert response.status_code == expected, url


def test_it_opens_every_detail_page_for_the_admin(bank, login):
    from postloan.portfolio.models import Loan

    Loan.objects.filter(pk="L003").update(maturity_date=AS_OF.replace(month=12, day=3))
    plan_worklist(AS_OF, dpd_by_loan={"L003": 41})
    client = login(bank.users["admin"])
    urls = [f"/work/inspections/{i.pk}/" for i in Inspection.objects.all()]
    urls += [f"/work/calendar/{t.pk}/" for t in CalendarTask.objects.all()]
    urls += [f"/work/collection/{c.pk}/" for c in CollectionCase.objects.all()]
    urls += [f"/work/department-checks/{c.pk}/" for c in DepartmentCheck.objects.all()]
    assert len(urls) == 9  # 3 inspections, 2 calendar tasks, 1 case, 3 quarterly checks
    for url in urls:
        assert client.get(url).status_code == 200, url


def test_it_asks_anonymous_visitors_to_log_in(client):
    response = client.get("/work/")
    assert response.status_code == 302 and "/login/" in response["Location"]
