"""The 工作台 a person can work from: grouped by urgency, ranked by days overdue and by what is
at stake, counted per kind, filtered, each to-do in words with a link to where it is done."""

import datetime as dt
import re
from decimal import Decimal

import pytest

from postloan.portfolio.models import Customer, Loan
from postloan.web.queries import inbox
from postloan.worklist.models import CalendarTask, CollectionCase, Inspection
from postloan.worklist.planning import plan_worklist
from tests.factories import AS_OF

pytestmark = pytest.mark.django_db


def customer(bank, cid, name, balance, manager="AM01", branch="SB01"):
    c = Customer.objects.create(
        customer_id=cid,
        name=name,
        type="corporate",
        branch=bank.branches[branch],
        manager=bank.staff[manager],
    )
    Loan.objects.create(
        loan_id=f"L{cid}",
        customer=c,
        product="working_capital",
        principal=Decimal(balance),
        balance=Decimal(balance),
        start_date=dt.date(2026, 1, 5),
        maturity_date=dt.date(2027, 12, 1),
        guarantee_method="credit",
        interest_rate=Decimal("0.04"),
    )
    return c


def due(customer_id, day):
    Inspection.objects.filter(customer_id=customer_id, done_date__isnull=True).update(due_date=day)


@pytest.fixture
def desk(bank):
    """张伟's work: overdue by 60, 36, 11 and 6 days with different balances at stake, and
    two inspections due this week."""
    customer(bank, "X01", "甲类大户", "9000000")
    customer(bank, "X02", "乙类特大户", "20000000")
    customer(bank, "X03", "丙类小户", "50000")
    customer(bank, "X04", "丁类中户", "800000")
    plan_worklist(AS_OF)
    due("X01", dt.date(2026, 9, 1))  # 60 days overdue, 9,000,000 at stake
    due("X02", dt.date(2026, 9, 25))  # 36 days overdue, 20,000,000 at stake
    due("C001", dt.date(2026, 10, 20))  # 11 days, 4,000,000
    due("C002", dt.date(2026, 10, 25))  # 6 days, 150,000
    due("X03", dt.date(2026, 11, 3))  # this week, 50,000
    due("X04", dt.date(2026, 11, 3))  # this week, 800,000
    for event in (dt.date(2026, 9, 20), dt.date(2026, 10, 20)):  # funds checks missed
        CalendarTask.objects.create(
            kind="interest_funds",
            customer_id="C001",
            loan_id="L001",
            event_date=event,
            due_date=event - dt.timedelta(days=4),
            amount_due=Decimal("15000"),
        )
    CollectionCase.objects.create(customer_id="X03", owner=bank.staff["AM01"], opened_on=AS_OF)
    return bank


def sections(user):
    return {key: items for key, _, items in inbox.grouped(user, AS_OF)["sections"]}


def names(items):
    return [i.customer for i in items]


def test_it_groups_overdue_work_by_days_and_ranks_it_by_what_is_at_stake(desk):
    got = sections(desk.users["am_zhang"])
    inspections = {k: [i for i in v if i.kind == "inspection"] for k, v in got.items()}
    # More at stake first within the band, though less long overdue.
    assert names(inspections["overdue_30"]) == ["乙类特大户", "甲类大户"]
    assert [i.overdue_days for i in inspections["overdue_30"]] == [36, 60]
    assert names(inspections["overdue_8"]) == ["杭州甲制造有限公司"]
    assert names(inspections["overdue_1"]) == ["李娜"]
    assert inspections["overdue_30"][0].at_stake == Decimal("20000000")
    # Not yet due: by date, then by what is at stake.
    assert names(inspections["week"]) == ["丁类中户", "丙类小户"]


def test_it_counts_every_kind_exactly(desk, monkeypatch):
    data = inbox.grouped(desk.users["am_zhang"], AS_OF)
    kinds = {k["code"]: k for k in data["kinds"]}
    assert kinds["inspection"]["counts"] == {
        "overdue": 4,
        "today": 0,
        "week": 2,
        "later": 0,
        "total": 6,
    }
    tasks = CalendarTask.objects.filter(customer__manager_id="AM01", done_date__isnull=True)
    overdue_tasks = tasks.filter(due_date__lt=AS_OF).count()
    assert overdue_tasks == 2
    assert kinds["calendar"]["counts"]["overdue"] == overdue_tasks
    assert data["overdue"] == sum(k["counts"]["overdue"] for k in data["kinds"])
    assert data["total"] == sum(len(v) for _, _, v in data["sections"])
    # A source longer than the list still shows its exact count per bucket.
    monkeypatch.setattr(inbox, "LIMIT", 2)
    capped = {k["code"]: k for k in inbox.grouped(desk.users["am_zhang"], AS_OF)["kinds"]}
    assert capped["inspection"]["capped"] and capped["inspection"]["listed"] == 2
    assert capped["inspection"]["counts"]["overdue"] == 4
    assert capped["inspection"]["counts"]["week"] == 2


