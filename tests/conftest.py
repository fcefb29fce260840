import os

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def bank(db):
    from tests.factories import make_bank

    return make_bank()


@pytest.fixture
def login(client):
    """Log a persona in: `login(bank.users["am_zhang"])` returns the logged-in test client."""

    def _login(user):
        client.force_login(user)
        return client

    return _login


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Personas are created in most tests: hash their passwords cheaply (production keeps PBKDF2)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def screened_bank(bank):
    """The hand-made bank after a screening on its business date (DPD, suggestions, signals)."""
    from postloan.risk.actions.screening import run_screening
    from tests.factories import AS_OF

    run_screening(AS_OF)
    return bank


@pytest.fixture
def empty_cache():
    """A cleared Django cache before and after the test (the cached-figures tests)."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
