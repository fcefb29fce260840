"""In a real Chromium: the committee waives a loan 5 days overdue as technical on the item page
(refused without the reason, kept what was typed), the chair signs, a customers file renames
the customer, and the meeting page still shows the signed name with the note that live data
changed. Screenshots in var/screenshots/."""

from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import sync_playwright

from postloan.meetings.models import LoanDecision
from postloan.risk.actions import persist_result
from tests.browser import launch, log_in
from tests.factories import PASSWORD
from tests.meetings.test_signing import _rename_by_import
from tests.risk.results import AS_OF, make_result

SHOTS = Path(settings.CHECKOUT_DIR) / "var" / "screenshots"
WAIVER = "核心系统批扣失败，客户账户资金充足，已于次日补扣"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_committee_waives_a_technical_overdue_in_the_browser(
    live_server, committee_bank, run, tmp_path
):
    bank = committee_bank
    persist_result(make_result(l003_dpd=5), AS_OF)  # L003: 5 days overdue, floor 关注
    meeting, items = run.held_meeting(bank)
    item = items["C003"]
    base = live_server.url
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = launch(p)
        try:
            page = browser.new_context(viewport={"width": 1440, "height": 900}).new_page()
            log_in(page, base, "rm_branch", PASSWORD, then=f"/meetings/items/{item.pk}/")
            row = page.locator("#decision-table tr", has_text="L003")
            assert not row.locator("input[name=waiver__L003]").is_checked()  # not preset
            page.select_option("select[name=class__L003]", "normal")
            page.fill("textarea[name=summary]", "逾期5天，系批扣故障")
            page.select_option("select[name=method]", "consensus")
            page.check("input[name=waiver__L003]")
            page.click("#save-decision")
            page.wait_for_selector("text=技术性逾期豁免须写明理由")
            assert page.input_value("textarea[name=summary]") == "逾期5天，系批扣故障"
            assert page.locator("input[name=waiver__L003]").is_checked()
            page.screenshot(path=str(SHOTS / "meeting-waiver-refused.png"), full_page=True)
            assert not LoanDecision.objects.exists()
            page.fill("input[name=waiver_reason__L003]", WAIVER)
            page.click("#save-decision")
            page.wait_for_selector("text=审议结果已记录")
            assert WAIVER in page.locator("#decided-loans").inner_text()
            page.screenshot(path=str(SHOTS / "meeting-waiver-recorded.png"), full_page=True)
        finally:
            browser.close()

    run.sign_off(bank, meeting)
    _rename_by_import(tmp_path, "杭州甲新材料股份有限公司")

    with sync_playwright() as p:
        browser = launch(p)
        try:
            page = browser.new_context(viewport={"width": 1440, "height": 900}).new_page()
            log_in(page, base, "chair", PASSWORD, then=f"/meetings/{meeting.pk}/")
            agenda = page.locator("#agenda").inner_text()
            assert "杭州甲制造有限公司" in agenda and "杭州甲新材料" not in agenda
            note = page.locator("#live-changes").inner_text()
            assert "签署后实时数据已有变化" in note and "客户名称已变化" in note
            page.screenshot(path=str(SHOTS / "meeting-signed-live-changed.png"), full_page=True)
            page.goto(f"{base}/meetings/{meeting.pk}/minutes/")
            assert f"技术性逾期豁免：{WAIVER}" in page.locator("#minutes").inner_text()
        finally:
            browser.close()
