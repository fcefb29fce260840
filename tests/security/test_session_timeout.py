"""Idle sessions end (等保三级 登录连接超时自动退出): POSTLOAN_SESSION_IDLE_MINUTES, default 30."""

import time

from postloan.accounts.models import AuthEvent
from postloan.accounts.sessions import SESSION_LAST_SEEN
from tests.factories import PASSWORD


def _login(client):
    assert client.post("/login/", {"username": "am_zhang", "password": PASSWORD}).status_code == 302


def _idle(client, seconds):
    session = client.session
    session[SESSION_LAST_SEEN] = int(time.time()) - seconds
    session.save()


def test_it_defaults_to_thirty_minutes():
    import importlib

    base = importlib.import_module("postloan.settings")
    assert base.POSTLOAN_SESSION_IDLE_MINUTES == 30


def test_it_keeps_a_session_in_use(client, bank):
    _login(client)
    _idle(client, 29 * 60)
    assert client.get("/work/").status_code == 200
    assert int(client.session[SESSION_LAST_SEEN]) >= int(time.time()) - 5  # refreshed


def test_it_logs_out_after_thirty_idle_minutes(client, bank):
    _login(client)
    _idle(client, 31 * 60)
    response = client.get("/work/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=")
    assert "_auth_user_id" not in client.session
    page = client.get(response["Location"])
    assert "已自动退出" in page.content.decode()
    assert AuthEvent.objects.filter(kind="timeout", username="am_zhang").count() == 1
    # and the next page asks for the login again
    assert client.get("/work/").status_code == 302


def test_it_follows_the_setting(client, bank, settings):
    settings.POSTLOAN_SESSION_IDLE_MINUTES = 5
    _login(client)
    _idle(client, 6 * 60)
    assert client.get("/work/").status_code == 302


def test_it_tells_htmx_to_go_to_the_login_page(client, bank):
    _login(client)
    _idle(client, 31 * 60)
    response = client.get("/work/", HTTP_HX_REQUEST="true")
    assert response["HX-Redirect"].startswith("/login/")


def test_it_answers_401_on_the_api(client, bank):
    _login(client)
    _idle(client, 31 * 60)
    response = client.get("/api/customers")
    assert response.status_code == 401
    assert "超时" in response.json()["detail"]
