import pytest


@pytest.fixture
def api_client(client):
    """`api_client(user)` → a test client sending that user's fresh API token."""
    from postloan.api.tokens import issue_token

    def _for(user):
        _token, raw = issue_token(user, name="test")
        client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {raw}"
        return client

    return _for
