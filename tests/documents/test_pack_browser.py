"""In a real Chromium: from the meeting's page to its documents page, generate the meeting pack,
watch the HTMX progress until done (the meeting-pack background job builds it; the immediate task
backend runs it when the request commits), download the PDF and read it back: A4 pages with
Chinese text."""

import io
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright
from pypdf import PdfReader

from postloan.documents.models import PackJob
from tests.browser import launch, log_in
from tests.factories import PASSWORD


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_it_generates_and_downloads_the_meeting_pack(live_server, signed_meeting):
    meeting = signed_meeting.meeting
    base = live_server.url
    with sync_playwright() as p:
        browser = launch(p)
        try:
            context = browser.new_context(accept_downloads=True)
            page = context.new_page()
            log_in(page, base, "rm_branch", PASSWORD, then=f"/meetings/{meeting.pk}/")
            page.click("text=文书与会议材料")
            page.wait_for_url(f"{base}/documents/meetings/{meeting.pk}/")
            page.click("button:has-text('生成会议材料')")
            page.wait_for_selector("#pack-status .pack-status")
            link = page.locator("#pack-status a:has-text('下载会议材料')")
            link.wait_for(timeout=120_000)
            assert "100%" in page.locator("#pack-status").inner_text()
            with page.expect_download() as info:
                link.click()
            download = info.value
            assert download.suggested_filename.endswith(".pdf")
            pdf = Path(download.path()).read_bytes()
        finally:
            browser.close()
    job = PackJob.objects.get(meeting=meeting)
    assert job.status == "done" and job.progress == 100
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == job.pages >= 6
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)
    text = "".join(page.extract_text() for page in reader.pages)
    assert "贷后管理例会会议材料" in text
    assert "杭州甲制造有限公司" in text and "会议通知" in text
    assert "全行信贷资产质量整体报告" in text