def test_it_says_in_words_what_to_do_and_links_to_where_it_is_done(desk, login):
    client = login(desk.users["am_zhang"])
    data = inbox.grouped(desk.users["am_zhang"], AS_OF)
    items = [i for _, _, values in data["sections"] for i in values]
    assert {i.kind for i in items} >= {"inspection", "calendar", "collection"}
    missed = next(i for i in items if i.kind == "calendar")
    assert "结息已过：核实15,000.00元是否已按时扣收" in missed.action
    for item in items:
        assert item.action and not re.search(r"[a-z]", item.action), item.action
        assert client.get(item.url).status_code == 200, item.url
    first = next(i for i in items if i.customer == "乙类特大户")
    assert first.action.startswith("应于2026-09-25前完成定期检查")
    assert "《贷后管理定期分析报告》" in first.action
    assert first.url == f"/work/inspections/{Inspection.objects.get(customer_id='X02').pk}/"
    for kind in data["kinds"]:
        assert client.get(kind["all_url"]).status_code == 200, kind["all_url"]


def test_the_page_shows_counts_sections_and_the_words(desk, login):
    html = login(desk.users["am_zhang"]).get("/work/").content.decode()
    assert 'id="inbox-kinds"' in html and "贷后检查" in html
    at = [html.index(f'id="section-{key}"') for key in ("overdue_30", "overdue_8", "week")]
    assert at == sorted(at)
    band = html[at[0] : at[1]]
    assert band.index("乙类特大户") < band.index("甲类大户") < band.index("杭州甲制造有限公司")
    assert "逐项登记检查事项并填写《贷后管理定期分析报告》" in html
    assert "20,000,000.00" in html and "36天" in html


def test_it_filters_by_kind_urgency_and_customer(desk, login):
    client = login(desk.users["am_zhang"])
    html = client.get("/work/?kind=inspection&section=overdue").content.decode()
    rows = html.split('id="inbox-filters"')[1]
    assert "符合条件的待办共 4 项" in rows
    assert "乙类特大户" in rows and "李娜" in rows and "丙类小户" not in rows
    assert "本息催收" not in rows.split("</form>")[1]
    html = client.get("/work/?section=week&kind=inspection").content.decode()
    rows = html.split('id="inbox-filters"')[1]
    assert "丙类小户" in rows and "乙类特大户" not in rows
    html = client.get("/work/?q=丁类").content.decode().split('id="inbox-filters"')[1]
    assert "丁类中户" in html and "丙类小户" not in html
    # An unknown filter value is ignored, not an error.
    assert client.get("/work/?kind=nonsense&section=x").status_code == 200


def test_a_section_alone_is_paged_and_its_rows_are_all_reachable(desk, login, monkeypatch):
    from postloan.worklist import views

    monkeypatch.setattr(views, "SECTION_ROWS", 1)
    monkeypatch.setattr(views, "PAGE_SIZE", 1)
    client = login(desk.users["am_zhang"])
    html = client.get("/work/?kind=inspection").content.decode()
    assert "查看本组全部 2 项" in html
    first = client.get("/work/?kind=inspection&section=overdue_30").content.decode()
    second = client.get("/work/?kind=inspection&section=overdue_30&page=2").content.decode()
    assert "乙类特大户" in first and "甲类大户" not in first.split('id="inbox-filters"')[1]
    assert "甲类大户" in second and "第 2 / 2 页" in second


def test_the_home_panel_shows_the_counts_and_the_most_urgent(desk, login):
    html = login(desk.users["am_zhang"]).get("/work/panel/").content.decode()
    assert 'id="inbox-kinds"' in html and "最紧急的" in html
    assert "打开工作台，查看全部" in html
    urgent = html.split("最紧急的")[1]
    assert urgent.index("乙类特大户") < urgent.index("甲类大户")


def test_a_supervisor_sees_overdue_work_per_responsible_manager(desk, login):
    customer(desk, "Y01", "滨江客户", "100000", manager="AM02", branch="SB02")
    plan_worklist(AS_OF)
    due("Y01", dt.date(2026, 10, 1))
    data = inbox.grouped(desk.users["rm_branch"], AS_OF)
    rows = {r["who"]: r for r in data["supervision"]}
    assert rows["张伟"]["inspections"] == 4 and rows["王芳"]["inspections"] == 1
    assert [r["who"] for r in data["supervision"]][0] == "张伟"
    assert inbox.grouped(desk.users["am_zhang"], AS_OF)["supervision"] == []
    html = login(desk.users["rm_branch"]).get("/work/?q=王芳").content.decode()
    rows_html = html.split('id="inbox-filters"')[1]
    assert "滨江客户" in rows_html and "乙类特大户" not in rows_html
    assert "督促王芳：" in rows_html
