"""Every filterable list's 导出Excel (issue 16, part 5): the rows the page filtered, with Chinese
headers, labels not codes, money in 元 with a number format and dates as dates — each workbook
opened with LibreOffice headless (converted to CSV and read back), as a bank's PC would."""

import csv
import datetime as dt
import io
import re
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from django.utils import timezone

from postloan.accounts.models import AuthEvent
from postloan.ingest.models import ImportBatch
from postloan.meetings.access import visible_meetings
from postloan.meetings.tasks import open_resolution_tasks
from postloan.ops.models import JobProgress
from postloan.portfolio.models import Collateral, Guarantee, Loan
from postloan.worklist.models import CollectionCase
from tests.documents.paper import soffice_convert
from tests.factories import make_user

pytestmark = pytest.mark.django_db
HEADER_ROW = 4  # title, filters, a blank row, then the headers
SNAKE = re.compile(r"\b[a-z]+(?:_[a-z]+)+\b")
CODES = {"open", "closed", "succeeded", "failed", "running", "queued", "import", "screening"}
CODES |= {"login", "failed", "locked", "monthly", "signed", "web", "cli", "reduce_exposure"}


def _workbook(response):
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    return openpyxl.load_workbook(io.BytesIO(response.content)).active


def _data(sheet) -> tuple[list, list]:
    header = [c.value for c in sheet[HEADER_ROW]]
    rows = [r for r in sheet.iter_rows(min_row=HEADER_ROW + 1) if r[0].value is not None]
    return header, rows


def _no_codes(rows, logins=()) -> None:
    """No code in any cell, but a column of login names (the login log's 用户名)."""
    for r in rows:
        for i, cell in enumerate(r):
            if isinstance(cell.value, str) and i not in logins:
                assert cell.value not in CODES, cell.value
                assert not SNAKE.search(cell.value), cell.value
                assert cell.value not in ("None", "True", "False"), cell.value


def _through_libreoffice(files: dict[str, bytes], tmp_path: Path) -> dict[str, list[list[str]]]:
    """All workbooks converted to CSV (UTF-8, values as shown) in one LibreOffice run."""
    paths = []
    for name, content in files.items():
        path = tmp_path / f"{name}.xlsx"
        path.write_bytes(content)
        paths.append(str(path))
    out = tmp_path / "csv"
    target = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true"  # UTF-8, as shown
    done = soffice_convert(paths, target, out, tmp_path / "lo")
    assert done.returncode == 0, done.stderr
    read = {}
    for name in files:
        text = (out / f"{name}.csv").read_text(encoding="utf-8")
        read[name] = list(csv.reader(io.StringIO(text)))
    return read


@pytest.fixture
def busy_bank(signed_meeting):
    """The signed meeting's bank with a few import batches, jobs and login events."""
    bank = signed_meeting
    now = timezone.now()
    rm = bank.users["rm_branch"]
    ImportBatch.objects.create(
        user=rm, source="web", started_at=now, finished_at=now, as_of=dt.date(2026, 10, 31),
        files=[{"file": "customers.csv", "table": "customers", "rows": 4}], rows=4,
        outcome="succeeded",
    )  # fmt: skip
    ImportBatch.objects.create(source="cli", started_at=now, outcome="failed", error_count=3)
    JobProgress.objects.create(kind="import", label="网页上传导入", status="failed", created_by=rm)
    JobProgress.objects.create(kind="screening", label="风险预警筛查", status="succeeded")
    for kind in ("failed", "failed", "login", "locked"):
        AuthEvent.objects.create(kind=kind, username="am_zhang", user=bank.users["am_zhang"])
    AuthEvent.objects.create(kind="failed", username="nobody", ip="10.0.0.9")
    bank.users["auditor"] = make_user("auditor1", None, "auditor")
    CollectionCase.objects.create(
        customer=bank.customers["C002"], owner=bank.staff["AM01"], opened_on=dt.date(2026, 10, 1),
        dpd_at_open=35, overdue_at_open=Decimal("307500.00"),
    )  # fmt: skip
    CollectionCase.objects.create(
        customer=bank.customers["C003"], opened_on=dt.date(2026, 8, 1), dpd_at_open=3,
        overdue_at_open=Decimal("1250.00"), status="closed", closed_on=dt.date(2026, 9, 1),
        outcome="repaid",
    )  # fmt: skip
    return bank


