"""Dump the visible text of the pages every demo role reaches (dev tool for scripts/i18n_wrap.py).

Run it on a built demo bank before and after wrapping the templates, then diff the two dumps:
the visible text must be the same, byte for byte.

    cp -r var /tmp/before-var   # a copy per run: the crawl must not see the other run's traces
    PYTHONPATH=<tree>/src:. POSTLOAN_VAR_DIR=/tmp/before-var \
        python scripts/i18n_visible_text.py OUT_DIR [PER_PATTERN]

One file per role (OUT_DIR/<role>.txt): for each HTML page, its URL and then its visible text
nodes one a line, as tests/web/crawl.py reads them (script/style excluded, entities decoded).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path


def main(argv: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "postloan.settings")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.test.utils import setup_test_environment

    from postloan.org.choices import Role
    from tests.web.crawl import crawl, parse

    setup_test_environment()
    out = Path(argv[1])
    per_pattern = int(argv[2]) if len(argv) > 2 else 2
    out.mkdir(parents=True, exist_ok=True)
    for role in [r.value for r in Role]:
        client = Client()
        client.force_login(get_user_model().objects.get(username=role))
        pages: dict[str, list[str]] = {}

        class Recording:
            def __init__(self, client, pages):
                self.client, self.pages = client, pages

            def get(self, url, **headers):
                response = self.client.get(url, **headers)
                if response.get("Content-Type", "").startswith("text/html"):
                    body = (
                        b"".join(response.streaming_content)
                        if response.streaming
                        else response.content
                    )
                    page = parse(body.decode("utf-8", errors="replace"))
                    self.pages[url] = [text for text, _ in page.texts if text]
                return response

        crawl(
            Recording(client, pages), role, ["/"], per_pattern=per_pattern, downloads_per_pattern=0
        )
        with (out / f"{role}.txt").open("w", encoding="utf-8") as fh:
            for url in sorted(pages):
                fh.write(f"== {url}\n")
                fh.writelines(line + "\n" for line in pages[url])
        print(f"{role}: {len(pages)} pages")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
