"""In a real Chromium: an account manager logs in, opens the 工作台, completes an inspection
with the pre-filled report, and the task disappears from the 工作台."""

import datetime as dt

import pytest
from playwright.sync_api import sync_playwright

from postloan.worklist.models import Inspection
from postloan.worklist.planning import plan_worklist
from tests.browser import launch, log_in
from tests.factories import AS_OF, PASSWORD, make_bank


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_it_completes_an_inspection_from_the_inbox(live_server):
    make_bank()
    plan_worklist(AS_OF)
    Inspection.objects.filter(done_date__isnull=True).update(due_date=dt.date(2026, 11, 2))
    with sync_playwright() as p:
        browser = launch(p)
        try:
            page = browser.new_page()
            log_in(page, live_server.url, "am_zhang", PASSWORD, then="/work/")
            row = page.locator("#inbox-panel tr", has_text="杭州甲制造有限公司")
            assert row.count() == 1
            row.get_by_role("link", name="办理").click()
            page.wait_for_selector("#inspection-form")
            # The report is pre-filled from data: the balance and the October inflow.
            body = page.content()
            assert "4,000,000.00" in body and "810,000.00" in body
            page.select_option("select[name=item_operations]", "watch")
            page.fill("input[name=note_operations]", "订单较上季减少")
            page.fill("textarea[name=narrative_operations]", "产销基本正常，订单略降")
            page.fill("textarea[name=narrative_measures]", "下季度继续现场检查")
            page.select_option("select[name=conclusion]", "watch")
            page.click("#inspection-form button[type=submit]")
            page.wait_for_selector("text=检查已完成")
            page.goto(f"{live_server.url}/work/")
            panel = page.locator("#inbox-panel")
            assert panel.locator("tr", has_text="杭州甲制造有限公司").count() == 0
            assert panel.locator("tr", has_text="李娜").count() == 1
        finally:
            browser.close()