def test_every_list_exports_exactly_its_filtered_rows(busy_bank, client, tmp_path):
    bank = busy_bank
    files: dict[str, bytes] = {}
    expect: dict[str, tuple[list, int]] = {}

    def check(name, user, url, params, page_count, header_start, logins=()):
        client.force_login(user)
        response = client.get(url, params)
        sheet = _workbook(response)
        header, rows = _data(sheet)
        assert header[: len(header_start)] == header_start, header
        assert len(rows) == page_count, (name, len(rows), page_count)
        _no_codes(rows, logins)
        files[name] = response.content
        expect[name] = (header, page_count)
        return rows

    rm, am = bank.users["rm_branch"], bank.users["am_zhang"]

    # 逾期催收: the state filter; the page's count
    for state in ("open", "all"):
        client.force_login(rm)
        on_page = client.get("/work/collection/", {"state": state}).context["page"]
        rows = check(
            f"cases-{state}", rm, "/work/collection/export.xlsx", {"state": state},
            on_page.paginator.count, ["客户编号", "客户名称", "责任人", "立案日"],
        )  # fmt: skip
        for r in rows:
            assert isinstance(r[3].value, dt.datetime) and r[3].number_format == "yyyy-mm-dd"
            assert r[5].number_format == "#,##0.00" and isinstance(r[5].value, int | float)

    # 导入记录 and 后台任务: every row, people by 姓名
    rows = check(
        "batches", rm, "/import/export.xlsx", {}, ImportBatch.objects.count(), ["批次", "开始时间"]
    )
    assert {r[3].value for r in rows} >= {"命令行"} and "rm_branch" not in {
        r[3].value for r in rows
    }
    assert {r[8].value for r in rows} == {"成功", "失败"}
    rows = check("jobs", rm, "/ops/jobs/export.xlsx", {}, JobProgress.objects.count(), ["编号"])
    assert {r[1].value for r in rows} >= {"数据导入", "风险预警筛查"}
    assert "rm_branch" not in {r[6].value for r in rows}

    # 登录日志: filtered by event and user name, as the page
    params = {"kind": "failed", "username": "AM_ZHANG"}
    client.force_login(bank.users["auditor"])
    on_page = client.get("/ops/audit/logins/", params).context["page"].paginator.count
    assert on_page == 2
    rows = check(
        "logins", bank.users["auditor"], "/ops/audit/logins/export.xlsx", params, on_page,
        ["时间", "姓名", "用户名", "事件"], logins=(2,),
    )  # fmt: skip
    assert {r[3].value for r in rows} == {"登录失败"} and {r[1].value for r in rows} == {"张伟"}

    # 例会, 我的决议任务, 下级行例会督导
    check(
        "meetings", rm, "/meetings/export.xlsx", {}, visible_meetings(rm).count(),
        ["会议日期", "召开机构", "例会类型", "状态"],
    )  # fmt: skip
    tasks = open_resolution_tasks(am).count()
    assert tasks >= 1
    rows = check("tasks", am, "/meetings/tasks/export.xlsx", {}, tasks, ["客户编号", "客户名称"])
    assert rows[0][2].value == "压缩信用余额"  # the label of reduce_exposure
    client.force_login(rm)
    oversight_rows = len(client.get("/meetings/oversight/").context["rows"])
    check("oversight", rm, "/meetings/oversight/export.xlsx", {}, oversight_rows, ["机构"])

    # 工作台 to-dos: by section and kind, every item (the page lists the first of each)
    client.force_login(am)
    for params in ({"section": "overdue"}, {}):
        shown = client.get("/work/", params).context["shown_total"]
        name = "inbox-" + (params.get("section") or "all")
        check(name, am, "/work/export.xlsx", params, shown, ["紧急程度", "类别", "事项"])

    # the same workbooks as LibreOffice reads them
    read = _through_libreoffice(files, tmp_path)
    for name, (header, count) in expect.items():
        lines = read[name]
        assert lines[HEADER_ROW - 1][: len(header)] == header, (name, lines[:5])
        data = [line for line in lines[HEADER_ROW:] if any(line)]
        assert len(data) == count, (name, len(data), count)
    case_line = read["cases-all"][HEADER_ROW]
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", case_line[3]), case_line
    assert re.fullmatch(r"\d{1,3}(,\d{3})*\.\d{2}", case_line[5]), case_line


