"""In a real Chromium, with the database task queue and a real `postloan db_worker`: upload a
bank extract, land on the job's page, watch it wait in the queue, then — once a worker has run
the import — see the page update itself (HTMX polling) and follow it to the batch."""

import re

import pytest
from playwright.sync_api import expect, sync_playwright

from postloan.ops.models import JobProgress
from tests.browser import launch, log_in
from tests.ingest.conftest import write_bank
from tests.ingest.test_upload_job import DB_QUEUE, WORKER
from tests.ingest.test_web import person
from tests.ops.helpers import start


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_web_upload_shows_its_progress_until_the_worker_is_done(live_server, settings, tmp_path):
    settings.TASKS = DB_QUEUE
    person("rm_chen", "risk_manager", "RM9")
    files = sorted(str(p) for p in write_bank(tmp_path / "bank").glob("*.csv"))
    base = live_server.url
    with sync_playwright() as p:
        browser = launch(p)
        try:
            page = browser.new_page()
            log_in(page, base, "rm_chen", "pl-test-password-1", then="/import/")
            page.set_input_files("input[type=file]", files)
            page.fill("input[name=as_of]", "2026-10-31")
            page.click("button:has-text('开始导入')")
            page.wait_for_url(re.compile(r"/ops/jobs/\d+/$"))
            expect(page.locator("body")).to_contain_text("排队中")
            page.screenshot(path=str(tmp_path / "queued.png"), full_page=True)
            job = JobProgress.objects.get()
            assert job.status == "queued"

            worker = start(*WORKER, POSTLOAN_TASK_BACKEND="db")
            out, _ = worker.communicate(timeout=180)
            assert worker.returncode == 0, out

            link = page.locator("a:has-text('查看导入结果')")
            link.wait_for(timeout=30_000)  # the page polled and replaced its panel
            expect(page.locator("body")).to_contain_text("导入成功")
            expect(page.locator("#job-status")).to_contain_text("执行次数：1")  # polled too
            page.screenshot(path=str(tmp_path / "done.png"), full_page=True)
            link.click()
            page.wait_for_url(re.compile(r"/import/\d+/$"))
            expect(page.locator("body")).to_contain_text("成功")
        finally:
            browser.close()
    job.refresh_from_db()
    assert job.status == "succeeded" and job.progress == 100
