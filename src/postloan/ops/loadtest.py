"""A bounded load test on loopback: N simulated users log in and click through the main pages.

Plain threads and `http.client` (no extra package). Refuses any host but 127.0.0.1/localhost,
caps users at 20·5 and the duration at 10 minutes. Each user logs in once (its own session and
CSRF cookie), then requests the pages in a loop, pausing `think` seconds between requests.
Returns latencies per page and overall (p50/p95/max, ms), request and error counts.
"""

from __future__ import annotations

import http.client
import re
import statistics
import threading
import time
import urllib.parse
from dataclasses import dataclass, field

LOOPBACK = {"127.0.0.1", "localhost", "::1"}
MAX_USERS = 100
MAX_SECONDS = 600

# The main pages every role opens (relative to the site root).
MAIN_PAGES = (
    "/",
    "/customers/",
    "/risk/signals/",
    "/risk/classification/",
    "/work/",
    "/meetings/",
    "/reports/",
    "/health/",
)


@dataclass
class Result:
    samples: dict[str, list[float]] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)
    started: float = 0.0
    seconds: float = 0.0
    logins_failed: int = 0

    def add(self, page: str, ms: float, ok: bool) -> None:
        self.samples.setdefault(page, []).append(ms)
        if not ok:
            self.errors[page] = self.errors.get(page, 0) + 1

    def summary(self) -> dict:
        every = [v for values in self.samples.values() for v in values]
        return {
            "requests": len(every),
            "errors": sum(self.errors.values()),
            "logins_failed": self.logins_failed,
            "seconds": round(self.seconds, 1),
            "requests_per_second": round(len(every) / self.seconds, 1) if self.seconds else 0,
            **percentiles(every),
            "pages": {
                page: percentiles(values) | {"errors": self.errors.get(page, 0)}
                for page, values in sorted(self.samples.items())
            },
        }


def percentiles(values: list[float]) -> dict:
    if not values:
        return {"p50_ms": None, "p95_ms": None, "max_ms": None}
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return {
        "p50_ms": round(statistics.median(ordered), 1),
        "p95_ms": round(p95, 1),
        "max_ms": round(ordered[-1], 1),
    }


class Browser:
    """One user's cookies over one keep-alive connection."""

    def __init__(self, host: str, port: int, timeout: float = 30.0):
        self.host, self.port, self.timeout = host, port, timeout
        self.cookies: dict[str, str] = {}
        self.conn = http.client.HTTPConnection(host, port, timeout=timeout)

    def request(self, method: str, path: str, body: str | None = None, headers=None):
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        for attempt in (1, 2):
            try:
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                data = response.read()
                break
            except (http.client.HTTPException, OSError):
                self.conn.close()
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
                if attempt == 2:
                    raise
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key.strip()] = rest.split(";", 1)[0]
        return response.status, data

    def login(self, username: str, password: str) -> bool:
        status, page = self.request("GET", "/login/")
        match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if status != 200 or not match:
            return False
        form = urllib.parse.urlencode(
            {
                "csrfmiddlewaretoken": match.group(1).decode(),
                "username": username,
                "password": password,
            }
        )
        status, _ = self.request(
            "POST",
            "/login/",
            body=form,
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Referer": f"http://{self.host}:{self.port}/login/",
            },
        )
        return status == 302


def run_load(
    host: str,
    port: int,
    logins: list[tuple[str, str]],
    users: int = 20,
    seconds: float = 60.0,
    pages: tuple[str, ...] = MAIN_PAGES,
    think: float = 0.0,
) -> dict:
    if host not in LOOPBACK:
        raise ValueError("负载测试只允许在本机回环地址上运行（127.0.0.1 / localhost）")
    users = max(1, min(int(users), MAX_USERS))
    seconds = max(1.0, min(float(seconds), MAX_SECONDS))
    result = Result()
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def user(n: int) -> None:
        browser = Browser(host, port)
        username, password = logins[n % len(logins)]
        if not browser.login(username, password):
            with lock:
                result.logins_failed += 1
            return
        i = n  # users start on different pages; each visits every page at least once
        while time.monotonic() < stop_at or i - n < len(pages):
            page = pages[i % len(pages)]
            i += 1
            t0 = time.perf_counter()
            try:
                status, _ = browser.request("GET", page)
                ok = status == 200
            except OSError:
                ok = False
            ms = (time.perf_counter() - t0) * 1000
            with lock:
                result.add(page, ms, ok)
            if think:
                time.sleep(think)

    threads = [threading.Thread(target=user, args=(n,), daemon=True) for n in range(users)]
    result.started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join(seconds + 60)
    result.seconds = time.monotonic() - result.started
    return result.summary()