def test_meetings_page_and_export_are_the_same_filtered_set(signed_meeting, client):
    """例会: the page is paged (50 a page) and filtered by 机构/类型/状态/会议日期; the export holds
    the same filtered meetings, all pages of them; a date that is not a date is named in Chinese."""
    from postloan.meetings.models import Meeting

    bank = signed_meeting
    rm = bank.users["rm_branch"]
    signed = bank.meeting
    start = dt.date(2025, 1, 1)
    Meeting.objects.bulk_create(
        Meeting(
            branch=signed.branch, kind="ad_hoc", date=start + dt.timedelta(days=i),
            status="planned" if i % 3 else "cancelled", notice_due=start, report_deadline=start,
            ad_hoc_reason="测试",
        )
        for i in range(70)
    )  # fmt: skip
    client.force_login(rm)

    def both(params):
        page = client.get("/meetings/", params).context["page"]
        sheet = _workbook(client.get("/meetings/export.xlsx", params))
        _header, rows = _data(sheet)
        return page, rows, sheet

    page, rows, _ = both({})
    total = visible_meetings(rm).count()
    assert total == 71 and page.paginator.count == total and len(page.object_list) == 50
    assert len(rows) == total  # every page, not the one shown
    second = client.get("/meetings/", {"page": 2}).context["page"]
    assert len(second.object_list) == total - 50

    params = {"kind": "ad_hoc", "status": "planned", "from": "2025-01-11", "to": "2025-02-28"}
    page, rows, sheet = both(params)
    wanted = Meeting.objects.filter(
        kind="ad_hoc", status="planned", date__gte="2025-01-11", date__lte="2025-02-28"
    )
    assert page.paginator.count == wanted.count() == len(rows) > 0
    assert {r[0].value.date() for r in rows} == set(wanted.values_list("date", flat=True))
    assert {(r[2].value, r[3].value) for r in rows} == {("临时例会", "已安排")}
    info = sheet.cell(2, 1).value
    assert "类型：临时例会" in info and "状态：已安排" in info and "会议日期自：2025-01-11" in info

    page, rows, _ = both({"branch": signed.branch_id, "status": "signed"})
    assert page.paginator.count == len(rows) == 1 and rows[0][3].value == "已签署"

    response = client.get("/meetings/", {"from": "2025-13-01"})
    assert "会议日期自“2025-13-01”不是有效日期" in response.content.decode()
    assert response.context["page"].paginator.count == total  # the bad date ignored, not fatal


def test_imports_and_jobs_filters_page_and_export_alike(busy_bank, client):
    """导入记录 (结果, 来源, 开始日期) and 后台任务 (类型, 状态, 提交日期): the page's count and the
    export's rows are the same filtered set; the filters are written above the export's table."""
    rm = busy_bank.users["rm_branch"]
    old = timezone.now() - dt.timedelta(days=40)
    ImportBatch.objects.create(source="web", started_at=old, outcome="succeeded", user=rm)
    aged = JobProgress.objects.create(kind="import", label="旧导入", status="succeeded")
    JobProgress.objects.filter(pk=aged.pk).update(created_at=old)
    client.force_login(rm)
    today = timezone.localdate()
    since = f"{today - dt.timedelta(days=1):%Y-%m-%d}"

    def both(url, export, params):
        response = client.get(url, params)
        assert response.status_code == 200
        sheet = _workbook(client.get(export, params))
        _header, rows = _data(sheet)
        return response.context["page"].paginator.count, rows, sheet.cell(2, 1).value

    count, rows, info = both("/import/", "/import/export.xlsx", {"outcome": "succeeded"})
    assert count == len(rows) == ImportBatch.objects.filter(outcome="succeeded").count() == 2
    assert "结果：成功" in info
    params = {"outcome": "succeeded", "source": "web", "from": since}
    count, rows, info = both("/import/", "/import/export.xlsx", params)
    assert count == len(rows) == 1 and rows[0][4].value == "网页上传"
    assert "来源：网页上传" in info and f"开始日期自：{since}" in info

    count, rows, info = both("/ops/jobs/", "/ops/jobs/export.xlsx", {"kind": "import"})
    assert count == len(rows) == JobProgress.objects.filter(kind="import").count() == 2
    params = {"kind": "import", "to": f"{today - dt.timedelta(days=30):%Y-%m-%d}"}
    count, rows, info = both("/ops/jobs/", "/ops/jobs/export.xlsx", params)
    assert count == len(rows) == 1 and rows[0][2].value == "旧导入"
    assert "类型：数据导入" in info and "提交日期至" in info
    count, rows, _ = both("/ops/jobs/", "/ops/jobs/export.xlsx", {"status": "failed"})
    assert count == len(rows) == 1 and rows[0][3].value == "失败"

    page = client.get("/ops/jobs/", {"from": "昨天"}).content.decode()
    assert "提交日期自“昨天”不是有效日期" in page and 'value="failed"' in page


