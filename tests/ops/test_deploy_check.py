"""`postloan check --deploy --settings=postloan.settings_production` is clean; no secret default."""

import secrets
import subprocess

from tests.ops.helpers import POSTLOAN, command_env


def _check(**env):
    e = command_env(**env)
    e.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # the test runner's own setting (async.E001)
    if "POSTLOAN_SECRET_KEY" not in env:
        e.pop("POSTLOAN_SECRET_KEY", None)
    return subprocess.run(
        [
            POSTLOAN,
            "check",
            "--deploy",
            "--settings=postloan.settings_production",
            "--fail-level",
            "WARNING",
        ],
        env=e,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_it_passes_the_deployment_checklist(db, tmp_path):
    done = _check(
        POSTLOAN_SECRET_KEY=secrets.token_urlsafe(64),
        POSTLOAN_ALLOWED_HOSTS="postloan.bank.example",
        POSTLOAN_VAR_DIR=tmp_path,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout


def test_it_refuses_to_start_without_a_secret_key(db, tmp_path):
    done = _check(POSTLOAN_ALLOWED_HOSTS="postloan.bank.example", POSTLOAN_VAR_DIR=tmp_path)
    assert done.returncode != 0
    assert "POSTLOAN_SECRET_KEY" in done.stderr


def test_it_keeps_secure_cookies_in_production():
    import importlib
    import os

    os.environ["POSTLOAN_SECRET_KEY"] = secrets.token_urlsafe(64)
    os.environ["POSTLOAN_ALLOWED_HOSTS"] = "postloan.bank.example"
    try:
        prod = importlib.import_module("postloan.settings_production")
    finally:
        del os.environ["POSTLOAN_SECRET_KEY"], os.environ["POSTLOAN_ALLOWED_HOSTS"]
    assert prod.SESSION_COOKIE_SECURE and prod.CSRF_COOKIE_SECURE and not prod.DEBUG
    assert prod.SESSION_COOKIE_HTTPONLY and prod.SECURE_HSTS_SECONDS >= 31_536_000
    assert prod.PASSWORD_HASHERS[0].endswith("PBKDF2PasswordHasher")
