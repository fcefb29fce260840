"""Login throttling, password hashing and the absence of secrets in the repository."""

import re
import subprocess
from pathlib import Path

from postloan.core.models import AuditEvent
from postloan.ops.models import LoginFailure
from tests.factories import PASSWORD


def _login(client, username, password, ip="10.0.0.1", url="/login/"):
    return client.post(url, {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_it_locks_a_username_after_five_failures_from_one_address(client, bank):
    for _ in range(5):
        assert _login(client, "am_zhang", "wrong").status_code == 200  # the form again
    locked = _login(client, "am_zhang", PASSWORD)
    assert locked.status_code == 429
    assert "登录失败次数过多" in locked.content.decode()
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="ops.login_locked", object_id="am_zhang").count() == 1
    # another address, or another username, is not locked
    assert _login(client, "am_zhang", PASSWORD, ip="10.0.0.2").status_code == 302


def test_it_also_throttles_the_admin_login(client, bank):
    for _ in range(5):
        _login(client, "admin", "wrong", url="/admin/login/")
    assert _login(client, "admin", PASSWORD, url="/admin/login/").status_code == 429


def test_it_forgets_failures_after_a_successful_login(client, bank):
    for _ in range(4):
        _login(client, "am_wang", "wrong")
    assert _login(client, "am_wang", PASSWORD).status_code == 302
    assert not LoginFailure.objects.filter(username="am_wang").exists()


def test_it_unlocks_after_the_window(client, bank, settings):
    from django.utils import timezone

    for _ in range(5):
        _login(client, "am_zhang", "wrong")
    LoginFailure.objects.update(at=timezone.now() - timezone.timedelta(minutes=16))
    assert _login(client, "am_zhang", PASSWORD).status_code == 302


def test_it_hashes_passwords_with_pbkdf2_at_a_high_iteration_count():
    import importlib

    from django.contrib.auth.hashers import PBKDF2PasswordHasher

    base = importlib.import_module("postloan.settings")  # not the tests' fast MD5 override
    assert base.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.PBKDF2PasswordHasher"
    assert PBKDF2PasswordHasher.iterations >= 1_000_000
    assert base.SESSION_COOKIE_HTTPONLY and base.SESSION_COOKIE_AGE <= 12 * 3600


SECRET_PATTERNS = [
    re.compile(r"-----BEGIN (RSA |EC |OPENSSH )?PRIVATE KEY-----"),
    re.compile(r"AKIA[0-9A-Z]{16}"),
    re.compile(r"plk_[A-Za-z0-9_-]{40,}"),  # an API token of ours
    re.compile(r"postgres(ql)?://[^:@/\s]+:[^@/\s<>${}…*]{6,}@"),  # a DSN with a real password
]


def test_it_keeps_secrets_out_of_the_repository():
    root = Path(__file__).resolve().parents[2]
    files = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    hits = []
    for name in files:
        path = root / name
        if path.suffix in {".png", ".jpg", ".pdf", ".xlsx", ".parquet", ".zip", ".woff2"}:
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, FileNotFoundError, IsADirectoryError):
            continue
        hits += [f"{name}: {p.pattern}" for p in SECRET_PATTERNS if p.search(text)]
    assert hits == []
