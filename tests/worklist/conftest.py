import pytest


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """The hand-made bank creates six users per test: hash their passwords cheaply."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
