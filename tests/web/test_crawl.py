"""No page fails and no code leaks to a person: on the S demo bank (one meeting played through
to signing), every demo role follows the links from the navigation breadth-first, a few URLs per
URL pattern, and every page answers below 500 with visible text in the bank's own words.

The figures (pages per role, 5xx, leaks, slowest pages) are printed with `-s`.
"""

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction

from postloan.org.choices import Role
from tests.demo.conftest import AS_OF, s_bank  # noqa: F401  (the session's S bank files)
from tests.web.crawl import crawl
from tests.web.crawl_bank import build_demo_bank

PER_PATTERN = 3
DOWNLOADS_SEEN: set[str] = set()  # each file (PDF, Word, Excel) is fetched by one role only


@pytest.fixture(scope="module")
def demo_bank(s_bank, django_db_setup, django_db_blocker):  # noqa: F811
    """The S bank imported, screened and signed once for the module; rolled back after it."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            meeting = build_demo_bank(s_bank, AS_OF)
            yield meeting
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.mark.django_db
@pytest.mark.parametrize("role", [r.value for r in Role])
def test_it_serves_every_page_in_the_banks_words(demo_bank, client, role):
    client.force_login(get_user_model().objects.get(username=role))
    result = crawl(client, role, ["/"], per_pattern=PER_PATTERN, downloads_seen=DOWNLOADS_SEEN)
    slowest = ", ".join(f"{v.url} {v.seconds:.2f}s" for v in result.slowest(3))
    print(
        f"\n[crawl] {role}: {len(result.visits)} pages, {len(result.errors)} 5xx, "
        f"{len(result.leaks)} leaks; slowest {slowest}"
    )
    for leak in result.leaks:
        print(f"[crawl]   leak {leak}")
    assert len(result.visits) > 40  # the crawl reached the work areas, not only the home page
    assert f"/meetings/{demo_bank.pk}/" in {v.url for v in result.visits} or role in (
        "account_manager",
    )
    assert result.errors == []
    assert [str(leak) for leak in result.leaks[:30]] == []
