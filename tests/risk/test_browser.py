"""In a real Chromium: a risk manager logs in, confirms a suggested downgrade, and takes a
signal through 处置 → 反馈 → 认定 → 消除."""

import pytest
from playwright.sync_api import sync_playwright

from postloan.portfolio.models import Loan
from postloan.risk.actions import persist_result
from postloan.risk.models import Signal
from tests.browser import launch, log_in
from tests.factories import PASSWORD, make_bank
from tests.risk.results import AS_OF, make_result, signal_row


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_it_confirms_a_downgrade_and_releases_a_signal(live_server):
    make_bank()
    persist_result(
        make_result(
            l003_dpd=95,
            l003_suggested="substandard",
            signals=[signal_row("EW-DPD", "C003", "L003", level="red", dpd=95)],
        ),
        AS_OF,
    )
    signal = Signal.objects.get()
    with sync_playwright() as p:
        browser = launch(p)
        try:
            page = browser.new_page()
            log_in(page, live_server.url, "rm_branch", PASSWORD, then="/risk/classification/")

            page.get_by_role("link", name="L003").click()
            page.wait_for_selector("#confirm-form")
            page.select_option("#confirm-form select[name=c-confirmed_class]", "substandard")
            page.fill("#confirm-form textarea[name=c-reason]", "逾期超过90天，按办法认定次级")
            page.click("#confirm-form button[type=submit]")
            page.wait_for_selector("text=已认定")
            assert page.locator("#confirm-form").count() == 0

            page.goto(f"{live_server.url}/risk/signals/{signal.pk}/")
            page.select_option("#handle-form select[name=handle-owner]", "RM01")
            page.fill("#handle-form textarea[name=handle-measures]", "约谈实际控制人，催收逾期本息")
            page.fill("#handle-form input[name=handle-due_date]", "2026-11-07")
            page.click("#handle-form button[type=submit]")
            page.wait_for_selector("#feedback-form")

            page.fill("#feedback-form textarea[name=feedback-note]", "客户已筹措资金，承诺还款")
            page.click("#feedback-form button[type=submit]")
            page.wait_for_selector("#confirm-form")

            page.check("#confirm-form input[name=confirm-real_risk][value=yes]")
            page.select_option("#confirm-form select[name=confirm-level]", "orange")
            page.fill("#confirm-form textarea[name=confirm-note]", "逾期属实，风险可控")
            page.click("#confirm-form button[type=submit]")
            page.wait_for_selector("#release-form")

            page.fill("#release-form textarea[name=release-reason]", "   ")  # blank: refused
            page.click("#release-form button[type=submit]")
            page.wait_for_selector("#release-form .errorlist")
            page.fill("#release-form textarea[name=release-reason]", "已全额归还逾期本息")
            page.click("#release-form button[type=submit]")
            page.wait_for_selector("#signal-status:has-text('消除')")
            assert page.locator("#history tbody tr").count() == 5
        finally:
            browser.close()
    assert Loan.objects.get(pk="L003").classification == "substandard"
    signal.refresh_from_db()
    assert (signal.status, signal.confirmed_level) == ("released", "orange")
