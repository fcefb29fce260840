"""In a real Chromium, the whole loop: the risk secretary plans and schedules a meeting from the
data and sends the notice; the account manager submits the customer's report; the meeting is
held, a `reduce_exposure` resolution recorded and the record signed; a later import lowers the
loan balance and the resolution shows as verified."""

import datetime as dt

import pytest
from playwright.sync_api import sync_playwright

from postloan.ingest.service import run_import
from postloan.meetings import actions
from postloan.meetings.models import Meeting, Resolution
from tests.browser import launch, log_in
from tests.factories import PASSWORD
from tests.meetings.conftest import screened

LOANS_CSV = (
    "loan_id,customer_id,facility_id,product,principal,balance,start_date,maturity_date,"
    "guarantee_method,classification\n"
    "L001,C001,F001,working_capital,5000000.00,2900000.00,2025-11-01,2027-10-31,guarantee,normal\n"
)


def _login(browser, base, username):
    page = browser.new_context().new_page()
    log_in(page, base, username, PASSWORD, then="/meetings/")
    return page


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_it_runs_the_meeting_loop_until_the_resolution_is_verified(
    live_server, committee_bank, tmp_path
):
    base = live_server.url
    screened()  # the facts the meeting decides on
    with sync_playwright() as p:
        browser = launch(p)
        try:
            # 1. the risk secretary plans the meeting from the data and schedules it
            sec = _login(browser, base, "rm_branch")
            sec.goto(f"{base}/meetings/plan/?branch=BR01&date=2026-11-18")
            assert sec.locator("#plan-table tr", has_text="杭州甲制造有限公司").count() == 1
            plan = sec.locator("#plan-table").inner_text()
            assert "授信1000万元（含）以上" in plan and "large_credit" not in plan
            sec.click("#schedule")
            sec.wait_for_selector("#agenda")
            meeting = Meeting.objects.get()
            detail = f"{base}/meetings/{meeting.pk}/"
            assert "张伟" in sec.locator("#missing-reports").inner_text()
            sec.click("#send-notice")
            sec.wait_for_selector("text=会议通知已发出")
            item = meeting.items.get(customer_id="C001")

            # 2. the account manager sees the notice and submits the report
            am = _login(browser, base, "am_zhang")
            am.goto(f"{base}/meetings/notices/")
            assert "杭州分行月度例会通知" in am.locator("#notices").inner_text()
            am.goto(f"{base}/meetings/items/{item.pk}/report/")
            am.fill("textarea[name=measures]", "三个月内压降余额至300万元")
            am.click("#submit-report")
            am.wait_for_selector("text=汇报材料已提交")
            assert am.locator("#report-status").inner_text() == "已提交"

            # 3. the meeting is held: attendance, deliberation, a reduce_exposure resolution
            sec.goto(detail)
            assert "张伟" not in sec.locator("#missing-reports").inner_text()
            presence = sec.locator("#start-form input[name=present]")
            assert not any(box.is_checked() for box in presence.all())  # nobody preset
            for box in presence.all():
                box.check()
            sec.select_option("select[name=presiding]", "P01")
            sec.click("#start-meeting")
            sec.wait_for_selector("text=会议已开始")
            assert "已达到" in sec.content()
            sec.goto(f"{base}/meetings/items/{item.pk}/")
            sec.fill("textarea[name=summary]", "经营正常但用信偏高，须压降")
            assert sec.locator("select[name=class__L001]").input_value() == ""  # no default
            sec.select_option("select[name=class__L001]", "normal")
            sec.select_option("select[name=method]", "consensus")
            sec.click("#save-decision")
            sec.wait_for_selector("text=审议结果已记录")
            sec.select_option("select[name=type]", "reduce_exposure")
            sec.fill("input[name=target_balance]", "3000000")
            sec.fill("input[name=target_date]", "2026-12-31")
            sec.select_option("select[name=department]", "corporate")
            sec.select_option("select[name=responsible]", "AM01")
            sec.fill("input[name=deadline]", "2026-12-31")
            sec.click("#add-resolution")
            sec.wait_for_selector("text=决议已记录")
            assert "压降至3,000,000.00元" in sec.locator("#resolutions").inner_text()
            # C003 (its report not submitted) is deferred, the presider says why it is missing
            other = Meeting.objects.get(pk=meeting.pk).items.get(customer_id="C003")
            actions.defer_item(
                other, reason="下次例会审议", acting_user=committee_bank.users["rm_branch"]
            )
            actions.excuse_missing_report(
                other, reason="客户经理外出", acting_user=committee_bank.users["chair"]
            )
            sec.goto(detail)
            sec.fill("textarea[name=chair_summary]", "各责任人按期落实决议。")
            sec.click("#sections-form button[type=submit]")
            sec.wait_for_selector("text=会议记录已保存")
            sec.click("#close-meeting")
            sec.wait_for_selector("text=会议已结束")

            # 4. the chair (presiding, and the president) signs; the record is locked
            chair = _login(browser, base, "chair")
            chair.goto(detail)
            chair.click("#sign")  # to the signing page: what is signed, then one role a step
            for step in ("会议主持人", "行长"):
                chair.wait_for_selector(f"text=以{step}")
                assert len(chair.locator("#sign-sha256").inner_text()) == 64
                chair.fill("textarea[name=opinion]", "同意，按决议执行")
                chair.check("input[name=confirm]")
                chair.fill("input[name=password]", PASSWORD)
                chair.click("#sign")
            chair.wait_for_selector("text=已签署锁定")
            assert chair.locator("#meeting-status").inner_text() == "已签署"
        finally:
            browser.close()

    # 5. a later import lowers the balance: the resolution is verified against the data
    folder = tmp_path / "batch"
    folder.mkdir()
    (folder / "loans.csv").write_text(LOANS_CSV, encoding="utf-8")
    result = run_import(folder, as_of=dt.date(2026, 12, 1))
    assert result.ok, result.errors
    res = Resolution.objects.get()
    assert res.status == "verified"

    with sync_playwright() as p:
        browser = launch(p)
        try:
            am = _login(browser, base, "am_zhang")
            am.goto(f"{base}/meetings/resolutions/{res.pk}/")
            assert am.locator("#resolution-status").inner_text() == "已核实执行"
            assert "2,900,000.00" in am.content()
            am.goto(f"{base}/meetings/tasks/")
            assert "没有待执行的例会决议" in am.content()
        finally:
            browser.close()
