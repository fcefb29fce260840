"""人户合一 and 信贷管理部门季度检查: the filters (unit, state, date range, days flagged) apply
the same way to the page and to its Excel export."""

import datetime as dt
import io

import openpyxl
import pytest

from postloan.portfolio.models import Customer
from postloan.worklist.models import DepartmentCheck, UnassignedFlag
from postloan.worklist.planning import plan_worklist
from tests.factories import AS_OF

pytestmark = pytest.mark.django_db


def _table(response) -> str:
    """The page's list, without the filter form (whose unit select names every unit)."""
    return response.content.decode().split('<table class="pl-table">', 1)[1]


def _rows(response):
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    return sheet["A2"].value, [[c.value for c in r] for r in sheet.iter_rows(min_row=5)]


@pytest.fixture
def unassigned(bank):
    Customer.objects.filter(pk__in=["C002", "C003"]).update(manager=None)
    plan_worklist(AS_OF)
    UnassignedFlag.objects.filter(customer_id="C002").update(
        first_flagged_on=dt.date(2026, 9, 1), days_flagged=45
    )
    return bank


def test_unassigned_filters_by_unit_days_and_first_flag_date(unassigned, login):
    client = login(unassigned.users["rm_branch"])
    everything = client.get("/work/unassigned/").content.decode()
    assert "李娜" in everything and "杭州乙贸易有限公司" in everything
    assert 'name="branch"' in everything and 'name="days"' in everything

    west = client.get("/work/unassigned/?branch=SB01").content.decode()
    assert "李娜" in west and "杭州乙贸易有限公司" not in west
    info, rows = _rows(client.get("/work/unassigned/export.xlsx?branch=SB01"))
    assert [r[0] for r in rows] == ["C002"] and "管户机构：西湖支行" in info

    long = client.get("/work/unassigned/?days=30").content.decode()
    assert "李娜" in long and "杭州乙贸易有限公司" not in long
    assert [r[0] for r in _rows(client.get("/work/unassigned/export.xlsx?days=30"))[1]] == ["C002"]

    recent = f"from={AS_OF}&to={AS_OF}"
    assert "李娜" not in client.get(f"/work/unassigned/?{recent}").content.decode()
    info, rows = _rows(client.get(f"/work/unassigned/export.xlsx?{recent}"))
    assert [r[0] for r in rows] == ["C003"] and "首次标记日自：2026-10-31" in info

    bad = client.get("/work/unassigned/?from=2026-13-01").content.decode()
    assert "不是有效日期" in bad and "李娜" in bad  # a bad date is reported, not applied


def test_unassigned_offers_only_the_units_the_user_sees(unassigned, login):
    client = login(unassigned.users["rm_xihu"])
    page = client.get("/work/unassigned/?branch=SB02").content.decode()
    assert 'value="SB02"' not in page  # not a choice
    assert "杭州乙贸易有限公司" not in page  # and not shown by asking for it


@pytest.fixture
def checks(bank):
    plan_worklist(AS_OF)
    assert DepartmentCheck.objects.count() >= 2
    DepartmentCheck.objects.filter(branch_id="SB01").update(done_date=AS_OF)
    DepartmentCheck.objects.filter(branch_id="SB02").update(due_date=dt.date(2026, 10, 30))
    return bank


def test_department_checks_filter_by_unit_state_and_due_date(checks, login):
    client = login(checks.users["rm_branch"])
    page = client.get("/work/department-checks/").content.decode()
    assert "西湖支行" in page and "滨江支行" in page and 'name="state"' in page

    late = _table(client.get("/work/department-checks/?state=overdue"))
    assert "滨江支行" in late and "西湖支行" not in late
    info, rows = _rows(client.get("/work/department-checks/export.xlsx?state=overdue"))
    assert {r[0] for r in rows} == {"滨江支行"} and "状态：逾期未完成" in info
    assert all(r[4] == "逾期" for r in rows)

    done = _rows(client.get("/work/department-checks/export.xlsx?state=done"))[1]
    assert {r[0] for r in done} == {"西湖支行"}

    west = _rows(client.get("/work/department-checks/export.xlsx?branch=SB01"))[1]
    assert {r[0] for r in west} == {"西湖支行"}

    due = "from=2026-10-30&to=2026-10-30"
    assert {r[0] for r in _rows(client.get(f"/work/department-checks/export.xlsx?{due}"))[1]} == {
        "滨江支行"
    }
