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
