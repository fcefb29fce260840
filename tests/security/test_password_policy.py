"""The password policy (等保三级): length ≥ 10, three character classes, no reuse of the last 5,
expiry, and a required change for accounts an administrator created (issue 15, part 2)."""

import datetime as dt

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from postloan.accounts.models import AccountSecurity, AuthEvent, PasswordHistory
from postloan.accounts.passwords import mark_demo_account, require_password_change
from postloan.core.models import AuditEvent
from tests.factories import PASSWORD


def _messages(password, user=None) -> str:
    with translation.override("zh-hans"):
        try:
            validate_password(password, user)
        except ValidationError as exc:
            return " ".join(str(m) for m in exc.messages)
    return ""


def test_it_asks_for_ten_characters_of_three_classes(bank):
    assert "至少需要 10 个字符" in _messages("Ab-1")
    assert "3 类" in _messages("abcdefghijkl")  # one class
    assert "3 类" in _messages("abcdefghij12")  # two classes
    assert "不能全部是数字" in _messages("3849205718")
    assert "太常见" in _messages("Password123")
    assert _messages("Qiantang-river-26") == ""


def _change(client, old, new):
    return client.post(
        "/password/", {"old_password": old, "new_password1": new, "new_password2": new}
    )


def test_it_refuses_any_of_the_last_five_passwords(client, bank):
    user = bank.users["am_zhang"]
    client.force_login(user)
    passwords = [PASSWORD] + [f"Xihu-lake-{n}a" for n in range(1, 6)]
    for old, new in zip(passwords, passwords[1:], strict=False):
        assert _change(client, old, new).status_code == 302
    assert PasswordHistory.objects.filter(user=user).count() == 5
    current = passwords[-1]
    for reused in passwords[-5:]:
        response = _change(client, current, reused)
        assert response.status_code == 200
        assert "最近 5 次" in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(current)
    # the sixth-latest is no longer remembered
    assert _change(client, current, passwords[0]).status_code == 302


def test_it_shows_the_error_next_to_the_field_and_writes_nothing(client, bank):
    user = bank.users["am_zhang"]
    client.force_login(user)
    response = _change(client, PASSWORD, "short")
    assert response.status_code == 200
    html = response.content.decode()
    assert "密码太短" in html and "errorlist" in html and "too short" not in html
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    assert not AuthEvent.objects.filter(kind="password_changed").exists()


def _login(client, username, password=PASSWORD):
    return client.post("/login/", {"username": username, "password": password})


def test_it_sends_an_account_the_admin_created_to_change_its_password_first(client, bank):
    user = bank.users["am_wang"]
    require_password_change(user, acting_user=bank.users["admin"], reason="系统管理员创建账号")
    assert _login(client, "am_wang").status_code == 302
    work = client.get("/work/")
    assert work.status_code == 302 and work["Location"].startswith("/password/")
    page = client.get(work["Location"])
    assert "请先修改密码" in page.content.decode()
    assert client.get("/api/customers").status_code == 403
    response = client.post(
        "/password/?next=/work/",
        {
            "old_password": PASSWORD,
            "new_password1": "Binjiang-2026-a",
            "new_password2": "Binjiang-2026-a",
            "next": "/work/",
        },
    )
    assert response.status_code == 302 and response["Location"] == "/work/"
    assert client.get("/work/").status_code == 200
    assert not AccountSecurity.objects.get(user=user).must_change_password
    assert AuditEvent.objects.filter(action="accounts.change_password", actor=user).exists()
    assert AuthEvent.objects.filter(kind="password_changed", user=user).exists()


def test_it_makes_the_user_change_a_password_the_admin_set(client, bank):
    client.force_login(bank.users["admin"])
    user = bank.users["am_wang"]
    response = client.post(
        f"/admin/auth/user/{user.pk}/password/",
        {"password1": "Reset-by-admin-26", "password2": "Reset-by-admin-26"},
    )
    assert response.status_code == 302
    assert AccountSecurity.objects.get(user=user).must_change_password
    assert AuditEvent.objects.filter(action="admin.set_password", object_id=str(user.pk)).exists()


@pytest.mark.parametrize("days_ago, forced", [(91, True), (89, False)])
def test_it_expires_passwords_after_the_set_number_of_days(client, bank, days_ago, forced):
    user = bank.users["am_zhang"]
    AccountSecurity.objects.update_or_create(
        user=user, defaults={"password_changed_at": timezone.now() - dt.timedelta(days=days_ago)}
    )
    _login(client, "am_zhang")
    response = client.get("/work/")
    assert (response.status_code == 302 and "/password/" in response["Location"]) is forced


def test_it_can_switch_expiry_off(client, bank, settings):
    settings.POSTLOAN_PASSWORD_MAX_AGE_DAYS = 0
    user = bank.users["am_zhang"]
    AccountSecurity.objects.update_or_create(
        user=user, defaults={"password_changed_at": timezone.now() - dt.timedelta(days=900)}
    )
    _login(client, "am_zhang")
    assert client.get("/work/").status_code == 200


def test_it_starts_the_clock_of_an_older_account_at_its_first_login(client, bank):
    user = bank.users["am_zhang"]
    assert not AccountSecurity.objects.filter(user=user).exists()
    _login(client, "am_zhang")
    assert AccountSecurity.objects.get(user=user).password_changed_at is not None
    assert client.get("/work/").status_code == 200


def test_it_exempts_the_demo_logins(client, bank):
    user = bank.users["am_zhang"]
    require_password_change(user, acting_user=None, reason="测试")
    mark_demo_account(user)
    _login(client, "am_zhang")
    assert client.get("/work/").status_code == 200
