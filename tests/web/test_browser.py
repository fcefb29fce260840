"""The customer pages in real Chromium: log in, open 客户, click C001, see the 360 page and its chart."""

from pathlib import Path

import pytest
from django.conf import settings

from tests.browser import launch
from tests.factories import PASSWORD, make_bank
from tests.web.richer import enrich_c001

SHOTS = Path(settings.CHECKOUT_DIR) / "var" / "screenshots"


@pytest.fixture
def page():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = launch(p)
        context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN")
        yield context.new_page()
        context.close()
        browser.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_it_walks_from_login_to_the_customer_360_page(live_server, page):
    make_bank()
    enrich_c001()
    SHOTS.mkdir(parents=True, exist_ok=True)
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)

    page.goto(f"{live_server.url}/")
    page.fill("#id_username", "am_zhang")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector(".pl-nav")
    assert "西湖支行" in page.inner_text(".pl-top")
    assert "2026-10-31" in page.inner_text(".pl-top")
    page.wait_for_selector("[data-chart=classes] canvas")
    page.screenshot(path=str(SHOTS / "dashboard.png"), full_page=True)

    page.click(".pl-nav >> text=客户")
    page.wait_for_selector("#customer-table table")
    assert page.locator("#customer-table tbody tr").count() == 2  # C001, C002: not C003
    page.screenshot(path=str(SHOTS / "customer-list.png"), full_page=True)

    # The filter form swaps only the table (HTMX) and pushes the URL.
    page.select_option("select[name=type]", "retail")
    page.wait_for_function("document.querySelectorAll('#customer-table tbody tr').length === 1")
    assert "type=retail" in page.url
    page.select_option("select[name=type]", "")
    page.wait_for_function("document.querySelectorAll('#customer-table tbody tr').length === 2")

    # Sorting swaps the table in place as well.
    page.click("#customer-table th >> text=贷款余额")
    page.wait_for_url("**o=balance**")
    page.wait_for_function(
        "document.querySelector('#customer-table tbody td').innerText.trim() === 'C002'"
    )

    page.click("#customer-table >> text=C001")
    page.wait_for_selector("#loan-table")
    assert page.url.endswith("/customers/C001/")
    assert "杭州甲制造有限公司" in page.inner_text("h1")
    assert "L001" in page.inner_text("#loan-table")
    page.wait_for_selector("#flow-chart canvas")
    assert page.locator("[data-chart=collateral] canvas").count() == 1
    page.screenshot(path=str(SHOTS / "customer360.png"), full_page=True)

    # Printed on A4: no navigation, the content only.
    page.set_viewport_size({"width": 794, "height": 1123})
    page.emulate_media(media="print")
    assert not page.locator(".pl-side").is_visible()
    assert not page.locator(".anchor-nav").is_visible()
    page.screenshot(path=str(SHOTS / "customer360-print.png"), full_page=False)
    assert errors == []
