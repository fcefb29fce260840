"""In a real Chromium: a risk manager edits a threshold, previews its impact, then saves it."""

from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from postloan.risk.actions.screening import run_screening
from postloan.risk.models import ThresholdVersion
from tests.browser import launch, log_in
from tests.factories import AS_OF, PASSWORD, make_bank

SHOT = Path(__file__).resolve().parents[2] / "var" / "screenshots" / "threshold-preview.png"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_risk_manager_previews_a_threshold_before_saving_it(live_server):
    make_bank()
    run_screening(AS_OF)
    with sync_playwright() as p:
        browser = launch(p)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 1600})
            log_in(page, live_server.url, "rm_branch", PASSWORD, then="/risk/thresholds/")
            page.fill("input[name=dpd_orange_over]", "45")
            page.click("#preview-button")
            page.wait_for_selector("#threshold-preview")
            preview = page.locator("#threshold-preview").inner_text()
            assert "改变级别 1 条" in preview
            assert "逾期" in preview and "橙色" in preview and "黄色" in preview
            assert "None" not in preview and "dpd_" not in preview
            assert page.input_value("input[name=dpd_orange_over]") == "45"  # kept
            assert ThresholdVersion.objects.count() == 0
            SHOT.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SHOT), full_page=True)

            page.fill("textarea[name=reason]", "逾期30天内多为技术性原因，橙色预警改为45天")
            page.click("button.btn-primary")
            page.wait_for_selector("text=阈值已保存")
            assert ThresholdVersion.objects.get().values["dpd_orange_over"] == 45
        finally:
            browser.close()
