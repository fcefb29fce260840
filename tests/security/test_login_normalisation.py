"""One user name, however it is typed: login, throttling and lock-out agree (issue 15, part 2).

Before the fix the throttle looked at the raw POSTed name while failures were recorded under
the cleaned one, so ` am_zhang`, `am_zhang `, a tab or full-width `ａｍ＿ｚｈａｎｇ` logged in with
the right password after the lock.
"""

import datetime as dt

import pytest
from django.utils import timezone

from postloan.accounts.authlog import prune
from postloan.accounts.models import AuthEvent
from postloan.accounts.usernames import normalize_username, username_problem
from postloan.core.models import AuditEvent
from postloan.ops.models import LoginFailure
from tests.factories import PASSWORD

VARIANTS = [" am_zhang", "am_zhang ", "\tam_zhang", "ａｍ＿ｚｈａｎｇ", "AM_ZHANG", "Am_Zhang\t"]


def _login(client, username, password, ip="10.0.0.1", url="/login/"):
    return client.post(url, {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_it_normalises_width_space_and_case_once():
    assert {normalize_username(v) for v in VARIANTS} == {"am_zhang"}
    assert normalize_username("  ") == ""


@pytest.mark.parametrize("variant", VARIANTS)
def test_it_keeps_every_spelling_locked_on_the_login_page(client, bank, variant):
    for _ in range(5):
        assert _login(client, "am_zhang", "wrong").status_code == 200
    locked = _login(client, variant, PASSWORD)
    assert locked.status_code == 429, repr(variant)
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("variant", [" admin", "admin\t", "ＡＤＭＩＮ"])
def test_it_keeps_every_spelling_locked_on_the_admin_login(client, bank, variant):
    for _ in range(5):
        _login(client, "admin", "wrong", url="/admin/login/")
    assert _login(client, variant, PASSWORD, url="/admin/login/").status_code == 429
    assert "_auth_user_id" not in client.session


def test_it_counts_failures_under_one_name_whatever_the_spelling(client, bank):
    for variant in VARIANTS[:5]:
        _login(client, variant, "wrong")
    assert set(LoginFailure.objects.values_list("username", flat=True)) == {"am_zhang"}
    assert _login(client, "am_zhang", PASSWORD).status_code == 429
    assert AuditEvent.objects.filter(action="ops.login_locked", object_id="am_zhang").count() == 1


def test_it_logs_a_differently_spelled_name_in_as_the_one_account(client, bank):
    response = _login(client, " ＡＭ＿Zhang ", PASSWORD)
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == bank.users["am_zhang"].pk


def test_it_locks_an_account_tried_from_many_addresses(client, bank):
    for n in range(10):
        _login(client, "am_wang", "wrong", ip=f"10.0.1.{n}")
    refused = _login(client, "am_wang", PASSWORD, ip="10.0.2.1")
    assert refused.status_code == 429
    assert "该账号登录失败次数过多" in refused.content.decode()
    assert _login(client, "am_zhang", PASSWORD, ip="10.0.2.1").status_code == 302


def test_it_locks_an_address_that_tries_many_names(client, bank):
    for n in range(20):
        _login(client, f"guess{n}", "wrong", ip="10.9.9.9")
    refused = _login(client, "am_zhang", PASSWORD, ip="10.9.9.9")
    assert refused.status_code == 429
    assert "本机登录失败次数过多" in refused.content.decode()
    assert _login(client, "am_zhang", PASSWORD, ip="10.9.9.10").status_code == 302


def test_it_refuses_new_user_names_that_are_not_in_normal_form(bank):
    assert username_problem("Am_Zhang2")  # capitals
    assert username_problem(" newuser")
    assert "已有用户名" in username_problem("am_zhang")
    assert username_problem("new_user") == ""


def test_it_writes_the_login_log(client, bank):
    _login(client, " AM_ZHANG", "wrong", ip="10.0.0.7")
    _login(client, "nobody", "wrong", ip="10.0.0.7")
    _login(client, "am_zhang", PASSWORD, ip="10.0.0.7")
    client.post("/logout/", REMOTE_ADDR="10.0.0.7")
    rows = list(AuthEvent.objects.order_by("at", "id").values_list("kind", "username", "ip"))
    assert rows == [
        ("failed", "am_zhang", "10.0.0.7"),
        ("failed", "nobody", "10.0.0.7"),
        ("login", "am_zhang", "10.0.0.7"),
        ("logout", "am_zhang", "10.0.0.7"),
    ]
    assert AuthEvent.objects.get(kind="failed", username="am_zhang").user == bank.users["am_zhang"]
    for _ in range(5):
        _login(client, "am_zhang", "wrong", ip="10.0.0.8")
    _login(client, "am_zhang", PASSWORD, ip="10.0.0.8")
    assert AuthEvent.objects.filter(kind="locked", username="am_zhang", ip="10.0.0.8").count() == 1


def test_it_keeps_the_login_log_at_least_180_days(bank, settings):
    settings.POSTLOAN_AUTH_LOG_DAYS = 30  # a shorter setting is not honoured
    now = timezone.now()
    kept = AuthEvent.objects.create(kind="login", username="am_zhang")
    old = AuthEvent.objects.create(kind="login", username="am_zhang")
    AuthEvent.objects.filter(pk=kept.pk).update(at=now - dt.timedelta(days=179))
    AuthEvent.objects.filter(pk=old.pk).update(at=now - dt.timedelta(days=181))
    assert prune() == 1
    assert list(AuthEvent.objects.values_list("pk", flat=True)) == [kept.pk]


def test_it_shows_the_login_log_to_auditors_only(client, bank):
    from tests.factories import make_user

    auditor = make_user("auditor1", None, "auditor")
    _login(client, "am_zhang", "wrong", ip="10.0.0.3")
    client.force_login(auditor)
    page = client.get("/ops/audit/logins/", {"username": "AM_ZHANG", "kind": "failed"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "登录日志" in html and "am_zhang" in html and "登录失败" in html and "10.0.0.3" in html
    client.force_login(bank.users["am_zhang"])
    assert client.get("/ops/audit/logins/").status_code == 403
