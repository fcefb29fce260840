import pytest


@pytest.fixture
def api_client(client):
    """`api_client(user)` → a test client sending that user's fresh API token (all scopes
    unless `scopes` says otherwise)."""
    from postloan.api.models import Scope
    from postloan.api.tokens import issue_token

    def _for(user, scopes=tuple(Scope.values)):
        _token, raw = issue_token(user, scopes=scopes, name="test")
        client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {raw}"
        return client

    return _for