def test_worklist_lists_export_their_rows(busy_bank, client, tmp_path):
    """本息催收日历 (办理/事项 filters, every page), 信贷管理部门季度检查, 人户合一, 诉讼时效与保证期间
    (即将届满/全部) and 押品监测 (需重估/全部): the export's rows are the page's rows, labels not
    codes, read back through LibreOffice."""
    from postloan.worklist.choices import TaskKind
    from postloan.worklist.models import CalendarTask, DepartmentCheck, UnassignedFlag
    from postloan.worklist.planning import plan_worklist
    from tests.factories import AS_OF

    bank = busy_bank
    Loan.objects.filter(pk="L003").update(maturity_date=dt.date(2026, 12, 3))
    plan_worklist(AS_OF)
    rm = bank.users["rm_branch"]
    UnassignedFlag.objects.create(
        customer=bank.customers["C003"], first_flagged_on=dt.date(2026, 10, 1),
        last_flagged_on=dt.date(2026, 10, 31), days_flagged=31,
    )  # fmt: skip
    assert CalendarTask.objects.exists() and DepartmentCheck.objects.exists()
    client.force_login(rm)
    files = {}
    kind = CalendarTask.objects.values_list("kind", flat=True).first()
    for params in ({"state": "all"}, {"state": "open", "kind": kind}):
        count = client.get("/work/calendar/", params).context["page"].paginator.count
        response = client.get("/work/calendar/export.xlsx", params)
        header, rows = _data(_workbook(response))
        assert header[:4] == ["应办理日", "事项", "客户编号", "客户名称"]
        assert len(rows) == count > 0, (params, len(rows), count)
        _no_codes(rows)
        if "kind" in params:
            assert {r[1].value for r in rows} == {TaskKind(kind).label}
            assert all(r[7].value is None for r in rows)  # 未办理
        files[f"calendar-{len(params)}"] = response.content

    checks = len(client.get("/work/department-checks/").context["checks"])
    response = client.get("/work/department-checks/export.xlsx")
    header, rows = _data(_workbook(response))
    assert header[:3] == ["机构", "季度起始", "应完成日"] and len(rows) == checks > 0
    files["checks"] = response.content

    flags = list(client.get("/work/unassigned/").context["flags"])
    response = client.get("/work/unassigned/export.xlsx")
    header, rows = _data(_workbook(response))
    assert len(rows) == len(flags) == 1 and rows[0][0].value == "C003" and rows[0][6].value == 31
    files["unassigned"] = response.content

    for params in ({}, {"all": "1"}):
        items = client.get("/work/limitations/", params).context["items"]
        response = client.get("/work/limitations/export.xlsx", params)
        header, rows = _data(_workbook(response))
        assert header[:3] == ["类型", "客户编号", "客户名称"] and len(rows) == len(items)
        assert [r[3].value for r in rows] == [i.loan_id for i in items]
    assert len(items) > 0  # 全部 holds the bank's loans' periods
    files["limitations"] = response.content

    Collateral.objects.create(
        collateral_id="K1", type="real_estate", description="厂房",
        appraised_value=Decimal("6000000"), appraisal_date=dt.date(2025, 6, 1),
    )  # fmt: skip
    Guarantee.objects.create(
        guarantee_id="GK1", loan_id="L001", kind="mortgage", collateral_id="K1"
    )
    for params in ({}, {"show": "all"}):
        statuses = client.get("/work/collateral/", params).context["statuses"]
        response = client.get("/work/collateral/export.xlsx", params)
        header, rows = _data(_workbook(response))
        assert header[:3] == ["押品编号", "押品说明", "类型"] and len(rows) == len(statuses)
        assert [r[0].value for r in rows] == [s.collateral.collateral_id for s in statuses]
        _no_codes(rows)
        assert rows[0][2].value == "房产" and rows[0][4].number_format == "#,##0.00"
    assert len(statuses) > 0
    files["collateral"] = response.content

    read = _through_libreoffice(files, tmp_path)
    assert read["unassigned"][HEADER_ROW][:2] == ["C003", bank.customers["C003"].name]
    assert len([x for x in read["checks"][HEADER_ROW:] if any(x)]) == checks
