"""A tiny version of the load test (benchmarks/load): a few users, a few seconds, no errors."""

import pytest

from postloan.ops.loadtest import run_load
from tests.factories import PASSWORD


def test_it_serves_concurrent_users_without_errors(live_server, transactional_db):
    from tests.factories import make_bank

    make_bank()
    host, port = live_server.url.removeprefix("http://").split(":")
    logins = [("am_zhang", PASSWORD), ("rm_branch", PASSWORD), ("chair", PASSWORD)]
    summary = run_load(
        host, int(port), logins, users=3, seconds=2, pages=("/", "/customers/", "/health/")
    )
    assert summary["logins_failed"] == 0
    assert summary["requests"] >= 3
    assert summary["errors"] == 0, summary["pages"]
    assert summary["p95_ms"] is not None


def test_it_refuses_to_load_test_anything_but_loopback():
    with pytest.raises(ValueError, match="回环"):
        run_load("10.1.2.3", 80, [("a", "b")], users=1, seconds=1)
