"""In a real Chromium: an account manager logs in, opens the 工作台, completes an inspection
with the pre-filled report, and the task disappears from the 工作台."""

import datetime as dt

import pytest
from playwright.sync_api import sync_playwright

from postloan.worklist.choices import CHECK_ITEMS
from postloan.worklist.models import Inspection
from postloan.worklist.planning import plan_worklist
from tests.browser import launch, log_in
from tests.factories import AS_OF, PASSWORD, make_bank
from tests.worklist.helpers import NARRATIVE


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
            # Nothing is preselected: an empty submission is refused next to the fields.
            page.click("#inspection-form button[type=submit]")
            page.wait_for_selector("text=请选择检查方式")
            assert Inspection.objects.filter(customer_id="C001", done_date__isnull=True).exists()
            page.select_option("select[name=mode]", "on_site")
            page.fill("input[name=done_date]", "2026-10-30")
            for code, _ in CHECK_ITEMS:
                if code != "operations":
                    page.select_option(f"select[name=item_{code}]", "normal")
            page.select_option("select[name=item_operations]", "watch")
            page.fill("input[name=note_operations]", "订单较上季减少")
            for code, text in NARRATIVE.items():
                page.fill(f"textarea[name=narrative_{code}]", text)
            page.fill("textarea[name=narrative_operations]", "产销基本正常，订单略降")
            page.select_option("select[name=conclusion]", "watch")
            page.click("#inspection-form button[type=submit]")
            page.wait_for_selector("text=检查已完成")
            page.goto(f"{live_server.url}/work/")
            panel = page.locator("#inbox-panel")
            assert panel.locator("tr", has_text="杭州甲制造有限公司").count() == 0
            assert panel.locator("tr", has_text="李娜").count() == 1
        finally:
            browser.close()
