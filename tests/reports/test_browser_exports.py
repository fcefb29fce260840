"""In a real Chromium: the 报表 pages and the 人户合一 / 季度检查 lists show their 导出Excel
buttons and filters in the app frame, and a click downloads the workbook the page filtered.
Screenshots go to $POSTLOAN_SHOTS when it is set (to look at them), else to the test's tmp dir."""

import datetime as dt
import io
import os
from pathlib import Path

import openpyxl
import pytest
from playwright.sync_api import sync_playwright

from postloan.portfolio.models import Customer
from postloan.worklist.planning import plan_worklist
from tests.browser import launch, log_in
from tests.factories import PASSWORD
from tests.reports.conftest import AS_OF

PAGES = [
    ("quality", f"/reports/quality/?as_of={AS_OF}"),
    ("kpis", f"/reports/kpis/?as_of={AS_OF}&start=2026-10-01"),
    ("diligence", f"/reports/diligence/?as_of={AS_OF}"),
    ("accountability", f"/reports/accountability/?as_of={AS_OF}"),
    ("effectiveness", "/reports/effectiveness/"),
    ("unassigned", "/work/unassigned/?branch=SB01"),
    ("department_checks", "/work/department-checks/?state=open"),
]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_report_pages_show_and_download_their_exports(quality_bank, live_server, tmp_path):
    Customer.objects.filter(pk="C002").update(manager=None)
    plan_worklist(dt.date(2026, 10, 31))
    shots = Path(os.environ.get("POSTLOAN_SHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = launch(p)
        try:
            page = browser.new_page(viewport={"width": 1366, "height": 900}, accept_downloads=True)
            log_in(page, live_server.url, "rm_branch", PASSWORD, then="/reports/")
            for name, url in PAGES:
                page.goto(f"{live_server.url}{url}")
                button = page.get_by_text("⤓ 导出Excel").first
                assert button.is_visible(), name
                page.screenshot(path=str(shots / f"{name}.png"), full_page=True)
                with page.expect_download() as info:
                    button.click()
                book = openpyxl.load_workbook(io.BytesIO(Path(info.value.path()).read_bytes()))
                assert book.worksheets and book.worksheets[0]["A1"].value, name
                if name == "unassigned":
                    rows = list(book.worksheets[0].iter_rows(min_row=5, values_only=True))
                    assert [r[0] for r in rows] == ["C002"]
                    assert "管户机构：西湖支行" in book.worksheets[0]["A2"].value
        finally:
            browser.close()
